import { type Command, Option } from 'commander';
import { routes, type PrespawnTemplateFields, type PrespawnTemplateSortField } from '@hoody-ai/hoody-sdk';
import { act, compact, type Emit, integer, keyValue, list, nonNegativeNumber, pagingQuery, type PagingOptions, query, withPaging } from '../options';
import { views } from '../render/views';

const SORT_FIELDS: readonly PrespawnTemplateSortField[] = ['id', 'name', 'created_at', 'updated_at'];

interface TemplateOptions {
  name?: string;
  image?: string;
  hoodyKit?: boolean;
  devKit?: boolean;
  env?: Record<string, string>;
  cpu?: number;
  memory?: number;
  serverIds?: string[];
  poolId?: string;
  minReady?: number;
  maxReady?: number;
  ttl?: number;
}

/** Everything but where (`server_ids` / `pool_id`), as given. */
const templateFields = (o: TemplateOptions): PrespawnTemplateFields =>
  compact({
    name: o.name,
    container_image: o.image,
    hoody_kit: o.hoodyKit,
    dev_kit: o.devKit,
    environment_vars: o.env,
    cpu: o.cpu,
    memory: o.memory,
    min_ready: o.minReady,
    max_ready: o.maxReady,
    ttl: o.ttl,
  });

function templateOptions(command: Command): Command {
  return command
    .option('--name <name>', 'template name (1–100 characters)')
    .option('--image <image>', 'container image of the warm containers (default: the base image)')
    .option('--hoody-kit', 'with Hoody Kit (the default)')
    .option('--no-hoody-kit', 'without Hoody Kit')
    .option('--dev-kit', 'with the dev kit')
    .option('--no-dev-kit', 'without the dev kit')
    .option('--env <KEY=VAL...>', 'environment variables of the warm containers', keyValue)
    .option('--cpu <cores>', 'CPU limit in cores (0: none)', nonNegativeNumber)
    .option('--memory <gib>', 'memory limit in GiB (0: none)', nonNegativeNumber)
    .addOption(new Option('--server-ids <ids>', 'keep them on these servers, comma-separated').argParser(list).conflicts('poolId'))
    .option('--pool-id <id>', 'keep them on every server of this server pool')
    .option('--min-ready <n>', 'warm containers kept ready on each server', integer(0, 100))
    .option('--max-ready <n>', 'at most this many ready on each server', integer(0, 100))
    .option('--ttl <seconds>', 'recycle a warm container nobody claimed after this long (0: never)', integer(0));
}

export function prespawnCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('prespawn').description('Prespawn: warm containers, ready the instant you create one');
  const templates = group.command('templates').description('Templates: which warm containers to keep, where, how many');

  act<PagingOptions>(withPaging(templates.command('list').description('List your templates (paged)'), SORT_FIELDS, { realm: false }), emit, (_args, o) => ({
    request: routes.prespawn.templates.list(query(pagingQuery<PrespawnTemplateSortField>(o))),
    view: views.templates,
  }));

  act<TemplateOptions>(templateOptions(templates.command('create').description('Create a template (give --server-ids or --pool-id)')), emit, (_args, o, self) => {
    if (o.serverIds === undefined && o.poolId === undefined) self.error('error: give --server-ids <ids> or --pool-id <id>: where to keep the warm containers');
    const where = o.poolId !== undefined ? { pool_id: o.poolId } : { server_ids: o.serverIds ?? [] };
    return { request: routes.prespawn.templates.create({ ...templateFields(o), ...where }), view: views.object };
  });

  act(templates.command('get').description('Show a template').argument('<id>', 'template id'), emit, ([id]) => ({
    request: routes.prespawn.templates.get(id),
    view: views.object,
  }));

  act<TemplateOptions>(
    templateOptions(templates.command('update').description('Change a template: only the options given change').argument('<id>', 'template id')),
    emit,
    ([id], o, self) => {
      const where = o.poolId !== undefined ? { pool_id: o.poolId } : o.serverIds !== undefined ? { server_ids: o.serverIds } : {};
      const body = { ...templateFields(o), ...where };
      if (Object.keys(body).length === 0) self.error('error: nothing to update: give at least one option (see --help)');
      return { request: routes.prespawn.templates.update(id, body), view: views.object };
    },
  );

  act(templates.command('delete').description('Delete a template (and its unclaimed warm containers)').argument('<id>', 'template id'), emit, ([id]) => ({
    request: routes.prespawn.templates.delete(id),
    view: views.message,
  }));

  act(templates.command('pause').description('Stop refilling its pools (ready containers stay claimable)').argument('<id>', 'template id'), emit, ([id]) => ({
    request: routes.prespawn.templates.pause(id),
    view: views.object,
  }));

  act(templates.command('resume').description('Refill its pools again (also after it degraded)').argument('<id>', 'template id'), emit, ([id]) => ({
    request: routes.prespawn.templates.resume(id),
    view: views.object,
  }));

  act(
    templates.command('status').description("A template's pools: ready, warming, claimed, target, hit rate, claim latency, failures, per server").argument('<id>', 'template id'),
    emit,
    ([id]) => ({ request: routes.prespawn.templates.status(id), view: views.templateStatus }),
  );

  return group;
}
