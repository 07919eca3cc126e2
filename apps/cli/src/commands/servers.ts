import type { Command } from 'commander';
import { routes } from '@hoody-ai/hoody-sdk';
import { act, compact, type Emit, integer } from '../options';
import { views } from '../render/views';

export function serversCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('servers').description('Servers (Docker engines with a Hoody agent)');

  act(group.command('list').description('List the servers you can place containers on'), emit, () => ({
    request: routes.servers.list(),
    view: views.servers,
  }));

  act(group.command('get').description('Show a server').argument('<id>', 'server id'), emit, ([id]) => ({
    request: routes.servers.get(id),
    view: views.object,
  }));

  act<{ prespawnCount: number }>(
    group
      .command('update')
      .description("Change a server (its owner or an admin): --prespawn-count sets the size of its default prespawn template")
      .argument('<id>', 'server id')
      .requiredOption('--prespawn-count <n>', 'warm containers (base image, Hoody Kit on, no limits) kept ready on it for everyone who may place containers there; 0 empties it', integer(0, 100)),
    emit,
    ([id], o) => ({ request: routes.servers.update(id, { prespawn_count: o.prespawnCount }), view: views.object }),
  );

  act<{ name?: string; poolId?: string }>(
    group
      .command('join-token')
      .description('Create a join token: an agent started with it registers its server')
      .option('--name <name>', 'name of the server to register')
      .option('--pool-id <id>', 'put the server in this pool (admin)'),
    emit,
    (_args, o) => ({
      request: routes.servers.createJoinToken(compact({ name: o.name, pool_id: o.poolId })),
      view: views.secret('The join token is shown once: start the agent with it now.'),
    }),
  );

  return group;
}
