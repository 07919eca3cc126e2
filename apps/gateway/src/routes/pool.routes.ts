import { auth } from '@hoody/contracts';
import { defineRoute, idSchema, type Principal, type Route } from '@hoody/http-api';
import { z } from 'zod';
import { as, type Backends } from '../backends';
import { serverResource } from '../container-resources';
import {
  poolDetailResource,
  poolDetailSchema,
  poolInvitationResource,
  poolInvitationSchema,
  poolMemberResource,
  poolMemberSchema,
  poolResource,
  poolRoleValue,
  poolSchema,
} from '../pool-resources';

/** Limits per member, all optional; null (or absent on create) means no limit. Unknown keys → 400. */
const settingsBody = z
  .strictObject({
    max_containers_per_member: z.number().int().min(0).max(100_000).nullable(),
    max_cpu_per_member: z.number().positive().max(4096).nullable().describe('cores'),
    max_memory_per_member: z.number().positive().max(1_048_576).nullable().describe('GiB'),
  })
  .partial();

const poolFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).nullable(),
  settings: settingsBody,
};

const memberRole = z.enum(['admin', 'user']);

/**
 * Server pools: the pool itself, its members and invitations are the auth service's (PoolService);
 * which servers are in it is the scheduler's (a server's `pool_id`), so pool answers are put
 * together here. A pool is visible to its owner and accepted members only; to anyone else it is a
 * 404 POOL_NOT_FOUND, exactly as an unknown id. PUT and PATCH both change only what the body names,
 * and in `settings` only the limits it names (null removes a limit).
 */
