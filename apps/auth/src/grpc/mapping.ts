import { auth, common, timestampFromDate, type Timestamp } from '@hoody/contracts';
import type { Page, ProjectRow, TokenRow, UserRow } from '../read-model/auth-queries';

export const TOKEN_PREFIX = 'hdy_';

const ts = (iso: string | null): Timestamp | undefined => (iso ? timestampFromDate(new Date(iso)) : undefined);

export function tokenMessage(row: TokenRow): auth.Token {
  const s = row.settings;
  return auth.Token.fromPartial({
    id: row.id,
    userId: row.userId,
    alias: s.alias,
    prefix: TOKEN_PREFIX,
    realmIds: s.realmIds,
    allowNoRealm: s.allowNoRealm,
    permissions: s.permissions,
    expiresAt: ts(s.expiresAt),
    isEnabled: s.isEnabled,
    ipWhitelist: s.ipWhitelist,
    createdByTokenId: row.createdByTokenId ?? '',
    createdAt: ts(row.createdAt),
    updatedAt: ts(row.updatedAt),
    eventAccess: s.eventAccess,
    vaultAccess: s.vaultAccess,
    denyReauthorization: s.denyReauthorization,
    publicKey: s.publicKey,
  });
}

export function projectMessage(row: ProjectRow): auth.Project {
  return auth.Project.fromPartial({
    id: row.id,
    userId: row.userId,
    alias: row.alias,
    color: row.color ?? undefined,
    maxContainers: row.maxContainers ?? undefined,
    isDefault: row.isDefault,
    realmIds: row.realmIds,
    createdAt: ts(row.createdAt),
    updatedAt: ts(row.updatedAt),
  });
}

export function userMessage(row: UserRow): auth.User {
  return auth.User.fromPartial({
    id: row.id,
    username: row.username,
    isAdmin: row.isAdmin,
    defaultProjectId: row.defaultProjectId ?? '',
    createdAt: ts(row.createdAt),
  });
}

export function pageOf(request: common.PageRequest | undefined): Page {
  return {
    page: Math.max(1, request?.page || 1),
    limit: Math.min(100, Math.max(1, request?.limit || 20)),
    sortBy: request?.sortBy || 'created_at',
    sortOrder: request?.sortOrder === common.SortOrder.DESC ? 'desc' : 'asc',
  };
}

export function pageInfo(total: number, page: Page): common.PageInfo {
  return { total, page: page.page, limit: page.limit, totalPages: Math.max(1, Math.ceil(total / page.limit)) };
}
