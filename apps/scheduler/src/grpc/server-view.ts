import type { common } from '@hoody/contracts';
import type { SchedulerQueries, ServerRow } from '../read-model/scheduler-queries';
import { visibility } from '../visibility';
import type { ServerView } from './mapping';

/**
 * The whole count and the orphans are for the server's owner and admins, unscoped by realms;
 * anyone else (a pool member, a realm host, a restricted token) counts only the containers they
 * see, so a server shared across tenants tells nobody about the others' containers.
 */
export function serverViewOf(caller: common.Principal, row: ServerRow, queries: SchedulerQueries): ServerView {
  const manages = (caller.isAdmin || row.ownerId === caller.userId) && !caller.activeRealmId && caller.realmIds.length === 0;
  return manages ? { used: row.containersUsed, orphans: true } : { used: queries.visibleContainersOn(row.id, visibility.containers(caller)), orphans: false };
}
