import type { Command } from 'commander';
import { routes } from '@hoody-ai/hoody-sdk';
import { act, compact, type Emit, expiry, list } from '../options';
import { views } from '../render/views';

interface TokenOptions {
  alias?: string;
  realmIds?: string[];
  allowNoRealm?: boolean;
  expiresAt?: string | number;
  permissionTemplate?: string;
  ipWhitelist?: string[];
}

const tokenBody = (o: TokenOptions) =>
  compact({
    alias: o.alias,
    realm_ids: o.realmIds,
    allow_no_realm: o.allowNoRealm,
    expires_at: o.expiresAt,
    permission_template: o.permissionTemplate,
    ip_whitelist: o.ipWhitelist,
  });

/** The options create and update share. */
function tokenOptions(command: Command): Command {
  return command
    .option('--realm-ids <ids>', 'restrict the token to these realms, comma-separated', list)
    .option('--allow-no-realm', 'the token also sees resources without a realm (the default)')
    .option('--no-allow-no-realm', 'the token sees only resources of its realms')
    .option('--expires-at <when>', 'ISO date, unix seconds, today or tomorrow', expiry)
    .option('--permission-template <name>', 'full_access, read_only, …')
    .option('--ip-whitelist <ips>', 'accept the token only from these addresses, comma-separated', list);
}

export function authCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('auth').description('API tokens');

  act<TokenOptions & { alias: string; disabled?: boolean }>(
    tokenOptions(group.command('create').description('Create a token (its secret is shown once)').requiredOption('--alias <alias>', 'name of the token')).option(
      '--disabled',
      'create it disabled',
    ),
    emit,
    (_args, o) => ({
      request: routes.authTokens.create({ ...tokenBody(o), alias: o.alias, ...(o.disabled ? { is_enabled: false } : {}) }),
      view: views.secret('The token is shown only now: store it (e.g. export HOODY_TOKEN=…).'),
    }),
  );

  act(group.command('list').description('List tokens'), emit, () => ({ request: routes.authTokens.list(), view: views.tokens }));

  act(group.command('get').description('Show a token').argument('<id>', 'token id'), emit, ([id]) => ({
    request: routes.authTokens.get(id),
    view: views.object,
  }));

  act<TokenOptions & { enable?: boolean; disable?: boolean }>(
    tokenOptions(group.command('update').description('Change a token').argument('<id>', 'token id').option('--alias <alias>', 'new name'))
      .option('--enable', 'enable the token')
      .option('--disable', 'disable the token'),
    emit,
    ([id], o, self) => {
      if (o.enable && o.disable) self.error('error: --enable and --disable exclude each other');
      const body = { ...tokenBody(o), ...compact({ is_enabled: o.enable ? true : o.disable ? false : undefined }) };
      if (Object.keys(body).length === 0) self.error('error: nothing to update');
      return { request: routes.authTokens.update(id, body), view: views.object };
    },
  );

  act(group.command('delete').description('Revoke a token').argument('<id>', 'token id'), emit, ([id]) => ({
    request: routes.authTokens.delete(id),
    view: views.message,
  }));

  act(group.command('me').description('The token in use and its realm restrictions'), emit, () => ({
    request: routes.authTokens.me(),
    view: views.object,
  }));

  act<{ realmId: string }>(
    group.command('add-realm').description('Add a realm to a token').argument('<id>', 'token id').requiredOption('--realm-id <id>', 'the realm'),
    emit,
    ([id], o) => ({ request: routes.authTokens.addRealm(id, o.realmId), view: views.object }),
  );

  act<{ realmId: string }>(
    group.command('remove-realm').description('Remove a realm from a token').argument('<id>', 'token id').requiredOption('--realm-id <id>', 'the realm'),
    emit,
    ([id], o) => ({ request: routes.authTokens.removeRealm(id, o.realmId), view: views.object }),
  );

  return group;
}
