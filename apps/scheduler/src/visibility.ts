import type { common } from '@hoody/contracts';
import { realmVisible, realmVisibleSql } from '@hoody/tenancy';

/**
 * Who sees what in the scheduler: ownership here, realms through @hoody/tenancy (the platform's one
 * rule). A resource out of sight does not exist: 404 on read, update and delete, absent from lists
 * and counts.
 *
 * - a project is seen by its owner (admins included: an admin sees their own projects, not
 *   everyone's), when its realm_ids pass the realm rule;
 * - a container, by the owner of its project, when its own realm_ids pass the realm rule;
 * - a server by its owner and by admins, and containers may be placed on the servers one sees
 *   (server pools change this).
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
}

export const visibility = {
  project(principal: common.Principal, project: ProjectOwnership | undefined): project is ProjectOwnership {
    return project !== undefined && !project.deleted && project.userId === principal.userId && realmVisible(principal, project);
  },

  container(principal: common.Principal, container: { realmIds: string[] }, project: Omit<ProjectOwnership, 'realmIds'> | undefined): boolean {
    return project !== undefined && !project.deleted && project.userId === principal.userId && realmVisible(principal, container);
  },

  /** Containers the principal sees, over `containers c`. */
  containers(principal: common.Principal): Scope {
    const realms = realmVisibleSql(principal, 'c.realm_ids');
    return {
      sql: `c.project_id IN (SELECT id FROM projects WHERE user_id = ? AND deleted = 0) AND ${realms.sql}`,
      params: [principal.userId, ...realms.params],
    };
  },

  server(principal: common.Principal, server: ServerOwnership | undefined): boolean {
    return server !== undefined && (principal.isAdmin || server.ownerId === principal.userId);
  },

  /** Servers the principal sees, over `servers s`. */
  servers(principal: common.Principal): Scope {
    return principal.isAdmin ? { sql: '1 = 1', params: [] } : { sql: 's.owner_id = ?', params: [principal.userId] };
  },

  /** Whether the principal may place containers on the server. */
  placeOn(principal: common.Principal, server: ServerOwnership | undefined): boolean {
    return visibility.server(principal, server);
  },
};
