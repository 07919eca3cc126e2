import type { PoolRole, PoolSettings, ProjectSettings, TokenSettings } from '@hoody/auth-domain';
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

export interface PoolRow {
  id: string;
  ownerId: string;
  name: string;
  description: string | null;
  settings: PoolSettings;
  /** The reader's role in the pool. */
  userRole: 'owner' | PoolRole;
  /** The owner and the accepted members. */
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface PoolMemberRow {
  userId: string;
  username: string;
  role: 'owner' | PoolRole;
  status: 'active' | 'pending';
  /** Null for the owner. */
  invitedBy: string | null;
  invitedAt: string | null;
}

export interface PoolInvitationRow {
  poolId: string;
  poolName: string;
  description: string | null;
  ownerId: string;
  ownerUsername: string;
  role: PoolRole;
  invitedBy: string;
  invitedByUsername: string;
  invitedAt: string;
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

  /** The pool, if `userId` owns it or is an accepted member; otherwise undefined, as for an unknown id. */
  pool(userId: string, poolId: string): PoolRow | undefined {
    const row = this.sql(`${POOL_SELECT} AND p.id = ?`).get(userId, userId, userId, poolId) as Record<string, unknown> | undefined;
    return row && toPool(row);
  }

  /** The pools `userId` owns or has joined, oldest first. */
  pools(userId: string): PoolRow[] {
    const rows = this.sql(`${POOL_SELECT} ORDER BY p.created_at, p.id`).all(userId, userId, userId) as Array<Record<string, unknown>>;
    return rows.map(toPool);
  }

  /** The owner first, then members and pending invitees in the order they were invited. */
  poolMembers(poolId: string): PoolMemberRow[] {
    const owner = this.sql(
      `SELECT p.owner_id AS user_id, COALESCE(u.username, '') AS username, 'owner' AS role, 'active' AS status, NULL AS invited_by, NULL AS invited_at
       FROM pools p LEFT JOIN users u ON u.id = p.owner_id WHERE p.id = ? AND p.deleted = 0`,
    ).all(poolId) as Array<Record<string, unknown>>;
    const members = this.sql(
      `SELECT m.user_id, COALESCE(u.username, '') AS username, m.role, m.status, m.invited_by, m.invited_at
       FROM pool_members m LEFT JOIN users u ON u.id = m.user_id WHERE m.pool_id = ? ORDER BY m.invited_at, m.user_id`,
    ).all(poolId) as Array<Record<string, unknown>>;
    return [...owner, ...members].map(toPoolMember);
  }

  poolMember(poolId: string, userId: string): PoolMemberRow | undefined {
    return this.poolMembers(poolId).find((m) => m.userId === userId);
  }

  /** The invitations waiting for `userId` to accept or reject, oldest first. */
  pendingPoolInvitations(userId: string): PoolInvitationRow[] {
    const rows = this.sql(
      `SELECT p.id AS pool_id, p.name AS pool_name, p.description, p.owner_id, COALESCE(o.username, '') AS owner_username,
              m.role, m.invited_by, COALESCE(i.username, '') AS invited_by_username, m.invited_at
       FROM pool_members m JOIN pools p ON p.id = m.pool_id AND p.deleted = 0
       LEFT JOIN users o ON o.id = p.owner_id LEFT JOIN users i ON i.id = m.invited_by
       WHERE m.user_id = ? AND m.status = 'pending' ORDER BY m.invited_at, p.id`,
    ).all(userId) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      poolId: r.pool_id as string,
      poolName: r.pool_name as string,
      description: (r.description as string | null) ?? null,
      ownerId: r.owner_id as string,
      ownerUsername: r.owner_username as string,
      role: r.role as PoolRole,
      invitedBy: r.invited_by as string,
      invitedByUsername: r.invited_by_username as string,
      invitedAt: r.invited_at as string,
    }));
  }

  anyAdmin(): UserRow | undefined {
    const row = this.sql('SELECT * FROM users WHERE is_admin = 1 ORDER BY created_at LIMIT 1').get() as Record<string, unknown> | undefined;
    return row && toUser(row);
  }
}

/** Pools visible to a user (bound three times: role, membership, ownership), with that user's role. */
const POOL_SELECT = `
  SELECT p.*, CASE WHEN p.owner_id = ? THEN 'owner' ELSE m.role END AS user_role,
    1 + (SELECT COUNT(*) FROM pool_members c WHERE c.pool_id = p.id AND c.status = 'active') AS member_count
  FROM pools p LEFT JOIN pool_members m ON m.pool_id = p.id AND m.user_id = ? AND m.status = 'active'
  WHERE p.deleted = 0 AND (p.owner_id = ? OR m.user_id IS NOT NULL)`;

function toPool(r: Record<string, unknown>): PoolRow {
  return {
    id: r.id as string,
    ownerId: r.owner_id as string,
    name: r.name as string,
    description: (r.description as string | null) ?? null,
    settings: JSON.parse(r.settings as string),
    userRole: r.user_role as PoolRow['userRole'],
    memberCount: r.member_count as number,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

function toPoolMember(r: Record<string, unknown>): PoolMemberRow {
  return {
    userId: r.user_id as string,
    username: r.username as string,
    role: r.role as PoolMemberRow['role'],
    status: r.status as PoolMemberRow['status'],
    invitedBy: (r.invited_by as string | null) ?? null,
    invitedAt: (r.invited_at as string | null) ?? null,
  };
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
