import { scheduler } from '@hoody/contracts';
import { defineRoute, idSchema, paged, pagedSchema, pageQuerySchema, type Route } from '@hoody/http-api';
import { z } from 'zod';
import { as, type Backends } from '../backends';
import { prespawnTemplateResource, prespawnTemplateSchema, prespawnTemplateStatusResource, prespawnTemplateStatusSchema } from '../prespawn-resources';
import { environmentVars, MIN_CPU, MIN_MEMORY_GIB } from './container.routes';
import { pageRequest } from './paging';

const UINT32_MAX = 4_294_967_295;

const templateFields = {
  name: z.string().trim().min(1).max(100).describe('generated when absent'),
  container_image: z.string().min(1).max(255).describe('default: the base image'),
  hoody_kit: z.boolean(),
  dev_kit: z.boolean(),
  environment_vars: environmentVars,
  cpu: z
    .number()
    .min(0)
    .max(256)
    .refine((v) => v === 0 || v >= MIN_CPU, `must be 0 (no limit) or at least ${MIN_CPU}`)
    .describe(`CPU limit in cores, at least ${MIN_CPU}; 0: no limit`),
  memory: z
    .number()
    .min(0)
    .max(4096)
    .refine((v) => v === 0 || v >= MIN_MEMORY_GIB, `must be 0 (no limit) or at least ${MIN_MEMORY_GIB} (6 MiB)`)
    .describe(`memory limit in GiB, at least ${MIN_MEMORY_GIB}; 0: no limit`),
  server_ids: z.array(idSchema).min(1).max(100).describe('keep warm containers on these servers (or give pool_id)'),
  pool_id: idSchema.describe('keep warm containers on every server of this server pool (or give server_ids)'),
  min_ready: z.number().int().min(0).max(100).describe('warm containers kept ready on each server'),
  max_ready: z.number().int().min(0).max(100).describe('at most this many ready on each server (at least min_ready); default max(min_ready, 1)'),
  ttl: z.number().int().min(0).max(UINT32_MAX).describe('seconds a warm container waits for a claim before it is recycled; 0: never recycled'),
};

type Placement = { server_ids?: string[]; pool_id?: string; min_ready?: number; max_ready?: number };

/** Exactly one of server_ids and pool_id (at most one on an update); min_ready ≤ max_ready when both are given. */
const checked = (placementRequired: boolean) => (body: Placement, ctx: z.RefinementCtx) => {
  if (body.server_ids !== undefined && body.pool_id !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['pool_id'], message: 'give server_ids or pool_id, not both' });
  } else if (placementRequired && body.server_ids === undefined && body.pool_id === undefined) {
    ctx.addIssue({ code: 'custom', path: [], message: 'give server_ids (the servers to keep warm containers on) or pool_id (every server of a pool)' });
  }
  if (body.min_ready !== undefined && body.max_ready !== undefined && body.min_ready > body.max_ready) {
    ctx.addIssue({ code: 'custom', path: ['max_ready'], message: 'must be at least min_ready' });
  }
};

const createBody = z
  .strictObject({
    ...templateFields,
    hoody_kit: templateFields.hoody_kit.default(true),
    min_ready: templateFields.min_ready.default(1),
  })
  .partial({ name: true, container_image: true, dev_kit: true, environment_vars: true, cpu: true, memory: true, server_ids: true, pool_id: true, max_ready: true, ttl: true })
  .superRefine(checked(true));

const updateBody = z.strictObject(templateFields).partial().superRefine(checked(false));

const listQuery = pageQuerySchema(['id', 'name', 'created_at', 'updated_at'], { defaultSortBy: 'created_at' });

/**
 * Prespawn templates (ext): which warm containers the scheduler keeps ready, where and how many.
 * A template is its owner's alone (admins see their own); it carries no realm, so it is out of
 * sight where realm-less resources are (realm hosts, restricted tokens without allow_no_realm):
 * the scheduler answers 404 TEMPLATE_NOT_FOUND there, as for an unknown id. Never cached: the
 * pool figures change without a write through the gateway.
 */
