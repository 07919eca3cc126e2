import type { Command } from 'commander';
import { routes } from '@hoody-ai/hoody-sdk';
import { act, type Emit, integer, query } from '../options';
import { views } from '../render/views';

export function eventsCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('events').description('The history of changes you can see');

  act<{
    limit?: number;
    offset?: number;
    eventType?: string;
    resourceType?: string;
    resourceId?: string;
    projectId?: string;
    containerId?: string;
    startDate?: string;
    endDate?: string;
    realmId?: string;
  }>(
    group
      .command('list')
      .description('List events, newest first')
      .option('--limit <n>', 'at most this many (≤ 500)', integer(1))
      .option('--offset <n>', 'skip this many', integer(0))
      .option('--event-type <type>', 'e.g. container.running')
      .option('--resource-type <type>', 'e.g. container')
      .option('--resource-id <id>', 'one resource')
      .option('--project-id <id>', 'one project')
      .option('--container-id <id>', 'one container')
      .option('--start-date <date>', 'from this date')
      .option('--end-date <date>', 'until this date')
      .option('--realm-id <id>', 'one realm'),
    emit,
    (_args, o) => ({
      request: routes.events.list(
        query({
          limit: o.limit,
          offset: o.offset,
          event_type: o.eventType,
          resource_type: o.resourceType,
          resource_id: o.resourceId,
          project_id: o.projectId,
          container_id: o.containerId,
          start_date: o.startDate,
          end_date: o.endDate,
          realm_id: o.realmId,
        }),
      ),
      view: views.events,
    }),
  );

  return group;
}
