import { timestampFromDate } from '@hoody/contracts';
import { defineRoute, idSchema, type Route } from '@hoody/http-api';
import { z } from 'zod';
import { as, type Backends } from '../backends';
import { serverResource, serverSchema } from '../container-resources';

export function serverRoutes({ servers, prespawn }: Backends): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/servers',
      operationId: 'listServers',
      summary: 'Servers the caller may place containers on',
      tags: ['servers'],
      response: { data: z.array(serverSchema), message: 'Servers retrieved' },
      auth: 'token',
      handler: async ({ principal }) => {
        const list = await servers.listServers({ page: { page: 1, limit: 100, sortBy: 'created_at', sortOrder: 1 }, poolId: '', realmId: '' }, as(principal));
        return list.servers.map(serverResource);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/servers/:id',
      operationId: 'getServer',
      summary: 'A server',
      tags: ['servers'],
      params: { id: idSchema },
      response: { data: serverSchema, message: 'Server retrieved' },
      auth: 'token',
      handler: async ({ params, principal }) => serverResource((await servers.getServer({ id: params.id }, as(principal))).server),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/servers/:id',
      operationId: 'updateServer',
      summary: "Set a server's prespawn_count: the size of its default prespawn template (base image, Hoody Kit on, no limits), claimable by everyone who may place containers on it; 0 empties it (owner or admin) (ext)",
      tags: ['servers', 'prespawn'],
      params: { id: idSchema },
      body: z.strictObject({ prespawn_count: z.number().int().min(0).max(100).describe('warm containers to keep ready on the server') }),
      response: { data: serverSchema, message: 'Server updated' },
      auth: 'token',
      handler: async ({ params, body, principal }) =>
        serverResource((await prespawn.setServerPrespawnCount({ serverId: params.id, prespawnCount: body.prespawn_count }, as(principal))).server),
    }),
    defineRoute({
      method: 'POST',
      path: '/servers/join-tokens',
      operationId: 'createJoinToken',
      summary: 'A join token: an agent started with it registers its server',
      tags: ['servers'],
      body: z.strictObject({ name: z.string().max(63).optional(), pool_id: idSchema.optional(), expires_at: z.iso.datetime().optional() }),
      response: { status: 201, data: z.strictObject({ join_token: z.string(), expires_at: z.string().nullable() }), message: 'Join token created' },
      auth: 'admin',
      handler: async ({ body, principal }) => {
        const r = await servers.createJoinToken(
          { name: body.name ?? '', poolId: body.pool_id ?? '', expiresAt: body.expires_at ? timestampFromDate(new Date(body.expires_at)) : undefined },
          as(principal),
        );
        return { join_token: r.joinToken, expires_at: r.expiresAt ? new Date(r.expiresAt.seconds * 1000).toISOString() : null };
      },
    }),
  ];
}