export function prespawnRoutes({ prespawn }: Backends): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/prespawn/templates',
      operationId: 'listPrespawnTemplates',
      summary: "The caller's prespawn templates (ext)",
      tags: ['prespawn'],
      query: listQuery,
      response: { data: pagedSchema('templates', prespawnTemplateSchema), message: 'Prespawn templates retrieved' },
      auth: 'token',
      handler: async ({ query, principal }) => {
        const result = await prespawn.listTemplates({ page: pageRequest(query) }, as(principal));
        return paged(result.templates.map(prespawnTemplateResource), result.pagination?.total ?? 0, query.page, query.limit, 'templates');
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/prespawn/templates',
      operationId: 'createPrespawnTemplate',
      summary: 'Create a prespawn template: warm containers kept ready on servers, claimed by matching creates (ext)',
      tags: ['prespawn'],
      body: createBody,
      response: { status: 201, data: prespawnTemplateSchema, message: (t) => `Prespawn template ${t.name} created` },
      auth: 'token',
      handler: async ({ body, principal }) => {
        const created = await prespawn.createTemplate(
          scheduler.CreateTemplateRequest.fromPartial({
            name: body.name ?? '',
            containerImage: body.container_image ?? '',
            hoodyKit: body.hoody_kit,
            devKit: body.dev_kit ?? false,
            environmentVars: body.environment_vars ?? {},
            cpu: body.cpu ?? 0,
            memory: body.memory ?? 0,
            serverIds: body.server_ids ?? [],
            poolId: body.pool_id ?? '',
            minReady: body.min_ready,
            maxReady: body.max_ready,
            ttlSeconds: body.ttl ?? 0,
          }),
          as(principal),
        );
        return prespawnTemplateResource(created.template);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/prespawn/templates/:id',
      operationId: 'getPrespawnTemplate',
      summary: 'A prespawn template (ext)',
      tags: ['prespawn'],
      params: { id: idSchema },
      response: { data: prespawnTemplateSchema, message: 'Prespawn template retrieved' },
      auth: 'token',
      handler: async ({ params, principal }) => prespawnTemplateResource((await prespawn.getTemplate({ id: params.id }, as(principal))).template),
    }),
    defineRoute({
      method: ['PUT', 'PATCH'],
      path: '/prespawn/templates/:id',
      operationId: 'updatePrespawnTemplate',
      summary:
        'Change a prespawn template: only the fields given change; a change to what the warm containers run (image, kits, environment, limits) replaces them (ext)',
      tags: ['prespawn'],
      params: { id: idSchema },
      body: updateBody,
      response: { data: prespawnTemplateSchema, message: 'Prespawn template updated' },
      auth: 'token',
      handler: async ({ params, body, principal }) => {
        const updated = await prespawn.updateTemplate(
          scheduler.UpdateTemplateRequest.fromPartial({
            id: params.id,
            name: body.name,
            containerImage: body.container_image,
            hoodyKit: body.hoody_kit,
            devKit: body.dev_kit,
            environmentVars: body.environment_vars ? { values: body.environment_vars } : undefined,
            cpu: body.cpu,
            memory: body.memory,
            serverIds: body.server_ids ? { values: body.server_ids } : undefined,
            poolId: body.pool_id,
            minReady: body.min_ready,
            maxReady: body.max_ready,
            ttlSeconds: body.ttl,
          }),
          as(principal),
        );
        return prespawnTemplateResource(updated.template);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/prespawn/templates/:id',
      operationId: 'deletePrespawnTemplate',
      summary: "Delete a prespawn template and its unclaimed warm containers (a server's default template: set its prespawn_count to 0) (ext)",
      tags: ['prespawn'],
      params: { id: idSchema },
      response: { data: z.null(), message: 'Prespawn template deleted' },
      auth: 'token',
      handler: async ({ params, principal }) => {
        await prespawn.deleteTemplate({ id: params.id }, as(principal));
        return null;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/prespawn/templates/:id/pause',
      operationId: 'pausePrespawnTemplate',
      summary: 'Stop refilling the pools of a template; ready warm containers stay claimable (ext)',
      tags: ['prespawn'],
      params: { id: idSchema },
      response: { data: prespawnTemplateSchema, message: 'Prespawn template paused' },
      auth: 'token',
      handler: async ({ params, principal }) => prespawnTemplateResource((await prespawn.pauseTemplate({ id: params.id }, as(principal))).template),
    }),
    defineRoute({
      method: 'POST',
      path: '/prespawn/templates/:id/resume',
      operationId: 'resumePrespawnTemplate',
      summary: 'Refill the pools of a paused or degraded template again (ext)',
      tags: ['prespawn'],
      params: { id: idSchema },
      response: { data: prespawnTemplateSchema, message: 'Prespawn template resumed' },
      auth: 'token',
      handler: async ({ params, principal }) => prespawnTemplateResource((await prespawn.resumeTemplate({ id: params.id }, as(principal))).template),
    }),
    defineRoute({
      method: 'GET',
      path: '/prespawn/templates/:id/status',
      operationId: 'getPrespawnTemplateStatus',
      summary: "A template's pools: ready, warming, claimed, target, hit rate, claim latency, recent failures, per server (ext)",
      tags: ['prespawn'],
      params: { id: idSchema },
      response: { data: prespawnTemplateStatusSchema, message: 'Prespawn template status retrieved' },
      auth: 'token',
      handler: async ({ params, principal }) => prespawnTemplateStatusResource((await prespawn.getTemplateStatus({ id: params.id }, as(principal))).status),
    }),
  ];
}
