import type { ProjectSettings, TokenSettings } from '@hoody/auth-domain';
import type Database from 'better-sqlite3';
import { statementCache } from '@hoody/eventsourcing';
import type { SqlCondition } from '@hoody/tenancy';

export interface UserRow {
  id: string;
  username: string;
  isAdmin: boolean;
  defaultProjectId: string | null;
  createdAt: string;
}

export interface TokenRow {
  id: string;
  userId: string;
  createdByTokenId: string | null;
  settings: TokenSettings;
  revoked: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectRow extends ProjectSettings {
  id: string;
  userId: string;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
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

export interface RealmCount {
  realmId: string;
  count: number;
}

const PROJECT_SORT: Record<string, string> = { id: 'id', alias: 'alias', created_at: 'created_at', updated_at: 'updated_at', name: 'alias' };
const TOKEN_SORT: Record<string, string> = { id: 'id', alias: "json_extract(settings, '$.alias')", created_at: 'created_at', updated_at: 'updated_at' };

/**
 * Reads of the auth read model. Everything here is scoped by the caller's user id; the tenancy rule
 * (@hoody/tenancy) is the controllers' to pass in or apply.
 */
export class AuthQueries {
  constructor(db: Database.Database) {
    this.sql = statementCache(db);
  }

  private readonly sql: (text: string) => Database.Statement;

  userById(id: string): UserRow | undefined {
    const row = this.sql('SELECT * FROM users WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return row && toUser(row);
  }

  userByName(username: string): UserRow | undefined {
    const row = this.sql('SELECT * FROM users WHERE username = ?').get(username) as Record<string, unknown> | undefined;
    return row && toUser(row);
  }

  users(page: Page, onlyId?: string): Paged<UserRow> {
    const where = onlyId ? 'WHERE id = ?' : '';
    const args = onlyId ? [onlyId] : [];
    const total = (this.sql(`SELECT COUNT(*) AS n FROM users ${where}`).get(...args) as { n: number }).n;
    const rows = this.sql(`SELECT * FROM users ${where} ORDER BY created_at ${page.sortOrder}, id LIMIT ? OFFSET ?`)
      .all(...args, page.limit, (page.page - 1) * page.limit) as Array<Record<string, unknown>>;
    return { items: rows.map(toUser), total };
  }

  tokenBySecretHash(hash: string): TokenRow | undefined {
    const row = this.sql('SELECT * FROM tokens WHERE secret_hash = ?').get(hash) as Record<string, unknown> | undefined;
    return row && toToken(row);
  }

  token(userId: string, id: string): TokenRow | undefined {
    const row = this.sql('SELECT * FROM tokens WHERE id = ? AND user_id = ? AND revoked = 0').get(id, userId) as Record<string, unknown> | undefined;
    return row && toToken(row);
  }

  /**
   * The user's live tokens that `include` keeps, paged. The filter runs here rather than in SQL: the
   * reach rule (tokenWithinReach) has no SQL form, and a user holds few tokens.
   */
  tokens(userId: string, page: Page, include: (token: TokenRow) => boolean): Paged<TokenRow> {
    const order = TOKEN_SORT[page.sortBy] ?? 'created_at';
    const kept = this.liveTokens(userId, `${order} ${page.sortOrder}, id`).filter(include);
    const start = (page.page - 1) * page.limit;
    return { items: kept.slice(start, start + page.limit), total: kept.length };
  }

  /** `orderBy` is code, never input. */
  liveTokens(userId: string, orderBy = 'created_at, id'): TokenRow[] {
    const rows = this.sql(`SELECT * FROM tokens WHERE user_id = ? AND revoked = 0 ORDER BY ${orderBy}`).all(userId) as Array<Record<string, unknown>>;
    return rows.map(toToken);
  }

  project(userId: string, id: string): ProjectRow | undefined {
    const row = this.sql('SELECT * FROM projects WHERE id = ? AND user_id = ? AND deleted = 0').get(id, userId) as Record<string, unknown> | undefined;
    return row && toProject(row);
  }

  /** The user's projects that `visible` (a condition on `realm_ids`) keeps, and with `realmId` only those carrying it. */
  projects(userId: string, page: Page, visible: SqlCondition, realmId: string): Paged<ProjectRow> {
    const carries = realmId ? ' AND EXISTS (SELECT 1 FROM json_each(realm_ids) WHERE value = ?)' : '';
    const where = `WHERE user_id = ? AND deleted = 0 AND (${visible.sql})${carries}`;
    const args = [userId, ...visible.params, ...(realmId ? [realmId] : [])];
    const total = (this.sql(`SELECT COUNT(*) AS n FROM projects ${where}`).get(...args) as { n: number }).n;
    const order = PROJECT_SORT[page.sortBy] ?? 'created_at';
    const rows = this.sql(`SELECT * FROM projects ${where} ORDER BY ${order} ${page.sortOrder}, id LIMIT ? OFFSET ?`)
      .all(...args, page.limit, (page.page - 1) * page.limit) as Array<Record<string, unknown>>;
    return { items: rows.map(toProject), total };
  }

  /** For each realm carried by the user's projects that `visible` (a condition on `p.realm_ids`) keeps, how many carry it. */
  projectRealmCounts(userId: string, visible: SqlCondition): RealmCount[] {
    return this.sql(
      `SELECT r.value AS realmId, COUNT(*) AS count FROM projects p, json_each(p.realm_ids) r
       WHERE p.user_id = ? AND p.deleted = 0 AND (${visible.sql}) GROUP BY r.value`,
    ).all(userId, ...visible.params) as RealmCount[];
  }

  anyAdmin(): UserRow | undefined {
    const row = this.sql('SELECT * FROM users WHERE is_admin = 1 ORDER BY created_at LIMIT 1').get() as Record<string, unknown> | undefined;
    return row && toUser(row);
  }
}

function toUser(r: Record<string, unknown>): UserRow {
  return {
    id: r.id as string,
    username: r.username as string,
    isAdmin: r.is_admin === 1,
    defaultProjectId: (r.default_project_id as string | null) ?? null,
    createdAt: r.created_at as string,
  };
}

function toToken(r: Record<string, unknown>): TokenRow {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    createdByTokenId: (r.created_by_token_id as string | null) ?? null,
    settings: JSON.parse(r.settings as string),
    revoked: r.revoked === 1,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

function toProject(r: Record<string, unknown>): ProjectRow {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    alias: r.alias as string,
    color: (r.color as string | null) ?? null,
    maxContainers: (r.max_containers as number | null) ?? null,
    isDefault: r.is_default === 1,
    realmIds: JSON.parse(r.realm_ids as string),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}
