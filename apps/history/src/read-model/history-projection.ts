import type { RecordedEvent } from '@hoody/event-store';
import { cachedStatement, type SqliteProjection } from '@hoody/eventsourcing';
import type Database from 'better-sqlite3';
import { historyEventId, isPublic, publicEventType, publicPayload, resourceTypeOf, streamParts } from './event-mapping';

/**
 * The events history: one row per stored event of every stream (internal ones apart), with whom it
 * belongs to and the labels its resource carried then, so that GET /events can filter, count and
 * page what a caller may see in SQL. Small lookup tables remember who owns each project, container,
 * token, pool and server, and their labels, as the events go by. Rebuilt from the store at will.
 */

type Data = Record<string, unknown>;

/** Whose a row is, and what it concerns. */
interface RowContext {
  userId: string;
  /** Also sees the row: the member a pool member event is about. */
  memberId: string | null;
  resourceId: string;
  projectId: string | null;
  containerId: string | null;
  realmIds: string[];
}

const TABLES = ['history_events', 'history_projects', 'history_containers', 'history_tokens', 'history_owners'];

export const historyProjection: SqliteProjection = {
  name: 'history',
  version: 1,
  // every stream: what is internal is skipped in `apply`
  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS history_events (
        position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, event_type TEXT NOT NULL,
        resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, user_id TEXT NOT NULL, member_id TEXT,
        project_id TEXT, container_id TEXT, realm_ids TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS history_events_user ON history_events (user_id, position);
      CREATE INDEX IF NOT EXISTS history_events_member ON history_events (member_id, position) WHERE member_id IS NOT NULL;
      CREATE TABLE IF NOT EXISTS history_projects (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, realm_ids TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS history_containers (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, realm_ids TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS history_tokens (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, realm_ids TEXT NOT NULL);
      -- pools and servers: their owners (they carry no realms)
      CREATE TABLE IF NOT EXISTS history_owners (category TEXT NOT NULL, id TEXT NOT NULL, owner_id TEXT NOT NULL, PRIMARY KEY (category, id));
    `);
  },
  reset(db) {
    for (const table of TABLES) db.exec(`DELETE FROM ${table}`);
  },
  drop(db) {
    for (const table of TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
  },
  apply(db, recorded: RecordedEvent) {
    if (!isPublic(recorded)) return;
    const { category, id } = streamParts(recorded.streamId);
    const data: Data = isObject(recorded.data) ? recorded.data : {};
    track(db, category, id, recorded.type, data);
    const row = contextOf(db, category, id, data);
    run(
      db,
      `INSERT OR IGNORE INTO history_events
         (position, id, event_type, resource_type, resource_id, user_id, member_id, project_id, container_id, realm_ids, payload, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      recorded.position,
      historyEventId(recorded.id),
      publicEventType(recorded),
      resourceTypeOf(recorded.streamId),
      row.resourceId,
      row.userId,
      row.memberId,
      row.projectId,
      row.containerId,
      JSON.stringify(row.realmIds),
      JSON.stringify(publicPayload(data)),
      recorded.createdAt.toISOString(),
    );
  },
};

/** Keeps the lookup tables: owners and labels, as they are after this event. */
function track(db: Database.Database, category: string, id: string, type: string, data: Data): void {
  switch (`${category}:${type}`) {
    case 'project:ProjectCreated':
      return run(db, 'INSERT OR IGNORE INTO history_projects (id, user_id, realm_ids) VALUES (?, ?, ?)', id, str(data.userId) ?? '', json(realmsIn(data.settings)));
    case 'project:ProjectUpdated':
      return relabel(db, 'history_projects', id, realmsIn(data.changes, null));
    case 'container:ContainerRequested':
      return run(db, 'INSERT OR IGNORE INTO history_containers (id, project_id, realm_ids) VALUES (?, ?, ?)', id, str(data.projectId) ?? '', json(realmsIn(data.settings)));
    case 'container:ContainerUpdated':
      return relabel(db, 'history_containers', id, realmsIn(data.changes, null));
    case 'token:TokenCreated':
      return run(db, 'INSERT OR IGNORE INTO history_tokens (id, user_id, realm_ids) VALUES (?, ?, ?)', id, str(data.userId) ?? '', json(realmsIn(data.settings)));
    case 'token:TokenUpdated':
      return relabel(db, 'history_tokens', id, realmsIn(data.changes, null));
    case 'token:TokenRealmAdded':
    case 'token:TokenRealmRemoved': {
      const realm = str(data.realmId);
      const current = lookup(db, 'history_tokens', id);
      if (!realm || !current) return;
      const realms = type === 'TokenRealmAdded' ? [...new Set([...current.realmIds, realm])] : current.realmIds.filter((r) => r !== realm);
      return relabel(db, 'history_tokens', id, realms);
    }
    case 'pool:PoolCreated':
    case 'server:ServerRegistered':
      return run(db, 'INSERT OR IGNORE INTO history_owners (category, id, owner_id) VALUES (?, ?, ?)', category, id, str(data.ownerId) ?? '');
  }
}

/** Whom the row belongs to, its resource, and the labels that resource carries now. */
function contextOf(db: Database.Database, category: string, id: string, data: Data): RowContext {
  const row: RowContext = { userId: '', memberId: null, resourceId: id, projectId: null, containerId: null, realmIds: [] };
  switch (category) {
    case 'user':
      return { ...row, userId: id };
    case 'project': {
      const project = lookup(db, 'history_projects', id);
      return { ...row, userId: project?.owner ?? '', projectId: id, realmIds: project?.realmIds ?? [] };
    }
    case 'container': {
      const container = lookup(db, 'history_containers', id);
      const projectId = container?.owner ?? str(data.projectId) ?? null;
      const owner = projectId ? lookup(db, 'history_projects', projectId)?.owner : undefined;
      return { ...row, userId: owner ?? '', projectId, containerId: id, realmIds: container?.realmIds ?? [] };
    }
    case 'token': {
      const token = lookup(db, 'history_tokens', id);
      return { ...row, userId: token?.owner ?? '', realmIds: token?.realmIds ?? [] };
    }
    case 'pool':
    case 'server': {
      const owner = ownerOf(db, category, id) ?? '';
      // a pool member event is the member's business too
      const member = category === 'pool' ? str(data.userId) : undefined;
      return { ...row, userId: owner, memberId: member && member !== owner ? member : null };
    }
    case 'audit':
      return { ...row, userId: str(data.userId) ?? '', resourceId: str(data.resourceId) ?? '', realmIds: strings(data.realmIds) ?? [] };
    default:
      return generic(db, row, data);
  }
}

/**
 * An event of a category this projection does not know yet: its own `userId`/`ownerId`, else the
 * owner of the container or project it names; its own `realmIds`, else theirs.
 */
function generic(db: Database.Database, row: RowContext, data: Data): RowContext {
  const containerId = str(data.containerId) ?? null;
  const container = containerId ? lookup(db, 'history_containers', containerId) : undefined;
  const projectId = str(data.projectId) ?? container?.owner ?? null;
  const project = projectId ? lookup(db, 'history_projects', projectId) : undefined;
  return {
    ...row,
    userId: str(data.userId) ?? str(data.ownerId) ?? project?.owner ?? '',
    projectId,
    containerId,
    realmIds: strings(data.realmIds) ?? realmsIn(data.settings, null) ?? container?.realmIds ?? project?.realmIds ?? [],
  };
}

type LabelledTable = 'history_projects' | 'history_containers' | 'history_tokens';
const OWNER_COLUMN: Record<LabelledTable, string> = { history_projects: 'user_id', history_containers: 'project_id', history_tokens: 'user_id' };

/** A project's or token's user, a container's project; and the labels. */
function lookup(db: Database.Database, table: LabelledTable, id: string): { owner: string; realmIds: string[] } | undefined {
  const found = cachedStatement(db, `SELECT ${OWNER_COLUMN[table]} AS owner, realm_ids FROM ${table} WHERE id = ?`).get(id) as
    | { owner: string; realm_ids: string }
    | undefined;
  return found && { owner: found.owner, realmIds: JSON.parse(found.realm_ids) as string[] };
}

function relabel(db: Database.Database, table: LabelledTable, id: string, realmIds: string[] | null): void {
  if (realmIds !== null) run(db, `UPDATE ${table} SET realm_ids = ? WHERE id = ?`, json(realmIds), id);
}

function ownerOf(db: Database.Database, category: string, id: string): string | undefined {
  return (cachedStatement(db, 'SELECT owner_id FROM history_owners WHERE category = ? AND id = ?').get(category, id) as { owner_id: string } | undefined)?.owner_id;
}

function isObject(value: unknown): value is Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

/** `realmIds` of a settings or changes object; `absent` when it has none. */
function realmsIn(holder: unknown): string[];
function realmsIn<A>(holder: unknown, absent: A): string[] | A;
function realmsIn(holder: unknown, absent: unknown = []): unknown {
  return (isObject(holder) ? strings(holder.realmIds) : undefined) ?? absent;
}

const json = (value: unknown) => JSON.stringify(value);

function run(db: Database.Database, sql: string, ...params: unknown[]): void {
  cachedStatement(db, sql).run(...params);
}
