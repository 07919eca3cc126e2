import type { PoolEvent, ProjectEvent, UserEvent } from '@hoody/auth-domain';
import type { RecordedEvent } from '@hoody/event-store';
import { cachedStatement, type SqliteProjection } from '@hoody/eventsourcing';
import { transitionOf, type ContainerEvent, type ContainerSettings, type ContainerSpec, type ServerEvent, type TemplateEvent } from '@hoody/scheduler-domain';
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { READ_MODEL_STREAM_PREFIXES } from '../streams';

type SchedulerEvent = ServerEvent | ContainerEvent | TemplateEvent | UserEvent | ProjectEvent | PoolEvent;

const idOf = (streamId: string) => streamId.slice(streamId.indexOf('-') + 1);

/** A status log entry's id: 24 hex characters derived from its event's id, the same after every rebuild. */
export const statusLogId = (eventId: string) => createHash('sha256').update(eventId).digest('hex').slice(0, 24);

/**
 * Servers, containers and their status logs as the API shows them, plus what the scheduler needs
 * of the auth service's users and projects. Rebuilt from the store at will.
 */
export const schedulerProjection: SqliteProjection = {
  name: 'scheduler',
  version: 6,
  filter: { streamPrefixes: READ_MODEL_STREAM_PREFIXES },
  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, is_admin INTEGER NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS projects (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL, alias TEXT NOT NULL, max_containers INTEGER,
        realm_ids TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS projects_user ON projects (user_id);
      CREATE TABLE IF NOT EXISTS pools (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, settings TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS pool_members (
        pool_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (pool_id, user_id));
      CREATE TABLE IF NOT EXISTS servers (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, owner_id TEXT NOT NULL, pool_id TEXT,
        agent_url TEXT NOT NULL, specs TEXT NOT NULL, max_containers INTEGER NOT NULL, agent_secret_hash TEXT,
        status TEXT NOT NULL, last_seen_at TEXT, orphans TEXT NOT NULL DEFAULT '[]', orphans_at TEXT,
        containers_used INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE UNIQUE INDEX IF NOT EXISTS servers_name ON servers (name);
      CREATE TABLE IF NOT EXISTS containers (
        id TEXT PRIMARY KEY, project_id TEXT NOT NULL, server_id TEXT NOT NULL, name TEXT NOT NULL,
        color TEXT, container_image TEXT NOT NULL, hoody_kit INTEGER NOT NULL, dev_kit INTEGER NOT NULL,
        autostart INTEGER NOT NULL, ramdisk INTEGER NOT NULL, prespawn INTEGER NOT NULL, bypass_prespawn INTEGER NOT NULL,
        cpu REAL NOT NULL, memory REAL NOT NULL, environment_vars TEXT NOT NULL, comment TEXT, realm_ids TEXT NOT NULL,
        status TEXT NOT NULL, status_reason TEXT, exit_code INTEGER, docker_id TEXT,
        template_id TEXT, template_generation INTEGER, claimed_at TEXT,
        status_changed_at TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS containers_warm ON containers (server_id, template_id) WHERE template_id IS NOT NULL AND claimed_at IS NULL AND status != 'deleted';
      CREATE TABLE IF NOT EXISTS templates (
        id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, default_for_server_id TEXT, settings TEXT NOT NULL,
        state TEXT NOT NULL, degraded_reason TEXT, generation INTEGER NOT NULL, claimed INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS templates_owner ON templates (owner_id, created_at);
      CREATE INDEX IF NOT EXISTS templates_live ON templates (created_at, id) WHERE state != 'deleted';
      CREATE INDEX IF NOT EXISTS templates_default ON templates (default_for_server_id) WHERE default_for_server_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS containers_project ON containers (project_id, created_at) WHERE status != 'deleted';
      CREATE INDEX IF NOT EXISTS containers_project_name ON containers (project_id, lower(name)) WHERE status != 'deleted';
      CREATE INDEX IF NOT EXISTS containers_server ON containers (server_id) WHERE status != 'deleted';
      CREATE INDEX IF NOT EXISTS containers_created ON containers (created_at, id) WHERE status != 'deleted';
      CREATE TABLE IF NOT EXISTS status_logs (
        id TEXT PRIMARY KEY, container_id TEXT NOT NULL, position INTEGER NOT NULL,
        from_status TEXT, to_status TEXT NOT NULL, transition_time TEXT NOT NULL,
        duration_ms INTEGER NOT NULL, triggered_by TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS status_logs_container ON status_logs (container_id, transition_time, position);
    `);
  },
  reset(db) {
    db.exec('DELETE FROM users; DELETE FROM projects; DELETE FROM pools; DELETE FROM pool_members; DELETE FROM servers; DELETE FROM containers; DELETE FROM status_logs; DELETE FROM templates;');
  },
  drop(db) {
    for (const table of ['users', 'projects', 'pools', 'pool_members', 'servers', 'containers', 'status_logs', 'templates']) db.exec(`DROP TABLE IF EXISTS ${table}`);
  },
  apply(db, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as SchedulerEvent;
    const id = idOf(recorded.streamId);
    switch (event.type) {
      // ---- the auth service's users and projects -----------------------------------------------
      case 'UserCreated':
        return run(db, 'INSERT OR IGNORE INTO users (id, is_admin, created_at) VALUES (?, ?, ?)', id, +event.data.isAdmin, event.data.createdAt);
      case 'ProjectCreated': {
        const { settings: s, userId, createdAt } = event.data;
        return run(
          db,
          'INSERT OR IGNORE INTO projects (id, user_id, alias, max_containers, realm_ids, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          id, userId, s.alias, s.maxContainers, JSON.stringify(s.realmIds), createdAt,
        );
      }
      case 'ProjectUpdated': {
        const c = event.data.changes;
        if (c.alias !== undefined) run(db, 'UPDATE projects SET alias = ? WHERE id = ?', c.alias, id);
        if (c.maxContainers !== undefined) run(db, 'UPDATE projects SET max_containers = ? WHERE id = ?', c.maxContainers, id);
        if (c.realmIds !== undefined) run(db, 'UPDATE projects SET realm_ids = ? WHERE id = ?', JSON.stringify(c.realmIds), id);
        return;
      }
      case 'ProjectDeleted':
        return run(db, 'UPDATE projects SET deleted = 1 WHERE id = ?', id);

      // ---- the auth service's server pools: who may place containers on a pool's servers ---------
      case 'PoolCreated':
        return run(db, 'INSERT OR IGNORE INTO pools (id, owner_id, settings) VALUES (?, ?, ?)', id, event.data.ownerId, JSON.stringify(event.data.settings));
      case 'PoolUpdated':
        return event.data.settings === undefined ? undefined : run(db, 'UPDATE pools SET settings = ? WHERE id = ?', JSON.stringify(event.data.settings), id);
      case 'PoolDeleted':
        return run(db, 'UPDATE pools SET deleted = 1 WHERE id = ?', id);
      case 'PoolMemberInvited':
        return run(
          db,
          "INSERT INTO pool_members (pool_id, user_id, role, status) VALUES (?, ?, ?, 'pending') ON CONFLICT (pool_id, user_id) DO UPDATE SET role = excluded.role",
          id, event.data.userId, event.data.role,
        );
      case 'PoolInvitationAccepted':
        return run(db, "UPDATE pool_members SET status = 'active' WHERE pool_id = ? AND user_id = ?", id, event.data.userId);
      case 'PoolMemberRoleChanged':
        return run(db, 'UPDATE pool_members SET role = ? WHERE pool_id = ? AND user_id = ?', event.data.role, id, event.data.userId);
      case 'PoolInvitationRejected':
      case 'PoolMemberRemoved':
        return run(db, 'DELETE FROM pool_members WHERE pool_id = ? AND user_id = ?', id, event.data.userId);

      // ---- servers -------------------------------------------------------------------------------
      case 'ServerRegistered': {
        const d = event.data;
        // counted once here, in case containers came first; kept as they come and go from then on
        return run(
          db,
          `INSERT OR IGNORE INTO servers (id, name, owner_id, pool_id, agent_url, specs, max_containers, agent_secret_hash, status, last_seen_at, containers_used, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'online', ?, (SELECT COUNT(*) FROM containers WHERE server_id = ? AND status != 'deleted'), ?, ?)`,
          id, d.name, d.ownerId, d.poolId, d.agent.agentUrl, JSON.stringify(d.agent.specs), d.agent.maxContainers, d.agentSecretHash,
          d.registeredAt, id, d.registeredAt, d.registeredAt,
        );
      }
      case 'ServerAgentUpdated': {
        const c = event.data.changes;
        if (c.agentUrl !== undefined) run(db, 'UPDATE servers SET agent_url = ? WHERE id = ?', c.agentUrl, id);
        if (c.specs !== undefined) run(db, 'UPDATE servers SET specs = ? WHERE id = ?', JSON.stringify(c.specs), id);
        if (c.maxContainers !== undefined) run(db, 'UPDATE servers SET max_containers = ? WHERE id = ?', c.maxContainers, id);
        return run(db, 'UPDATE servers SET updated_at = ? WHERE id = ?', event.data.updatedAt, id);
      }
      case 'ServerWentOffline':
        return run(db, "UPDATE servers SET status = 'offline', last_seen_at = coalesce(?, last_seen_at), updated_at = ? WHERE id = ?", event.data.lastSeenAt, event.data.at, id);
      case 'ServerCameOnline':
        return run(db, "UPDATE servers SET status = 'online', last_seen_at = ?, updated_at = ? WHERE id = ?", event.data.at, event.data.at, id);
      case 'ServerOrphansReported':
        return run(db, 'UPDATE servers SET orphans = ?, orphans_at = ? WHERE id = ?', JSON.stringify(event.data.orphans), event.data.at, id);
      case 'ServerPoolChanged':
        return run(db, 'UPDATE servers SET pool_id = ?, updated_at = ? WHERE id = ?', event.data.poolId, event.data.at, id);

      // ---- containers ----------------------------------------------------------------------------
      case 'ContainerRequested': {
        const { projectId, serverId, settings, spec, transition } = event.data;
        insertContainer(db, { id, projectId, serverId, settings, spec, at: transition.at, status: transition.to, template: null });
        return logTransition(db, recorded, id, null);
      }
      case 'WarmContainerRequested': {
        const { serverId, settings, spec, templateId, generation, transition } = event.data;
        insertContainer(db, { id, projectId: '', serverId, settings, spec, at: transition.at, status: transition.to, template: { templateId, generation } });
        return logTransition(db, recorded, id, null);
      }
      case 'ContainerClaimed': {
        const { projectId, settings: s, claimedAt } = event.data;
        run(db, 'UPDATE templates SET claimed = claimed + 1 WHERE id = (SELECT template_id FROM containers WHERE id = ? AND claimed_at IS NULL)', id);
        return run(
          db,
          `UPDATE containers SET project_id = ?, name = ?, color = ?, autostart = ?, environment_vars = ?, comment = ?, realm_ids = ?,
             prespawn = 1, claimed_at = ?, created_at = ?, updated_at = ? WHERE id = ?`,
          projectId, s.name, s.color, +s.autostart, JSON.stringify(s.environmentVars), s.comment, JSON.stringify(s.realmIds), claimedAt, claimedAt, claimedAt, id,
        );
      }

      // ---- prespawn templates ----------------------------------------------------------------------
      case 'TemplateCreated': {
        const d = event.data;
        return run(
          db,
          `INSERT OR IGNORE INTO templates (id, owner_id, default_for_server_id, settings, state, generation, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'active', 1, ?, ?)`,
          id, d.ownerId, d.defaultForServerId, JSON.stringify(d.settings), d.createdAt, d.createdAt,
        );
      }
      case 'TemplateUpdated': {
        const row = cachedStatement(db, 'SELECT settings FROM templates WHERE id = ?').get(id) as { settings: string } | undefined;
        if (!row) return;
        const settings = { ...JSON.parse(row.settings), ...event.data.changes };
        return run(
          db,
          "UPDATE templates SET settings = ?, generation = ?, state = CASE state WHEN 'degraded' THEN 'active' ELSE state END, degraded_reason = NULL, updated_at = ? WHERE id = ?",
          JSON.stringify(settings), event.data.generation, event.data.updatedAt, id,
        );
      }
      case 'TemplatePaused':
        return run(db, "UPDATE templates SET state = 'paused', updated_at = ? WHERE id = ?", event.data.at, id);
      case 'TemplateResumed':
      case 'TemplateRecovered':
        return run(db, "UPDATE templates SET state = 'active', degraded_reason = NULL, updated_at = ? WHERE id = ?", event.data.at, id);
      case 'TemplateDeleted':
        return run(db, "UPDATE templates SET state = 'deleted', updated_at = ? WHERE id = ?", event.data.at, id);
      case 'TemplateDegraded':
        return run(db, "UPDATE templates SET state = 'degraded', degraded_reason = ?, updated_at = ? WHERE id = ?", event.data.reason, event.data.at, id);
      case 'ContainerUpdated': {
        const c = event.data.changes;
        const columns: Array<[string, unknown]> = [];
        if (c.name !== undefined) columns.push(['name', c.name]);
        if (c.color !== undefined) columns.push(['color', c.color]);
        if (c.autostart !== undefined) columns.push(['autostart', +c.autostart]);
        if (c.environmentVars !== undefined) columns.push(['environment_vars', JSON.stringify(c.environmentVars)]);
        if (c.comment !== undefined) columns.push(['comment', c.comment]);
        if (c.realmIds !== undefined) columns.push(['realm_ids', JSON.stringify(c.realmIds)]);
        columns.push(['updated_at', event.data.updatedAt]);
        return run(db, `UPDATE containers SET ${columns.map(([k]) => `${k} = ?`).join(', ')} WHERE id = ?`, ...columns.map(([, v]) => v), id);
      }
      case 'ContainerProvisioned':
      case 'ContainerStatusObserved':
        run(db, 'UPDATE containers SET docker_id = ?, status_reason = NULL, exit_code = NULL WHERE id = ?', event.data.dockerId, id);
        return moved(db, recorded, id, event);
      case 'ContainerProvisioningFailed':
      case 'ContainerMissing':
        run(db, 'UPDATE containers SET status_reason = ? WHERE id = ?', event.data.reason, id);
        return moved(db, recorded, id, event);
      case 'ContainerExited':
        run(db, 'UPDATE containers SET exit_code = ? WHERE id = ?', event.data.exitCode, id);
        return moved(db, recorded, id, event);
      case 'ContainerStarted':
      case 'ContainerRestarted':
      case 'ContainerResumed':
        run(db, 'UPDATE containers SET exit_code = NULL WHERE id = ?', id);
        return moved(db, recorded, id, event);
      case 'ContainerStopped':
      case 'ContainerForceStopped':
      case 'ContainerPaused':
      case 'ContainerDeletionRequested':
      case 'ContainerDeleted':
        return moved(db, recorded, id, event);
    }
  },
};

function insertContainer(
  db: Database.Database,
  c: { id: string; projectId: string; serverId: string; settings: ContainerSettings; spec: ContainerSpec; at: string; status: string; template: { templateId: string; generation: number } | null },
): void {
  const { settings: s, spec: p } = c;
  const inserted = cachedStatement(
    db,
    `INSERT OR IGNORE INTO containers (id, project_id, server_id, name, color, container_image, hoody_kit, dev_kit, autostart, ramdisk,
       prespawn, bypass_prespawn, cpu, memory, environment_vars, comment, realm_ids, status, template_id, template_generation, status_changed_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    c.id, c.projectId, c.serverId, s.name, s.color, p.containerImage, +p.hoodyKit, +p.devKit, +s.autostart, +p.ramdisk,
    +(c.template !== null), +p.bypassPrespawn, p.cpu, p.memory, JSON.stringify(s.environmentVars), s.comment, JSON.stringify(s.realmIds),
    c.status, c.template?.templateId ?? null, c.template?.generation ?? null, c.at, c.at, c.at,
  ).changes;
  if (inserted > 0) run(db, 'UPDATE servers SET containers_used = containers_used + 1 WHERE id = ?', c.serverId);
}

/** A status change: the container's status, and one status log entry timed against the previous change. */
function moved(db: Database.Database, recorded: RecordedEvent, containerId: string, event: ContainerEvent): void {
  const t = transitionOf(event);
  if (!t) return;
  const row = cachedStatement(db, 'SELECT status, server_id, status_changed_at FROM containers WHERE id = ?').get(containerId) as
    | { status: string; server_id: string; status_changed_at: string }
    | undefined;
  if (!row) return;
  logTransition(db, recorded, containerId, row.status_changed_at);
  run(db, 'UPDATE containers SET status = ?, status_changed_at = ?, updated_at = ? WHERE id = ?', t.to, t.at, t.at, containerId);
  // A server's containers are counted as they come and go, not by reading them all
  const change = (t.to === 'deleted' ? 0 : 1) - (row.status === 'deleted' ? 0 : 1);
  if (change !== 0) run(db, 'UPDATE servers SET containers_used = containers_used + ? WHERE id = ?', change, row.server_id);
}

function logTransition(db: Database.Database, recorded: RecordedEvent, containerId: string, previousAt: string | null): void {
  const t = transitionOf({ type: recorded.type, data: recorded.data } as ContainerEvent);
  if (!t) return;
  const duration = previousAt === null ? 0 : Math.max(0, Date.parse(t.at) - Date.parse(previousAt));
  run(
    db,
    'INSERT OR IGNORE INTO status_logs (id, container_id, position, from_status, to_status, transition_time, duration_ms, triggered_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    statusLogId(recorded.id), containerId, recorded.position, t.from, t.to, t.at, duration, t.triggeredBy,
  );
}

function run(db: Database.Database, sql: string, ...params: unknown[]): void {
  cachedStatement(db, sql).run(...params);
}
