import type { Command } from 'commander';
import { CONTAINER_OPERATIONS, routes, type ContainerSortField } from '@hoody-ai/hoody-sdk';
import { act, compact, type Emit, integer, keyValue, list, positiveNumber, pagingQuery, type PagingOptions, query, withPaging } from '../options';
import { views } from '../render/views';

const SORT_FIELDS: readonly ContainerSortField[] = ['id', 'name', 'status', 'created_at', 'updated_at'];

const OPERATION_HELP: Record<(typeof CONTAINER_OPERATIONS)[number], string> = {
  start: 'Start a stopped container',
  stop: 'Stop a container',
  'force-stop': 'Kill a container without waiting for it to stop',
  restart: 'Restart a container',
  pause: 'Freeze the processes of a container',
  resume: 'Thaw a paused container',
};

export function containersCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('containers').description('Create, list and operate containers');

  act<{
    project: string;
    serverId: string;
    name?: string;
    hoodyKit?: boolean;
    devKit?: boolean;
    image?: string;
    prespawn?: boolean;
    bypassPrespawn?: boolean;
    env?: Record<string, string>;
    cpu?: number;
    memory?: number;
    autostart?: boolean;
    ramdisk?: boolean;
    realmIds?: string[];
    color?: string;
    comment?: string;
  }>(
    group
      .command('create')
      .description('Create a container in a project on a server')
      .requiredOption('--project <id>', 'project to create it in')
      .requiredOption('--server-id <id>', 'server to place it on')
      .option('--name <name>', '3–100 characters of [a-zA-Z0-9_-] (generated when absent)')
      .option('--hoody-kit', 'with Hoody Kit: /hoody/storage and /hoody/shares (the default)')
      .option('--no-hoody-kit', 'without Hoody Kit')
      .option('--dev-kit', 'with the dev kit')
      .option('--image <image>', 'container image (default: the base image)')
      .option('--prespawn', 'serve it from a warm prespawned container')
      .option('--bypass-prespawn', 'always create it cold')
      .option('--env <KEY=VAL...>', 'environment variables', keyValue)
      .option('--cpu <cores>', 'CPU limit in cores', positiveNumber)
      .option('--memory <gib>', 'memory limit in GiB', positiveNumber)
      .option('--autostart', 'start it with its server (the default)')
      .option('--no-autostart', 'do not start it with its server')
      .option('--ramdisk', 'with a ramdisk')
      .option('--realm-ids <ids>', 'realms it belongs to, comma-separated', list)
      .option('--color <color>', 'display color')
      .option('--comment <text>', 'free text'),
    emit,
    (_args, o) => ({
      request: routes.containers.create(
        o.project,
        compact({
          server_id: o.serverId,
          name: o.name,
          container_image: o.image,
          environment_vars: o.env,
          hoody_kit: o.hoodyKit,
          dev_kit: o.devKit,
          autostart: o.autostart,
          ramdisk: o.ramdisk,
          realm_ids: o.realmIds,
          prespawn: o.prespawn,
          bypass_prespawn: o.bypassPrespawn,
          cpu: o.cpu,
          memory: o.memory,
          color: o.color,
          comment: o.comment,
        }),
      ),
      view: views.object,
    }),
  );

  act<PagingOptions & { project?: string; includePrespawn?: boolean }>(
    withPaging(group.command('list').description('List containers (paged)'), SORT_FIELDS)
      .option('--project <id>', 'only the containers of this project')
      .option('--include-prespawn', 'also list warm prespawned containers'),
    emit,
    (_args, o) => {
      const q = query({ ...pagingQuery<ContainerSortField>(o), include_prespawn: o.includePrespawn });
      return { request: o.project ? routes.projects.listContainers(o.project, q) : routes.containers.list(q), view: views.containers };
    },
  );

  act(group.command('get').description('Show a container').argument('<id>', 'container id'), emit, ([id]) => ({
    request: routes.containers.get(id),
    view: views.object,
  }));

  act<{ name?: string; color?: string; comment?: string; env?: Record<string, string>; autostart?: boolean; realmIds?: string[] }>(
    group
      .command('update')
      .description('Change a container')
      .argument('<id>', 'container id')
      .option('--name <name>', 'new name')
      .option('--color <color>', 'display color')
      .option('--comment <text>', 'free text')
      .option('--env <KEY=VAL...>', 'environment variables (the new set)', keyValue)
      .option('--autostart', 'start it with its server')
      .option('--no-autostart', 'do not start it with its server')
      .option('--realm-ids <ids>', 'realms it belongs to, comma-separated', list),
    emit,
    ([id], o, self) => {
      const body = compact({
        name: o.name,
        color: o.color,
        comment: o.comment,
        environment_vars: o.env,
        autostart: o.autostart,
        realm_ids: o.realmIds,
      });
      if (Object.keys(body).length === 0) self.error('error: nothing to update: give at least one of --name, --color, --comment, --env, --autostart, --realm-ids');
      return { request: routes.containers.update(id, body), view: views.object };
    },
  );

  act(group.command('delete').description('Delete a container').argument('<id>', 'container id'), emit, ([id]) => ({
    request: routes.containers.delete(id),
    view: views.message,
  }));

  for (const operation of CONTAINER_OPERATIONS) {
    act(group.command(operation).description(OPERATION_HELP[operation]).argument('<id>', 'container id'), emit, ([id]) => ({
      request: routes.containers.manage(id, operation),
      view: views.object,
    }));
  }

  act<{ env?: Record<string, string>; timeout?: number }>(
    group
      .command('exec')
      .description('Run a command in a container; prints its output and exits with its exit code')
      .argument('<id>', 'container id')
      .argument('<cmd...>', 'the command and its arguments (after --)')
      .option('--env <KEY=VAL...>', 'extra environment variables', keyValue)
      .option('--timeout <seconds>', 'kill the command after this long', integer(1))
      .showHelpAfterError('(options of the command go after --: hoody containers exec <id> -- ls -la)')
      .addHelpText('after', '\nExample:\n  hoody containers exec <id> -- sh -c "ls -la /hoody/storage"'),
    emit,
    (_args, o, self) => {
      const [id, cmd] = self.processedArgs as [string, string[]];
      return { request: routes.containers.exec(id, compact({ cmd, env: o.env, timeout_s: o.timeout })), view: views.exec };
    },
  );

  act<{ tail?: number }>(
    group.command('logs').description("Show a container's output").argument('<id>', 'container id').option('--tail <n>', 'only the last n lines', integer(0)),
    emit,
    ([id], o) => ({ request: routes.containers.logs(id, query({ tail: o.tail })), view: views.lines }),
  );

  act<PagingOptions>(
    withPaging(group.command('status-logs').description("A container's status transitions (paged)").argument('<id>', 'container id'), ['transition_time']),
    emit,
    ([id], o) => ({ request: routes.containers.statusLogs(id, query(pagingQuery<'transition_time'>(o))), view: views.statusLogs }),
  );

  act(group.command('stats').description('CPU, memory, network and disk figures').argument('<id>', 'container id'), emit, ([id]) => ({
    request: routes.containers.stats(id),
    view: views.object,
  }));

  act<{ targetProjectId: string; targetServerId?: string; name?: string; sourceSnapshot?: string; copyNetworkRules?: boolean; copyFirewallRules?: boolean }>(
    group
      .command('copy')
      .description('Copy a container (to another server or project); runs in the background')
      .argument('<id>', 'source container id')
      .requiredOption('--target-project-id <id>', 'project of the copy')
      .option('--target-server-id <id>', "server of the copy (default: the source's)")
      .option('--name <name>', 'name of the copy')
      .option('--source-snapshot <name>', 'copy this snapshot (name or alias) instead of the current state')
      .option('--copy-network-rules', 'also copy the egress routing')
      .option('--copy-firewall-rules', 'also copy the firewall rules'),
    emit,
    ([id], o) => ({
      request: routes.containers.copy(
        id,
        compact({
          target_project_id: o.targetProjectId,
          target_server_id: o.targetServerId,
          name: o.name,
          source_snapshot: o.sourceSnapshot,
          copy_network_rules: o.copyNetworkRules,
          copy_firewall_rules: o.copyFirewallRules,
        }),
      ),
      view: views.object,
    }),
  );

  act(group.command('sync').description("Pull the source's changes into a copy").argument('<id>', 'id of the copy'), emit, ([id]) => ({
    request: routes.containers.sync(id),
    view: views.object,
  }));

  return group;
}
