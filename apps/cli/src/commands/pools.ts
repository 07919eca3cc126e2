import { type Command, Option } from 'commander';
import { routes, type PoolRole } from '@hoody-ai/hoody-sdk';
import { act, compact, type Emit, jsonObject } from '../options';
import { views } from '../render/views';

const ROLES: readonly PoolRole[] = ['user', 'admin'];
const roleOption = () => new Option('--role <role>', 'user or admin').choices(ROLES).makeOptionMandatory();

export function poolsCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('pools').description('Server pools: share servers with team members');

  act<{ name: string; description?: string; settings?: Record<string, unknown> }>(
    group
      .command('create')
      .description('Create a pool (you own it)')
      .requiredOption('--name <name>', 'pool name (at most 100 characters)')
      .option('--description <text>', 'what the pool is for')
      .option('--settings <json>', 'settings as a JSON object (e.g. per-member limits)', jsonObject),
    emit,
    (_args, o) => ({ request: routes.pools.create({ name: o.name, ...compact({ description: o.description, settings: o.settings }) }), view: views.object }),
  );

  act(group.command('list').description('List the pools you belong to'), emit, () => ({ request: routes.pools.list(), view: views.pools }));

  act(group.command('get').description('Show a pool with its members and servers').argument('<poolId>', 'pool id'), emit, ([id]) => ({
    request: routes.pools.get(id),
    view: views.poolDetail,
  }));

  act<{ description?: string; settings?: Record<string, unknown> }>(
    group
      .command('update')
      .description('Change a pool (owner)')
      .argument('<poolId>', 'pool id')
      .option('--description <text>', 'what the pool is for')
      .option('--settings <json>', 'settings as a JSON object', jsonObject),
    emit,
    ([id], o, self) => {
      const body = compact({ description: o.description, settings: o.settings });
      if (Object.keys(body).length === 0) self.error('error: nothing to update: give --description or --settings');
      return { request: routes.pools.update(id, body), view: views.object };
    },
  );

  act(group.command('delete').description('Delete a pool (owner)').argument('<poolId>', 'pool id'), emit, ([id]) => ({
    request: routes.pools.delete(id),
    view: views.message,
  }));

  act(group.command('invitations').description('Your pending pool invitations'), emit, () => ({
    request: routes.pools.invitations(),
    view: views.invitations,
  }));

  act(group.command('accept').description('Accept an invitation to a pool').argument('<poolId>', 'pool id'), emit, ([id]) => ({
    request: routes.pools.accept(id),
    view: views.message,
  }));

  act(group.command('reject').description('Reject an invitation to a pool').argument('<poolId>', 'pool id'), emit, ([id]) => ({
    request: routes.pools.reject(id),
    view: views.message,
  }));

  const members = group.command('members').description('Pool members');

  act<{ username: string; role: PoolRole }>(
    members
      .command('invite')
      .description('Invite a user (owner, admin); they get access once they accept')
      .argument('<poolId>', 'pool id')
      .requiredOption('--username <name>', 'who to invite')
      .addOption(roleOption()),
    emit,
    ([id], o) => ({ request: routes.poolMembers.invite(id, { username: o.username, role: o.role }), view: views.object }),
  );

  act<{ userId: string; role: PoolRole }>(
    members
      .command('role')
      .description("Change a member's role (owner)")
      .argument('<poolId>', 'pool id')
      .requiredOption('--user-id <id>', 'the member')
      .addOption(roleOption()),
    emit,
    ([id], o) => ({ request: routes.poolMembers.updateRole(id, o.userId, { role: o.role }), view: views.object }),
  );

  act<{ userId: string }>(
    members.command('remove').description('Remove a member (owner, admin)').argument('<poolId>', 'pool id').requiredOption('--user-id <id>', 'the member'),
    emit,
    ([id], o) => ({ request: routes.poolMembers.remove(id, o.userId), view: views.message }),
  );

  const servers = group.command('servers').description("A pool's servers");

  act<{ serverId: string }>(
    servers.command('add').description('Add a server you own to a pool').argument('<poolId>', 'pool id').requiredOption('--server-id <id>', 'the server'),
    emit,
    ([id], o) => ({ request: routes.pools.addServer(id, { server_id: o.serverId }), view: views.poolDetail }),
  );

  act<{ serverId: string }>(
    servers.command('remove').description('Take a server out of a pool').argument('<poolId>', 'pool id').requiredOption('--server-id <id>', 'the server'),
    emit,
    ([id], o) => ({ request: routes.pools.removeServer(id, o.serverId), view: views.message }),
  );

  return group;
}
