import type { Command } from 'commander';
import { routes } from '@hoody-ai/hoody-sdk';
import { act, compact, type Emit, integer, list, positiveNumber } from '../options';
import { views } from '../render/views';

interface TemplateOptions {
  serverId?: string;
  name?: string;
  image?: string;
  size?: number;
  cpu?: number;
  memory?: number;
  hoodyKit?: boolean;
  devKit?: boolean;
  realmIds?: string[];
}

const templateBody = (o: TemplateOptions) =>
  compact({
    server_id: o.serverId,
    name: o.name,
    container_image: o.image,
    size: o.size,
    cpu: o.cpu,
    memory: o.memory,
    hoody_kit: o.hoodyKit,
    dev_kit: o.devKit,
    realm_ids: o.realmIds,
  });

function templateOptions(command: Command): Command {
  return command
    .option('--name <name>', 'template name')
    .option('--image <image>', 'container image of the warm containers')
    .option('--size <n>', 'warm containers to keep ready', integer(0))
    .option('--cpu <cores>', 'CPU limit in cores', positiveNumber)
    .option('--memory <gib>', 'memory limit in GiB', positiveNumber)
    .option('--hoody-kit', 'with Hoody Kit')
    .option('--no-hoody-kit', 'without Hoody Kit')
    .option('--dev-kit', 'with the dev kit')
    .option('--realm-ids <ids>', 'realms, comma-separated', list);
}

export function prespawnCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('prespawn').description('Prespawn: warm containers, ready the instant you create one');
  const templates = group.command('templates').description('Templates: which warm containers to keep, where, how many');

  act(templates.command('list').description('List templates'), emit, () => ({ request: routes.prespawn.templates.list(), view: views.templates }));

  act<TemplateOptions & { serverId: string }>(
    templateOptions(templates.command('create').description('Create a template').requiredOption('--server-id <id>', 'server to keep them on')),
    emit,
    (_args, o) => ({ request: routes.prespawn.templates.create({ ...templateBody(o), server_id: o.serverId }), view: views.object }),
  );

  act(templates.command('get').description('Show a template').argument('<id>', 'template id'), emit, ([id]) => ({
    request: routes.prespawn.templates.get(id),
    view: views.object,
  }));

  act<TemplateOptions>(
    templateOptions(templates.command('update').description('Change a template').argument('<id>', 'template id').option('--server-id <id>', 'move to this server')),
    emit,
    ([id], o, self) => {
      const body = templateBody(o);
      if (Object.keys(body).length === 0) self.error('error: nothing to update');
      return { request: routes.prespawn.templates.update(id, body), view: views.object };
    },
  );

  act(templates.command('delete').description('Delete a template (and its warm containers)').argument('<id>', 'template id'), emit, ([id]) => ({
    request: routes.prespawn.templates.delete(id),
    view: views.message,
  }));

  act(templates.command('pause').description('Stop refilling the pool').argument('<id>', 'template id'), emit, ([id]) => ({
    request: routes.prespawn.templates.pause(id),
    view: views.object,
  }));

  act(templates.command('resume').description('Refill the pool again').argument('<id>', 'template id'), emit, ([id]) => ({
    request: routes.prespawn.templates.resume(id),
    view: views.object,
  }));

  act(templates.command('status').description("A template's pool: ready, warming, claimed").argument('<id>', 'template id'), emit, ([id]) => ({
    request: routes.prespawn.templates.status(id),
    view: views.object,
  }));

  return group;
}
