import type { PoolSettings } from '@hoody/auth-domain';
import type { ContainerStatus, OrphanContainer, ServerSpecs } from '@hoody/scheduler-domain';
import type Database from 'better-sqlite3';
import type { Scope } from '../visibility';
import { statementCache } from '@hoody/eventsourcing';

export interface ProjectRow {
  id: string;
  userId: string;
  alias: string;
  maxContainers: number | null;
  realmIds: string[];
  deleted: boolean;
}

export interface ServerRow {
  id: string;
  name: string;
  ownerId: string;
  poolId: string | null;
  agentUrl: string;
  specs: ServerSpecs;
  maxContainers: number;
  agentSecretHash: string | null;
  status: 'online' | 'offline';
  lastSeenAt: string | null;
  orphans: OrphanContainer[];
  orphansAt: string | null;
  /** Containers placed on it that are not deleted (warm ones included). */
  containersUsed: number;
  /** min_ready of its default prespawn template; 0 without one. */
  prespawnCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ContainerRow {
  id: string;
  projectId: string;
  serverId: string;
  serverName: string;
  name: string;
  color: string | null;
  containerImage: string;
  hoodyKit: boolean;
  devKit: boolean;
  autostart: boolean;
  ramdisk: boolean;
  prespawn: boolean;
  bypassPrespawn: boolean;
  cpu: number;
  memory: number;
  environmentVars: Record<string, string>;
  comment: string | null;
  realmIds: string[];
  status: ContainerStatus;
  statusReason: string | null;
  exitCode: number | null;
  dockerId: string | null;
  /** The prespawn template it was warmed for; null for a container created cold. */
  templateId: string | null;
  templateGeneration: number | null;
  /** null while warm (or never warm). */
  claimedAt: string | null;
  statusChangedAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface StatusLogRow {
  id: string;
  containerId: string;
  fromStatus: ContainerStatus | null;
  toStatus: ContainerStatus;
  transitionTime: string;
  durationMs: number;
  triggeredBy: string;
}

export interface Page {
  page: number;
  limit: number;
  sortBy: string;
  sortOrder: 'asc' | 'desc';
}

export interface Paged<T> {
  items: T[];
  total: number;
}

export interface ContainerFilter {
  projectId?: string;
  serverId?: string;
  realmId?: string;
  /** Warm containers (waiting in a prespawn pool) are left out unless this is set. */
  includePrespawn?: boolean;
}

const CONTAINER_SORT: Record<string, string> = { id: 'c.id', name: 'c.name', status: 'c.status', created_at: 'c.created_at', updated_at: 'c.updated_at' };
const SERVER_SORT: Record<string, string> = { id: 's.id', name: 's.name', status: 's.status', last_seen_at: 's.last_seen_at', created_at: 's.created_at' };
const CONTAINER_SELECT = `SELECT c.*, s.name AS server_name FROM containers c LEFT JOIN servers s ON s.id = c.server_id`;
const SERVER_SELECT = `SELECT s.*,
  (SELECT json_extract(t.settings, '$.minReady') FROM templates t WHERE t.default_for_server_id = s.id AND t.state != 'deleted') AS prespawn_count FROM servers s`;

/** Reads of the scheduler's read model. Callers apply visibility (see visibility.ts) through the scopes they pass. */
export class SchedulerQueries {
  constructor(db: Database.Database) {
    this.sql = statementCache(db);
  }

  private readonly sql: (text: string) => Database.Statement;

  /** The first admin: owner of servers that join as trusted local agents. */
  firstAdminId(): string | undefined {
    return (this.sql('SELECT id FROM users WHERE is_admin = 1 ORDER BY created_at, id LIMIT 1').get() as { id: string } | undefined)?.id;
  }

  isAdmin(userId: string): boolean {
    return (this.sql('SELECT is_admin FROM users WHERE id = ?').get(userId) as { is_admin: number } | undefined)?.is_admin === 1;
  }

  project(id: string): ProjectRow | undefined {
    const r = this.sql('SELECT * FROM projects WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return (
      r && {
        id: r.id as string,
        userId: r.user_id as string,
        alias: r.alias as string,
        maxContainers: (r.max_containers as number | null) ?? null,
        realmIds: JSON.parse(r.realm_ids as string),
        deleted: r.deleted === 1,
      }
    );
  }

  /** Containers of a project that count against `max_containers`: every one not deleted. */
  projectContainerCount(projectId: string): number {
    return (this.sql("SELECT COUNT(*) AS n FROM containers WHERE project_id = ? AND status != 'deleted'").get(projectId) as { n: number }).n;
  }

  server(id: string): ServerRow | undefined {
    const r = this.sql(`${SERVER_SELECT} WHERE s.id = ?`).get(id) as Record<string, unknown> | undefined;
    return r && toServer(r);
  }

  serverByName(name: string): ServerRow | undefined {
    const r = this.sql(`${SERVER_SELECT} WHERE s.name = ?`).get(name) as Record<string, unknown> | undefined;
    return r && toServer(r);
  }

  servers(scope: Scope, page: Page, poolId?: string): Paged<ServerRow> {
    const where = [scope.sql, ...(poolId ? ['s.pool_id = ?'] : [])].join(' AND ');
    const params = [...scope.params, ...(poolId ? [poolId] : [])];
    const total = (this.sql(`SELECT COUNT(*) AS n FROM servers s WHERE ${where}`).get(...params) as { n: number }).n;
    const order = SERVER_SORT[page.sortBy] ?? 's.created_at';
    const rows = this.sql(`${SERVER_SELECT} WHERE ${where} ORDER BY ${order} ${page.sortOrder}, s.id LIMIT ? OFFSET ?`)
      .all(...params, page.limit, (page.page - 1) * page.limit) as Array<Record<string, unknown>>;
    return { items: rows.map(toServer), total };
  }

  allServers(): ServerRow[] {
    return (this.sql(`${SERVER_SELECT} ORDER BY s.created_at, s.id`).all() as Array<Record<string, unknown>>).map(toServer);
  }

  container(id: string): ContainerRow | undefined {
    const r = this.sql(`${CONTAINER_SELECT} WHERE c.id = ?`).get(id) as Record<string, unknown> | undefined;
    return r && toContainer(r);
  }

  /** A container in scope and not deleted. */
  visibleContainer(id: string, scope: Scope): ContainerRow | undefined {
    const r = this.sql(`${CONTAINER_SELECT} WHERE c.id = ? AND c.status != 'deleted' AND ${scope.sql}`).get(id, ...scope.params) as Record<string, unknown> | undefined;
    return r && toContainer(r);
  }

  /** Deleted containers are never listed. */
  containers(scope: Scope, filter: ContainerFilter, page: Page): Paged<ContainerRow> {
    const conditions = [scope.sql, "c.status != 'deleted'"];
    const params = [...scope.params];
    const add = (sql: string, value: string | undefined) => {
      if (!value) return;
      conditions.push(sql);
      params.push(value);
    };
    if (!filter.includePrespawn) conditions.push("c.project_id != ''");
    add('c.project_id = ?', filter.projectId);
    add('c.server_id = ?', filter.serverId);
    add('EXISTS (SELECT 1 FROM json_each(c.realm_ids) WHERE value = ?)', filter.realmId);
    const where = conditions.join(' AND ');
    const total = (this.sql(`SELECT COUNT(*) AS n FROM containers c WHERE ${where}`).get(...params) as { n: number }).n;
    const order = CONTAINER_SORT[page.sortBy] ?? 'c.created_at';
    const rows = this.sql(`${CONTAINER_SELECT} WHERE ${where} ORDER BY ${order} ${page.sortOrder}, c.id ${page.sortOrder} LIMIT ? OFFSET ?`)
      .all(...params, page.limit, (page.page - 1) * page.limit) as Array<Record<string, unknown>>;
    return { items: rows.map(toContainer), total };
  }

  /** Containers in scope, not deleted, on one server. */
  visibleContainersOn(serverId: string, scope: Scope): number {
    // `+` keeps SQLite off the server's index: it counts from the caller's own containers (the scope), fewer than the server's.
    return (this.sql(`SELECT COUNT(*) AS n FROM containers c WHERE +c.server_id = ? AND ${scope.sql}`).get(serverId, ...scope.params) as { n: number }).n;
  }

  /** Per realm, how many containers in scope (not deleted) carry it. */
  containerRealmUsage(scope: Scope): Array<{ realmId: string; containers: number }> {
    return this.sql(
      `SELECT r.value AS realmId, COUNT(*) AS containers FROM containers c, json_each(c.realm_ids) r
       WHERE ${scope.sql} AND c.status != 'deleted' GROUP BY r.value ORDER BY r.value`,
    ).all(...scope.params) as Array<{ realmId: string; containers: number }>;
  }

  /** The user's part in a pool that is not deleted: its owner, or an accepted member's role. */
  poolRole(poolId: string, userId: string): 'owner' | 'admin' | 'user' | undefined {
    const row = this.sql(
      `SELECT CASE WHEN p.owner_id = ? THEN 'owner' ELSE m.role END AS role FROM pools p
       LEFT JOIN pool_members m ON m.pool_id = p.id AND m.user_id = ? AND m.status = 'active'
       WHERE p.id = ? AND p.deleted = 0`,
    ).get(userId, userId, poolId) as { role: 'owner' | 'admin' | 'user' | null } | undefined;
    return row?.role ?? undefined;
  }

  /**
   * The per-member limits that bind `userId` placing on `server`: those of the server's pool, on a
   * server someone else owns; undefined on one's own servers and off pools.
   */
  memberLimitsOn(server: Pick<ServerRow, 'poolId' | 'ownerId'>, userId: string): { poolId: string; limits: PoolSettings } | undefined {
    if (!server.poolId || server.ownerId === userId) return undefined;
    const row = this.sql('SELECT settings FROM pools WHERE id = ? AND deleted = 0').get(server.poolId) as { settings: string } | undefined;
    return row && { poolId: server.poolId, limits: JSON.parse(row.settings) };
  }

  /**
   * A member's footprint on the servers of a pool that others own: containers not deleted in
   * projects the member owns, and the warm containers of the member's prespawn templates there (but
   * those already being retired, which are on their way out).
   */
  memberUsage(poolId: string, userId: string): { containers: number; cpu: number; memory: number } {
    return this.sql(
      `SELECT COUNT(*) AS containers, COALESCE(SUM(c.cpu), 0) AS cpu, COALESCE(SUM(c.memory), 0) AS memory
       FROM containers c JOIN servers s ON s.id = c.server_id
       WHERE s.pool_id = ? AND s.owner_id != ?
         AND ((c.project_id IN (SELECT id FROM projects WHERE user_id = ?) AND c.status != 'deleted')
           OR (c.project_id = '' AND c.status != 'deleted' AND c.status != 'deleting' AND c.template_id IN (SELECT id FROM templates WHERE owner_id = ?)))`,
    ).get(poolId, userId, userId, userId) as { containers: number; cpu: number; memory: number };
  }

  /** Whether a container of the project (not deleted) has this name, in any case (a pre-check: the name's reservation decides). */
  containerNamed(projectId: string, name: string): boolean {
    return this.sql("SELECT 1 FROM containers WHERE project_id = ? AND lower(name) = lower(?) AND status != 'deleted' LIMIT 1").get(projectId, name) !== undefined;
  }

  /** Every container placed on a server that is not deleted yet (reconciliation). */
  containersOnServer(serverId: string): ContainerRow[] {
    return (this.sql(`${CONTAINER_SELECT} WHERE c.server_id = ? AND c.status != 'deleted'`).all(serverId) as Array<Record<string, unknown>>).map(toContainer);
  }

  /** Containers still alive in projects that were deleted: a project's deletion cascades to them. */
  containersOfDeletedProjects(): ContainerRow[] {
    return (
      this.sql(`${CONTAINER_SELECT} WHERE c.status != 'deleted' AND c.status != 'deleting' AND c.project_id IN (SELECT id FROM projects WHERE deleted = 1)`)
        .all() as Array<Record<string, unknown>>
    ).map(toContainer);
  }

  statusLogs(containerId: string, page: Page): Paged<StatusLogRow> {
    const total = (this.sql('SELECT COUNT(*) AS n FROM status_logs WHERE container_id = ?').get(containerId) as { n: number }).n;
    const rows = this.sql(`SELECT * FROM status_logs WHERE container_id = ? ORDER BY transition_time ${page.sortOrder}, position ${page.sortOrder} LIMIT ? OFFSET ?`)
      .all(containerId, page.limit, (page.page - 1) * page.limit) as Array<Record<string, unknown>>;
    return {
      total,
      items: rows.map((r) => ({
        id: r.id as string,
        containerId: r.container_id as string,
        fromStatus: (r.from_status as ContainerStatus | null) ?? null,
        toStatus: r.to_status as ContainerStatus,
        transitionTime: r.transition_time as string,
        durationMs: r.duration_ms as number,
        triggeredBy: r.triggered_by as string,
      })),
    };
  }
}

function toServer(r: Record<string, unknown>): ServerRow {
  return {
    id: r.id as string,
    name: r.name as string,
    ownerId: r.owner_id as string,
    poolId: (r.pool_id as string | null) ?? null,
    agentUrl: r.agent_url as string,
    specs: JSON.parse(r.specs as string),
    maxContainers: r.max_containers as number,
    agentSecretHash: (r.agent_secret_hash as string | null) ?? null,
    status: r.status as 'online' | 'offline',
    lastSeenAt: (r.last_seen_at as string | null) ?? null,
    orphans: JSON.parse(r.orphans as string),
    orphansAt: (r.orphans_at as string | null) ?? null,
    containersUsed: r.containers_used as number,
    prespawnCount: (r.prespawn_count as number | null | undefined) ?? 0,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

function toContainer(r: Record<string, unknown>): ContainerRow {
  return {
    id: r.id as string,
    projectId: r.project_id as string,
    serverId: r.server_id as string,
    serverName: (r.server_name as string | null) ?? '',
    name: r.name as string,
    color: (r.color as string | null) ?? null,
    containerImage: r.container_image as string,
    hoodyKit: r.hoody_kit === 1,
    devKit: r.dev_kit === 1,
    autostart: r.autostart === 1,
    ramdisk: r.ramdisk === 1,
    prespawn: r.prespawn === 1,
    bypassPrespawn: r.bypass_prespawn === 1,
    cpu: r.cpu as number,
    memory: r.memory as number,
    environmentVars: JSON.parse(r.environment_vars as string),
    comment: (r.comment as string | null) ?? null,
    realmIds: JSON.parse(r.realm_ids as string),
    status: r.status as ContainerStatus,
    statusReason: (r.status_reason as string | null) ?? null,
    exitCode: (r.exit_code as number | null) ?? null,
    dockerId: (r.docker_id as string | null) ?? null,
    templateId: (r.template_id as string | null) ?? null,
    templateGeneration: (r.template_generation as number | null) ?? null,
    claimedAt: (r.claimed_at as string | null) ?? null,
    statusChangedAt: r.status_changed_at as string,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}
