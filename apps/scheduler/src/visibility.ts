import type { common } from '@hoody/contracts';
import { realmlessInSight, realmVisible, realmVisibleSql } from '@hoody/tenancy';

/**
 * Who sees what in the scheduler: ownership here, realms through @hoody/tenancy (the platform's one
 * rule). A resource out of sight does not exist: 404 on read, update and delete, absent from lists
 * and counts.
 *
 * - a project is seen by its owner (admins included: an admin sees their own projects, not
 *   everyone's), when its realm_ids pass the realm rule;
 * - a container, by the owner of its project, when its own realm_ids pass the realm rule; a warm
 *   container (no project yet), by the owner of its prespawn template;
 * - a prespawn template, by its owner, where realm-less resources are seen;
 * - a server by its owner, by admins, and by the owner and accepted members of the server pool it
 *   is in; containers may be placed on the servers one sees.
 */

/** A SQL condition with its parameters, to AND into a query. */
export interface Scope {
  sql: string;
  params: unknown[];
}

export interface ProjectOwnership {
  userId: string;
  deleted: boolean;
  realmIds: string[];
}

export interface ServerOwnership {
  ownerId: string;
  poolId: string | null;
}

/** The caller's part in a pool (owner or accepted member), from the read model. */
export type PoolRoleOf = (poolId: string, userId: string) => 'owner' | 'admin' | 'user' | undefined;

export const visibility = {
  project(principal: common.Principal, project: ProjectOwnership | undefined): project is ProjectOwnership {
    return project !== undefined && !project.deleted && project.userId === principal.userId && realmVisible(principal, project);
  },

  /**
   * Containers the principal sees, over `containers c` (lists and single reads alike), not deleted:
   * those of their projects, and the warm ones of their prespawn templates (realm-less until
   * claimed). Each branch of the OR says `status != 'deleted'` itself, or SQLite cannot use the
   * partial indexes of live containers and reads every container of the platform.
   */
  containers(principal: common.Principal): Scope {
    const realms = realmVisibleSql(principal, 'c.realm_ids');
    return {
      sql: `((c.project_id IN (SELECT id FROM projects WHERE user_id = ? AND deleted = 0) AND c.status != 'deleted')
             OR (c.project_id = '' AND c.status != 'deleted' AND c.template_id IN (SELECT id FROM templates WHERE owner_id = ?))) AND ${realms.sql}`,
      params: [principal.userId, principal.userId, ...realms.params],
    };
  },

  /** A prespawn template is seen by its owner; carrying no realm, it is out of sight where realm-less resources are. */
  template(principal: common.Principal, template: { ownerId: string; deleted: boolean } | undefined): boolean {
    return template !== undefined && !template.deleted && template.ownerId === principal.userId && realmlessInSight(principal);
  },

  server(principal: common.Principal, server: ServerOwnership | undefined, poolRole: PoolRoleOf): server is ServerOwnership {
    if (server === undefined) return false;
    if (principal.isAdmin || server.ownerId === principal.userId) return true;
    return server.poolId !== null && poolRole(server.poolId, principal.userId) !== undefined;
  },

  /** Servers the principal sees, over `servers s` (the read model's `pools` and `pool_members`). */
  servers(principal: common.Principal): Scope {
    if (principal.isAdmin) return { sql: '1 = 1', params: [] };
    return {
      sql: `(s.owner_id = ? OR s.pool_id IN (SELECT id FROM pools WHERE owner_id = ? AND deleted = 0)
             OR s.pool_id IN (SELECT m.pool_id FROM pool_members m JOIN pools p ON p.id = m.pool_id WHERE m.user_id = ? AND m.status = 'active' AND p.deleted = 0))`,
      params: [principal.userId, principal.userId, principal.userId],
    };
  },

  /** Whether the principal may place containers on the server. */
  placeOn(principal: common.Principal, server: ServerOwnership | undefined, poolRole: PoolRoleOf): server is ServerOwnership {
    return visibility.server(principal, server, poolRole);
  },
};
