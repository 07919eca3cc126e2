import { auth, common, timestampFromDate, type Timestamp } from '@hoody/contracts';
import type { PoolRole, PoolSettings } from '@hoody/auth-domain';
import type { Page, PoolInvitationRow, PoolMemberRow, PoolRow, ProjectRow, TokenRow, UserRow } from '../read-model/auth-queries';

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

const POOL_ROLES = { owner: auth.PoolRole.OWNER, admin: auth.PoolRole.ADMIN, user: auth.PoolRole.USER } as const;

export const poolRoleMessage = (role: 'owner' | PoolRole): auth.PoolRole => POOL_ROLES[role];

/** A role that may be given to a member (admin or user); undefined for any other. */
export function poolRoleOf(role: auth.PoolRole): PoolRole | undefined {
  return role === auth.PoolRole.ADMIN ? 'admin' : role === auth.PoolRole.USER ? 'user' : undefined;
}

export function poolSettingsMessage(s: PoolSettings): auth.PoolSettings {
  return {
    maxContainersPerMember: s.maxContainersPerMember ?? undefined,
    maxCpuPerMember: s.maxCpuPerMember ?? undefined,
    maxMemoryPerMember: s.maxMemoryPerMember ?? undefined,
  };
}

export function poolMessage(row: PoolRow): auth.Pool {
  return auth.Pool.fromPartial({
    id: row.id,
    name: row.name,
    description: row.description ?? undefined,
    ownerId: row.ownerId,
    settings: poolSettingsMessage(row.settings),
    userRole: poolRoleMessage(row.userRole),
    memberCount: row.memberCount,
    serverCount: 0,
    createdAt: ts(row.createdAt),
  });
}

export function poolMemberMessage(row: PoolMemberRow): auth.PoolMember {
  return auth.PoolMember.fromPartial({
    userId: row.userId,
    username: row.username,
    role: poolRoleMessage(row.role),
    status: row.status === 'active' ? auth.PoolMemberStatus.ACTIVE : auth.PoolMemberStatus.PENDING,
    invitedBy: row.invitedBy ?? '',
    invitedAt: ts(row.invitedAt),
  });
}

export function poolInvitationMessage(row: PoolInvitationRow): auth.PoolInvitation {
  return auth.PoolInvitation.fromPartial({
    poolId: row.poolId,
    poolName: row.poolName,
    description: row.description ?? undefined,
    ownerId: row.ownerId,
    ownerUsername: row.ownerUsername,
    role: poolRoleMessage(row.role),
    invitedBy: row.invitedBy,
    invitedByUsername: row.invitedByUsername,
    invitedAt: ts(row.invitedAt),
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
