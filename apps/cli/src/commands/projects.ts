import type { Command } from 'commander';
import { routes } from '@hoody-ai/hoody-sdk';
import { act, compact, type Emit, integer, list, pagingQuery, type PagingOptions, query, withPaging } from '../options';
import { views } from '../render/views';

interface ProjectOptions {
  alias?: string;
  color?: string;
  maxContainers?: number;
  realmIds?: string[];
}

const projectBody = (o: ProjectOptions) => compact({ alias: o.alias, color: o.color, max_containers: o.maxContainers, realm_ids: o.realmIds });

export function projectsCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('projects').description('Projects: groups of containers');

  act<PagingOptions>(withPaging(group.command('list').description('List projects (paged)')), emit, (_args, o) => ({
    request: routes.projects.list(query(pagingQuery(o))),
    view: views.projects,
  }));

  act<ProjectOptions & { alias: string }>(
    group
      .command('create')
      .description('Create a project')
      .requiredOption('--alias <alias>', 'name, 1–100 characters, unique among yours')
      .option('--color <color>', 'display color')
      .option('--max-containers <n>', 'at most this many containers', integer(1))
      .option('--realm-ids <ids>', 'realms it belongs to, comma-separated', list),
    emit,
    (_args, o) => ({ request: routes.projects.create({ ...projectBody(o), alias: o.alias }), view: views.object }),
  );

  act(group.command('get').description('Show a project').argument('<id>', 'project id'), emit, ([id]) => ({
    request: routes.projects.get(id),
    view: views.object,
  }));

  act<ProjectOptions>(
    group
      .command('update')
      .description('Change a project')
      .argument('<id>', 'project id')
      .option('--alias <alias>', 'new name')
      .option('--color <color>', 'display color')
      .option('--max-containers <n>', 'at most this many containers', integer(1))
      .option('--realm-ids <ids>', 'realms it belongs to, comma-separated', list),
    emit,
    ([id], o, self) => {
      const body = projectBody(o);
      if (Object.keys(body).length === 0) self.error('error: nothing to update: give at least one of --alias, --color, --max-containers, --realm-ids');
      return { request: routes.projects.update(id, body), view: views.object };
    },
  );

  act(group.command('delete').description('Delete a project and its containers').argument('<id>', 'project id'), emit, ([id]) => ({
    request: routes.projects.delete(id),
    view: views.message,
  }));

  return group;
}
