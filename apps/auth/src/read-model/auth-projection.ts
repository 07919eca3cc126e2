import type { PoolEvent, ProjectEvent, TokenEvent, UserEvent } from '@hoody/auth-domain';
import type { RecordedEvent } from '@hoody/event-store';
import { cachedStatement, type SqliteProjection } from '@hoody/eventsourcing';
import type Database from 'better-sqlite3';
import { AUTH_STREAM_PREFIXES } from '../streams';

type AuthEvent = UserEvent | TokenEvent | ProjectEvent | PoolEvent;

const idOf = (streamId: string) => streamId.slice(streamId.indexOf('-') + 1);

/** Users, tokens, projects and server pools as the API shows them; rebuilt from the store at will. */
export const authProjection: SqliteProjection = {
  name: 'auth',
  version: 3,
  filter: { streamPrefixes: AUTH_STREAM_PREFIXES },
  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY, username TEXT NOT NULL, is_admin INTEGER NOT NULL,
        default_project_id TEXT, created_at TEXT NOT NULL);
      CREATE UNIQUE INDEX IF NOT EXISTS users_username ON users (username);
      CREATE TABLE IF NOT EXISTS tokens (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL, secret_hash TEXT NOT NULL, created_by_token_id TEXT,
        settings TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE UNIQUE INDEX IF NOT EXISTS tokens_secret ON tokens (secret_hash);
      CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user_id, created_at) WHERE revoked = 0;
      CREATE TABLE IF NOT EXISTS projects (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL, alias TEXT NOT NULL, color TEXT, max_containers INTEGER,
        is_default INTEGER NOT NULL, realm_ids TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS projects_user ON projects (user_id, created_at) WHERE deleted = 0;
      CREATE TABLE IF NOT EXISTS pools (
        id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT, settings TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS pools_owner ON pools (owner_id, created_at);
      CREATE TABLE IF NOT EXISTS pool_members (
        pool_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, status TEXT NOT NULL,
        invited_by TEXT NOT NULL, invited_at TEXT NOT NULL, joined_at TEXT, PRIMARY KEY (pool_id, user_id));
      CREATE INDEX IF NOT EXISTS pool_members_user ON pool_members (user_id, status);
    `);
  },
  reset(db) {
    db.exec('DELETE FROM users; DELETE FROM tokens; DELETE FROM projects; DELETE FROM pools; DELETE FROM pool_members;');
  },
  drop(db) {
    db.exec(
      'DROP TABLE IF EXISTS users; DROP TABLE IF EXISTS tokens; DROP TABLE IF EXISTS projects; DROP TABLE IF EXISTS pools; DROP TABLE IF EXISTS pool_members;',
    );
  },
  apply(db, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as AuthEvent;
    const id = idOf(recorded.streamId);
    switch (event.type) {
      case 'UserCreated':
        return run(db, 'INSERT OR IGNORE INTO users (id, username, is_admin, created_at) VALUES (?, ?, ?, ?)', id, event.data.username, +event.data.isAdmin, event.data.createdAt);
      case 'TokenCreated':
        return run(
          db,
          'INSERT OR IGNORE INTO tokens (id, user_id, secret_hash, created_by_token_id, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          id,
          event.data.userId,
          event.data.secretHash,
          event.data.createdByTokenId,
          JSON.stringify(event.data.settings),
          event.data.createdAt,
          event.data.createdAt,
        );
      case 'TokenUpdated':
        return updateSettings(db, id, event.data.updatedAt, (s) => ({ ...s, ...event.data.changes }));
      case 'TokenRealmAdded':
        return updateSettings(db, id, event.data.updatedAt, (s) => ({
          ...s,
          realmIds: [...(s.realmIds as string[]).filter((r) => r !== event.data.realmId), event.data.realmId],
        }));
      case 'TokenRealmRemoved':
        return updateSettings(db, id, event.data.updatedAt, (s) => ({ ...s, realmIds: (s.realmIds as string[]).filter((r) => r !== event.data.realmId) }));
      case 'TokenRevoked':
        return run(db, 'UPDATE tokens SET revoked = 1, updated_at = ? WHERE id = ?', event.data.revokedAt, id);
      case 'ProjectCreated': {
        const { settings: s, userId, isDefault, createdAt } = event.data;
        run(
          db,
          'INSERT OR IGNORE INTO projects (id, user_id, alias, color, max_containers, is_default, realm_ids, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          id, userId, s.alias, s.color, s.maxContainers, +isDefault, JSON.stringify(s.realmIds), createdAt, createdAt,
        );
        if (isDefault) run(db, 'UPDATE users SET default_project_id = ? WHERE id = ?', id, userId);
        return;
      }
      case 'ProjectUpdated': {
        const c = event.data.changes;
        const row = cachedStatement(db, 'SELECT alias, color, max_containers, realm_ids FROM projects WHERE id = ?').get(id) as
          | { alias: string; color: string | null; max_containers: number | null; realm_ids: string }
          | undefined;
        if (!row) return;
        return run(
          db,
          'UPDATE projects SET alias = ?, color = ?, max_containers = ?, realm_ids = ?, updated_at = ? WHERE id = ?',
          c.alias ?? row.alias,
          c.color !== undefined ? c.color : row.color,
          c.maxContainers !== undefined ? c.maxContainers : row.max_containers,
          c.realmIds ? JSON.stringify(c.realmIds) : row.realm_ids,
          event.data.updatedAt,
          id,
        );
      }
      case 'ProjectDeleted':
        return run(db, 'UPDATE projects SET deleted = 1, updated_at = ? WHERE id = ?', event.data.deletedAt, id);
      case 'PoolCreated': {
        const { ownerId, name, description, settings, at } = event.data;
        return run(
          db,
          'INSERT OR IGNORE INTO pools (id, owner_id, name, description, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          id, ownerId, name, description, JSON.stringify(settings), at, at,
        );
      }
      case 'PoolUpdated': {
        const { description, settings, at } = event.data;
        if (description !== undefined) run(db, 'UPDATE pools SET description = ? WHERE id = ?', description, id);
        if (settings !== undefined) run(db, 'UPDATE pools SET settings = ? WHERE id = ?', JSON.stringify(settings), id);
        return run(db, 'UPDATE pools SET updated_at = ? WHERE id = ?', at, id);
      }
      case 'PoolDeleted':
        run(db, 'UPDATE pools SET deleted = 1, updated_at = ? WHERE id = ?', event.data.at, id);
        return run(db, 'DELETE FROM pool_members WHERE pool_id = ?', id);
      case 'PoolMemberInvited': {
        const { userId, role, invitedBy, at } = event.data;
        return run(
          db,
          "INSERT OR REPLACE INTO pool_members (pool_id, user_id, role, status, invited_by, invited_at, joined_at) VALUES (?, ?, ?, 'pending', ?, ?, NULL)",
          id, userId, role, invitedBy, at,
        );
      }
      case 'PoolInvitationAccepted':
        return run(db, "UPDATE pool_members SET status = 'active', joined_at = ? WHERE pool_id = ? AND user_id = ?", event.data.at, id, event.data.userId);
      case 'PoolMemberRoleChanged':
        return run(db, 'UPDATE pool_members SET role = ? WHERE pool_id = ? AND user_id = ?', event.data.role, id, event.data.userId);
      case 'PoolInvitationRejected':
      case 'PoolMemberRemoved':
        return run(db, 'DELETE FROM pool_members WHERE pool_id = ? AND user_id = ?', id, event.data.userId);
    }
  },
};

function run(db: Database.Database, sql: string, ...params: unknown[]): void {
  cachedStatement(db, sql).run(...params);
}

function updateSettings(db: Database.Database, id: string, updatedAt: string, change: (s: Record<string, unknown>) => Record<string, unknown>): void {
  const row = cachedStatement(db, 'SELECT settings FROM tokens WHERE id = ?').get(id) as { settings: string } | undefined;
  if (row) run(db, 'UPDATE tokens SET settings = ?, updated_at = ? WHERE id = ?', JSON.stringify(change(JSON.parse(row.settings))), updatedAt, id);
}
