import { auth, dateFromTimestamp, type Timestamp } from '@hoody/contracts';
import { idSchema } from '@hoody/http-api';
import { z } from 'zod';
import { serverSchema } from './container-resources';

/** Server pools as REST shows them (the auth service's PoolService, in snake_case). */

const iso = (t: Timestamp | undefined) => (t ? dateFromTimestamp(t).toISOString() : null);

const ROLE_NAMES: Partial<Record<auth.PoolRole, 'owner' | 'admin' | 'user'>> = {
  [auth.PoolRole.OWNER]: 'owner',
  [auth.PoolRole.ADMIN]: 'admin',
  [auth.PoolRole.USER]: 'user',
};

/** REST role of a member (admin or user) → proto. */
export const poolRoleValue = { admin: auth.PoolRole.ADMIN, user: auth.PoolRole.USER } as const;

/** Limits per member; null: no limit. cpu in cores, memory in GiB. */
export const poolSettingsSchema = z
  .strictObject({
    max_containers_per_member: z.number().int().nullable(),
    max_cpu_per_member: z.number().nullable(),
    max_memory_per_member: z.number().nullable(),
  })
  .meta({ id: 'PoolSettings' });

export const poolSchema = z
  .strictObject({
    id: idSchema,
    name: z.string(),
    description: z.string().nullable(),
    owner_id: idSchema,
    settings: poolSettingsSchema,
    /** The caller's role in the pool. */
    user_role: z.enum(['owner', 'admin', 'user']).nullable(),
    /** The owner and the accepted members. */
    member_count: z.number().int(),
    server_count: z.number().int(),
    created_at: z.string(),
  })
  .meta({ id: 'Pool' });

export const poolMemberSchema = z
  .strictObject({
    user_id: idSchema,
    username: z.string(),
    role: z.enum(['owner', 'admin', 'user']),
    /** pending: invited, not yet accepted (no access). */
    status: z.enum(['active', 'pending']),
  })
  .meta({ id: 'PoolMember' });

export const poolDetailSchema = poolSchema.extend({ members: z.array(poolMemberSchema), servers: z.array(serverSchema) }).meta({ id: 'PoolDetail' });

export const poolInvitationSchema = z
  .strictObject({
    pool_id: idSchema,
    pool_name: z.string(),
    description: z.string().nullable(),
    owner_id: idSchema,
    owner_username: z.string(),
    /** The role the invitee gets on accepting. */
    role: z.enum(['admin', 'user']),
    invited_by: idSchema,
    invited_by_username: z.string(),
    invited_at: z.string().nullable(),
  })
  .meta({ id: 'PoolInvitation' });

export function poolSettingsResource(s: auth.PoolSettings | undefined): z.infer<typeof poolSettingsSchema> {
  return {
    max_containers_per_member: s?.maxContainersPerMember ?? null,
    max_cpu_per_member: s?.maxCpuPerMember ?? null,
    max_memory_per_member: s?.maxMemoryPerMember ?? null,
  };
}

export function poolResource(p: auth.Pool | undefined): z.infer<typeof poolSchema> {
  if (!p) throw new Error('the auth service answered without a pool');
  return {
    id: p.id,
    name: p.name,
    description: p.description ?? null,
    owner_id: p.ownerId,
    settings: poolSettingsResource(p.settings),
    user_role: ROLE_NAMES[p.userRole] ?? null,
    member_count: p.memberCount,
    // 0 from the auth service: the scheduler knows the pool's servers (the gateway may fill it in)
    server_count: p.serverCount,
    created_at: iso(p.createdAt) ?? '',
  };
}

export function poolMemberResource(m: auth.PoolMember | undefined): z.infer<typeof poolMemberSchema> {
  if (!m) throw new Error('the auth service answered without a member');
  return {
    user_id: m.userId,
    username: m.username,
    role: ROLE_NAMES[m.role] ?? 'user',
    status: m.status === auth.PoolMemberStatus.PENDING ? 'pending' : 'active',
  };
}

/** GET /pools/{id}: the pool with its members. `servers` is left empty here for the caller to fill. */
export function poolDetailResource(r: auth.GetPoolResponse): z.infer<typeof poolDetailSchema> {
  return { ...poolResource(r.pool), members: r.members.map(poolMemberResource), servers: [] };
}

export function poolInvitationResource(i: auth.PoolInvitation): z.infer<typeof poolInvitationSchema> {
  return {
    pool_id: i.poolId,
    pool_name: i.poolName,
    description: i.description ?? null,
    owner_id: i.ownerId,
    owner_username: i.ownerUsername,
    role: i.role === auth.PoolRole.ADMIN ? 'admin' : 'user',
    invited_by: i.invitedBy,
    invited_by_username: i.invitedByUsername,
    invited_at: iso(i.invitedAt),
  };
}