export function poolRoutes({ pools, servers }: Backends): Route[] {
  const serversOf = async (poolId: string, principal: Principal | undefined) =>
    (await servers.listServers({ page: { page: 1, limit: 100, sortBy: 'created_at', sortOrder: 1 }, poolId, realmId: '' }, as(principal))).servers;
  const withServerCount = async (pool: auth.Pool | undefined, principal: Principal | undefined) => {
    const resource = poolResource(pool);
    return { ...resource, server_count: (await serversOf(resource.id, principal)).length };
  };
  const detail = async (id: string, principal: Principal | undefined) => {
    const [pool, inPool] = await Promise.all([pools.getPool({ id }, as(principal)), serversOf(id, principal)]);
    return { ...poolDetailResource(pool), servers: inPool.map(serverResource), server_count: inPool.length };
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/pools',
      operationId: 'listPools',
      summary: 'The pools the caller owns or has joined',
      tags: ['pools'],
      response: { data: z.array(poolSchema), message: 'Pools retrieved' },
      auth: 'token',
      handler: async ({ principal }) => Promise.all((await pools.listPools({}, as(principal))).pools.map((p) => withServerCount(p, principal))),
    }),
    defineRoute({
      method: 'POST',
      path: '/pools',
      operationId: 'createPool',
      summary: 'Create a server pool (the caller owns it)',
      tags: ['pools'],
      body: z.strictObject(poolFields).partial().required({ name: true }),
      response: { status: 201, data: poolSchema, message: (p) => `Pool ${p.name} created` },
      auth: 'token',
      handler: async ({ body, principal }) => {
        const s = body.settings;
        const created = await pools.createPool(
          {
            name: body.name,
            description: body.description ?? undefined,
            settings: {
              maxContainersPerMember: s?.max_containers_per_member ?? undefined,
              maxCpuPerMember: s?.max_cpu_per_member ?? undefined,
              maxMemoryPerMember: s?.max_memory_per_member ?? undefined,
            },
          },
          as(principal),
        );
        return withServerCount(created.pool, principal);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/pools/invitations/pending',
      operationId: 'listPendingPoolInvitations',
      summary: "The caller's pending pool invitations",
      tags: ['pools'],
      response: { data: z.array(poolInvitationSchema), message: 'Pending invitations retrieved' },
      auth: 'token',
      handler: async ({ principal }) => (await pools.listPendingInvitations({}, as(principal))).invitations.map(poolInvitationResource),
    }),
    defineRoute({
      method: 'GET',
      path: '/pools/:id',
      operationId: 'getPool',
      summary: 'A pool, with its members and servers',
      tags: ['pools'],
      params: { id: idSchema },
      response: { data: poolDetailSchema, message: 'Pool retrieved' },
      auth: 'token',
      handler: async ({ params, principal }) => detail(params.id, principal),
    }),
    defineRoute({
      method: ['PUT', 'PATCH'],
      path: '/pools/:id',
      operationId: 'updatePool',
      summary: "Change a pool's description and limits (owner)",
      tags: ['pools'],
      params: { id: idSchema },
      body: z.strictObject({ description: poolFields.description, settings: poolFields.settings }).partial(),
      response: { data: poolSchema, message: 'Pool updated' },
      auth: 'token',
      handler: async ({ params, body, principal }) => {
        const s = body.settings;
        const updated = await pools.updatePool(
          auth.UpdatePoolRequest.fromPartial({
            id: params.id,
            description: body.description ?? undefined,
            clearDescription: body.description === null,
            settings: s && {
              maxContainersPerMember: s.max_containers_per_member ?? undefined,
              clearMaxContainersPerMember: s.max_containers_per_member === null,
              maxCpuPerMember: s.max_cpu_per_member ?? undefined,
              clearMaxCpuPerMember: s.max_cpu_per_member === null,
              maxMemoryPerMember: s.max_memory_per_member ?? undefined,
              clearMaxMemoryPerMember: s.max_memory_per_member === null,
            },
          }),
          as(principal),
        );
        return withServerCount(updated.pool, principal);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/pools/:id',
      operationId: 'deletePool',
      summary: 'Delete a pool (owner)',
      tags: ['pools'],
      params: { id: idSchema },
      response: { data: z.null(), message: 'Pool deleted' },
      auth: 'token',
      handler: async ({ params, principal }) => {
        await pools.deletePool({ id: params.id }, as(principal));
        return null;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/pools/:id/members',
      operationId: 'invitePoolMember',
      summary: 'Invite a user by username (owner; admins invite users only); nothing is granted until accepted',
      tags: ['pools'],
      params: { id: idSchema },
      body: z.strictObject({ username: z.string().trim().min(1).max(63), role: memberRole.default('user') }),
      response: { status: 201, data: poolMemberSchema, message: (m) => `${m.username} invited` },
      auth: 'token',
      handler: async ({ params, body, principal }) => {
        const invited = await pools.inviteMember({ poolId: params.id, username: body.username, role: poolRoleValue[body.role] }, as(principal));
        return poolMemberResource(invited.member);
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/pools/:id/members/:userId',
      operationId: 'updatePoolMemberRole',
      summary: "Change a member's role (owner)",
      tags: ['pools'],
      params: { id: idSchema, userId: idSchema },
      body: z.strictObject({ role: memberRole }),
      response: { data: poolMemberSchema, message: 'Member role updated' },
      auth: 'token',
      handler: async ({ params, body, principal }) => {
        const changed = await pools.updateMemberRole({ poolId: params.id, userId: params.userId, role: poolRoleValue[body.role] }, as(principal));
        return poolMemberResource(changed.member);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/pools/:id/members/:userId',
      operationId: 'removePoolMember',
      summary: 'Remove a member or withdraw an invitation (owner, admin; a member may remove itself)',
      tags: ['pools'],
      params: { id: idSchema, userId: idSchema },
      response: { data: z.null(), message: 'Member removed' },
      auth: 'token',
      handler: async ({ params, principal }) => {
        await pools.removeMember({ poolId: params.id, userId: params.userId }, as(principal));
        return null;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/pools/:id/accept',
      operationId: 'acceptPoolInvitation',
      summary: 'Accept a pending invitation to a pool (the invitee)',
      tags: ['pools'],
      params: { id: idSchema },
      response: { data: poolSchema, message: 'Invitation accepted' },
      auth: 'token',
      handler: async ({ params, principal }) => withServerCount((await pools.acceptInvitation({ id: params.id }, as(principal))).pool, principal),
    }),
    defineRoute({
      method: 'POST',
      path: '/pools/:id/reject',
      operationId: 'rejectPoolInvitation',
      summary: 'Reject a pending invitation to a pool (the invitee)',
      tags: ['pools'],
      params: { id: idSchema },
      response: { data: z.null(), message: 'Invitation rejected' },
      auth: 'token',
      handler: async ({ params, principal }) => {
        await pools.rejectInvitation({ id: params.id }, as(principal));
        return null;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/pools/:id/servers',
      operationId: 'addPoolServer',
      summary: 'Put a server you own into a pool you own or administer (ext)',
      tags: ['pools'],
      params: { id: idSchema },
      body: z.strictObject({ server_id: idSchema }),
      response: { data: poolDetailSchema, message: 'Server added to the pool' },
      auth: 'token',
      handler: async ({ params, body, principal }) => {
        await servers.setServerPool({ serverId: body.server_id, poolId: params.id, expectedPoolId: '' }, as(principal));
        return detail(params.id, principal);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/pools/:id/servers/:serverId',
      operationId: 'removePoolServer',
      summary: 'Take a server you own out of a pool you own or administer (ext)',
      tags: ['pools'],
      params: { id: idSchema, serverId: idSchema },
      response: { data: poolDetailSchema, message: 'Server removed from the pool' },
      auth: 'token',
      handler: async ({ params, principal }) => {
        await servers.setServerPool({ serverId: params.serverId, poolId: '', expectedPoolId: params.id }, as(principal));
        return detail(params.id, principal);
      },
    }),
  ];
}
