import { type Command, Option } from 'commander';
import { routes } from '@hoody-ai/hoody-sdk';
import { act, compact, type Emit, integer } from '../options';
import { views } from '../render/views';

const container = () => new Option('-c, --container <id>', 'the container').makeOptionMandatory();

export function snapshotsCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('snapshots').description('Copy-on-write snapshots of a container');

  act<{ container: string; alias?: string; expiry?: number }>(
    group
      .command('create')
      .description('Snapshot a container')
      .addOption(container())
      .option('--alias <alias>', 'a name to find it by (at most 100 characters)')
      .option('--expiry <days>', 'delete it after this many days (1–3650)', integer(1)),
    emit,
    (_args, o) => ({ request: routes.containers.createSnapshot(o.container, compact({ alias: o.alias, expiry: o.expiry })), view: views.snapshot }),
  );

  act<{ container: string; name: string }>(
    group.command('restore').description('Restore a container to a snapshot').addOption(container()).requiredOption('--name <name>', 'snapshot name or alias'),
    emit,
    (_args, o) => ({ request: routes.containers.restoreSnapshot(o.container, o.name), view: views.snapshot }),
  );

  act<{ container: string }>(group.command('list').description("A container's snapshots").addOption(container()), emit, (_args, o) => ({
    request: routes.containers.listSnapshots(o.container),
    view: views.snapshots,
  }));

  act<{ container: string; name: string }>(
    group.command('delete').description('Delete a snapshot').addOption(container()).requiredOption('--name <name>', 'snapshot name or alias'),
    emit,
    (_args, o) => ({ request: routes.containers.deleteSnapshot(o.container, o.name), view: views.message }),
  );

  act<{ container: string; name: string; alias?: string; remove?: boolean }>(
    group
      .command('alias')
      .description("Set or remove a snapshot's alias")
      .addOption(container())
      .requiredOption('--name <name>', 'snapshot name')
      .addOption(new Option('--alias <alias>', 'the new alias').conflicts('remove'))
      .option('--remove', 'remove the alias'),
    emit,
    (_args, o, self) => {
      if (o.alias === undefined && !o.remove) self.error('error: give --alias <alias> or --remove');
      return { request: routes.containers.setSnapshotAlias(o.container, o.name, o.remove ? null : (o.alias as string)), view: views.snapshot };
    },
  );

  return group;
}
