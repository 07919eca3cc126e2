import { type Command, Option } from 'commander';
import { routes, type ShareMode, type ShareStatus, type ShareTargetType } from '@hoody-ai/hoody-sdk';
import { act, compact, type Emit, query, unixSeconds } from '../options';
import { views } from '../render/views';

const MODES: readonly ShareMode[] = ['readonly', 'readwrite'];
const container = (help = 'the source container') => new Option('-c, --container <id>', help).makeOptionMandatory();

export function storageCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('storage').description('Storage shares: a directory of one container, live in others');

  act<{
    container: string;
    sourcePath: string;
    targetContainerId?: string;
    targetProjectId?: string;
    mode: ShareMode;
    alias?: string;
    label?: string;
    description?: string;
    disabled?: boolean;
    expiresAt?: number;
  }>(
    group
      .command('create')
      .description('Share a directory with a container or with every container of a project')
      .addOption(container())
      .requiredOption('--source-path <path>', 'absolute directory in the source, e.g. /hoody/storage/assets')
      .addOption(new Option('--target-container-id <id>', 'share with this container').conflicts('targetProjectId'))
      .option('--target-project-id <id>', 'share with every container of this project')
      .addOption(new Option('--mode <mode>', 'readonly or readwrite').choices(MODES).makeOptionMandatory())
      .option('--alias <alias>', 'the target sees /hoody/shares/<alias>/ (3–63 of [a-z0-9_-])')
      .option('--label <label>', 'a label to filter by')
      .option('--description <text>', 'what it is for')
      .option('--disabled', 'create it disabled')
      .option('--expires-at <when>', 'unix seconds or an ISO date', unixSeconds),
    emit,
    (_args, o, self) => {
      if (!o.targetContainerId && !o.targetProjectId) self.error('error: give --target-container-id <id> or --target-project-id <id>');
      const target = o.targetContainerId ? { target_container_id: o.targetContainerId } : { target_project_id: o.targetProjectId as string };
      const rest = compact({
        alias: o.alias,
        label: o.label,
        description: o.description,
        enabled: o.disabled ? false : undefined,
        expires_at: o.expiresAt,
      });
      return {
        request: routes.storageShares.create(o.container, { source_path: o.sourcePath, ...target, mode: o.mode, ...rest }),
        view: views.object,
      };
    },
  );

  act<{ container?: string; targetType?: ShareTargetType; label?: string; status?: ShareStatus; enabled?: boolean; includeExpired?: boolean; realmId?: string }>(
    group
      .command('list')
      .description("Shares: one container's, or all you can see")
      .option('-c, --container <id>', 'only the shares of this source container')
      .addOption(new Option('--target-type <type>', 'container or project').choices(['container', 'project']))
      .option('--label <label>', 'only shares with this label')
      .addOption(new Option('--status <status>', 'active or failed').choices(['active', 'failed']))
      .option('--enabled', 'only enabled shares')
      .option('--no-enabled', 'only disabled shares')
      .option('--include-expired', 'also expired shares')
      .option('--realm-id <id>', 'only shares of this realm'),
    emit,
    (_args, o) => ({
      request: routes.storageShares.list(
        o.container,
        query({ target_type: o.targetType, label: o.label, status: o.status, enabled: o.enabled, include_expired: o.includeExpired, realm_id: o.realmId }),
      ),
      view: views.shares,
    }),
  );

  act<{ container: string }>(
    group.command('get').description('Show a share').argument('<shareId>', 'share id').addOption(container()),
    emit,
    ([id], o) => ({ request: routes.storageShares.get(o.container, id), view: views.object }),
  );

  act<{ container: string; mode?: ShareMode; alias?: string; label?: string; description?: string; enable?: boolean; disable?: boolean; expiresAt?: number }>(
    group
      .command('update')
      .description('Change a share (source side)')
      .argument('<shareId>', 'share id')
      .addOption(container())
      .addOption(new Option('--mode <mode>', 'readonly or readwrite').choices(MODES))
      .option('--alias <alias>', 'new alias')
      .option('--label <label>', 'new label')
      .option('--description <text>', 'new description')
      .addOption(new Option('--enable', 'offer it again').conflicts('disable'))
      .option('--disable', 'stop offering it (unmounted everywhere)')
      .option('--expires-at <when>', 'unix seconds or an ISO date', unixSeconds),
    emit,
    ([id], o, self) => {
      const body = compact({
        mode: o.mode,
        alias: o.alias,
        label: o.label,
        description: o.description,
        enabled: o.enable ? true : o.disable ? false : undefined,
        expires_at: o.expiresAt,
      });
      if (Object.keys(body).length === 0) self.error('error: nothing to update');
      return { request: routes.storageShares.update(o.container, id, body), view: views.object };
    },
  );

  act(group.command('delete').description('Delete a share').argument('<shareId>', 'share id'), emit, ([id]) => ({
    request: routes.storageShares.delete(id),
    view: views.message,
  }));

  act<{ container?: string }>(
    group.command('incoming').description('Shares offered to a container (or to all of yours)').option('-c, --container <id>', 'the target container'),
    emit,
    (_args, o) => ({ request: routes.storageShares.incoming(o.container), view: views.shares }),
  );

  for (const [name, mount] of [
    ['mount', true],
    ['unmount', false],
  ] as const) {
    act<{ container: string }>(
      group
        .command(name)
        .description(mount ? 'Mount an incoming share in the target container' : 'Unmount an incoming share from the target container')
        .argument('<shareId>', 'share id')
        .addOption(container('the target container')),
      emit,
      ([id], o) => ({ request: routes.storageShares.setMount(o.container, id, mount), view: views.object }),
    );
  }

  return group;
}
