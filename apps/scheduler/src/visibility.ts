import type { common } from '@hoody/contracts';

/**
 * Who sees what, in one place (issue 4 replaces it with realms and server pools). A resource out
 * of sight does not exist: 404 on read, update and delete, absent from lists and counts.
 *
 * For now:
 * - a project, and every container in it, is seen by the project's owner only (admins included:
 *   an admin sees their own projects' containers, not everyone's);
 * - a server is seen by its owner and by admins, and containers may be placed on the servers one sees.
 */

/** A SQL condition with its parameters, to AND into a query. */
export interface Scope {
  sql: string;
  params: unknown[];
}

export interface ProjectOwnership {
  userId: string;
  deleted: boolean;
}

export interface ServerOwnership {
  ownerId: string;
}

export const visibility = {
  project(principal: common.Principal, project: ProjectOwnership | undefined): boolean {
    return project !== undefined && !project.deleted && project.userId === principal.userId;
  },

  /** Containers the principal sees, over `containers c`. */
  containers(principal: common.Principal): Scope {
    return { sql: 'c.project_id IN (SELECT id FROM projects WHERE user_id = ? AND deleted = 0)', params: [principal.userId] };
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
