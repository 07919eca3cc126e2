import { dateFromTimestamp, scheduler, type Timestamp } from '@hoody/contracts';
import { idSchema } from '@hoody/http-api';
import { z } from 'zod';

/** Prespawn templates (ext) as REST shows them (the scheduler's PrespawnService, in snake_case). */

const iso = (t: Timestamp | undefined) => (t ? dateFromTimestamp(t).toISOString() : null);

export const TEMPLATE_STATES = ['active', 'paused', 'degraded'] as const;
const stateNames: Partial<Record<scheduler.TemplateState, (typeof TEMPLATE_STATES)[number]>> = {
  [scheduler.TemplateState.ACTIVE]: 'active',
  [scheduler.TemplateState.PAUSED]: 'paused',
  [scheduler.TemplateState.DEGRADED]: 'degraded',
};
export const templateStateName = (s: scheduler.TemplateState) => stateNames[s] ?? 'active';

const POOL_LIMITS = ['server_capacity', 'member_limits'] as const;
/** A pool's `limited_by` (an empty string in gRPC: none). */
const poolLimit = (limitedBy: string) => POOL_LIMITS.find((l) => l === limitedBy) ?? null;

export const prespawnTemplateSchema = z
  .strictObject({
    id: idSchema,
    owner_id: idSchema,
    name: z.string(),
    container_image: z.string(),
    hoody_kit: z.boolean(),
    dev_kit: z.boolean(),
    environment_vars: z.record(z.string(), z.string()),
    cpu: z.number().nullable().describe('CPU limit in cores; null: no limit'),
    memory: z.number().nullable().describe('memory limit in GiB; null: no limit'),
    server_ids: z.array(idSchema).describe('the servers its pools are on (empty when pool_id is set)'),
    pool_id: idSchema.nullable().describe('every server of this server pool (null when server_ids is set)'),
    min_ready: z.number().int(),
    max_ready: z.number().int(),
    ttl: z.number().int().describe('seconds a warm container waits for a claim before it is recycled; 0: never recycled'),
    state: z.enum(TEMPLATE_STATES),
    degraded_reason: z.string().nullable(),
    default_for_server_id: idSchema.nullable().describe("set for a server's default template (its prespawn_count)"),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'PrespawnTemplate' });

export function prespawnTemplateResource(t: scheduler.Template | undefined): z.infer<typeof prespawnTemplateSchema> {
  if (!t) throw new Error('the scheduler answered without a template');
  return {
    id: t.id,
    owner_id: t.ownerId,
    name: t.name,
    container_image: t.containerImage,
    hoody_kit: t.hoodyKit,
    dev_kit: t.devKit,
    environment_vars: t.environmentVars ?? {},
    cpu: t.cpu || null,
    memory: t.memory || null,
    server_ids: t.serverIds,
    pool_id: t.poolId || null,
    min_ready: t.minReady,
    max_ready: t.maxReady,
    ttl: t.ttlSeconds,
    state: templateStateName(t.state),
    degraded_reason: t.degradedReason || null,
    default_for_server_id: t.defaultForServerId || null,
    created_at: iso(t.createdAt) ?? '',
    updated_at: iso(t.updatedAt) ?? '',
  };
}

export const prespawnTemplateStatusSchema = z
  .strictObject({
    template_id: idSchema,
    state: z.enum(TEMPLATE_STATES),
    degraded_reason: z.string().nullable(),
    ready: z.number().int().describe('warm containers ready to be claimed'),
    warming: z.number().int().describe('warm containers being created'),
    claimed: z.number().int().describe('containers claimed from this template (all time)'),
    target: z.number().int().describe('what the pool manager keeps ready now, over all servers'),
    hits: z.number().int().describe('matching creates served warm since the scheduler started'),
    misses: z.number().int().describe('matching creates served cold (none was ready) since the scheduler started'),
    hit_rate: z.number().describe('hits / (hits + misses); 0 without any'),
    claim_latency_ms: z.strictObject({ p50: z.number(), p99: z.number() }).describe('over the last 1000 claims; 0 without any'),
    recent_failures: z.array(z.strictObject({ server_id: idSchema, reason: z.string(), at: z.string().nullable() })).describe('failed warmings, most recent first'),
    servers: z.array(
      z.strictObject({
        server_id: idSchema,
        ready: z.number().int(),
        warming: z.number().int(),
        target: z.number().int(),
        limited_by: z
          .enum(POOL_LIMITS)
          .nullable()
          .describe("why the target is below what demand asks for: the server's places, shared fairly among its pools, or the template owner's limits on a server pool"),
      }),
    ),
  })
  .meta({ id: 'PrespawnTemplateStatus' });

export function prespawnTemplateStatusResource(s: scheduler.TemplateStatus | undefined): z.infer<typeof prespawnTemplateStatusSchema> {
  if (!s) throw new Error('the scheduler answered without a template status');
  return {
    template_id: s.templateId,
    state: templateStateName(s.state),
    degraded_reason: s.degradedReason || null,
    ready: s.ready,
    warming: s.warming,
    claimed: s.claimed,
    target: s.target,
    hits: s.hits,
    misses: s.misses,
    hit_rate: s.hitRate,
    claim_latency_ms: { p50: s.claimLatencyP50Ms, p99: s.claimLatencyP99Ms },
    recent_failures: s.recentFailures.map((f) => ({ server_id: f.serverId, reason: f.reason, at: iso(f.at) })),
    servers: s.servers.map((p) => ({ server_id: p.serverId, ready: p.ready, warming: p.warming, target: p.target, limited_by: poolLimit(p.limitedBy) })),
  };
}
