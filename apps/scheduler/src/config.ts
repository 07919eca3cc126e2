import { baseConfigSchema, envBoolean, envInt, envPort } from '@hoody/service-kit';
import type { z } from 'zod';

export const schedulerConfigSchema = baseConfigSchema.extend({
  HOODY_GRPC_PORT: envPort().default(7421),
  HOODY_HTTP_PORT: envPort().default(7422),
  /** The agents' heartbeat period (their HOODY_HEARTBEAT_MS); a server is offline after 3 missed. */
  HOODY_SCHEDULER_HEARTBEAT_MS: envInt(100, 3_600_000).default(5_000),
  /** How often every online server's engine is compared with the store (also at start). */
  HOODY_SCHEDULER_RECONCILE_MS: envInt(100, 86_400_000).default(30_000),
  /** How long a create waits for the agent before answering `creating` and finishing in the background. */
  HOODY_SCHEDULER_PROVISION_WAIT_MS: envInt(0, 600_000).default(10_000),
  /**
   * Register servers whose agents heartbeat on NATS without a join token (owned by the first admin).
   * For a single machine (`npm start`) and tests only: anyone who can publish on NATS can join.
   */
  HOODY_SCHEDULER_TRUST_LOCAL_AGENTS: envBoolean().default(false),
  /** How often the prespawn pool manager looks at every pool (a claim makes it look at once too). */
  HOODY_PRESPAWN_TICK_MS: envInt(50, 60_000).default(250),
  /** Warm containers being created at once, per server. */
  HOODY_PRESPAWN_CONCURRENCY: envInt(1, 64).default(3),
  /** Warmings that fail in a row before a template is marked degraded. */
  HOODY_PRESPAWN_DEGRADE_AFTER: envInt(1, 100).default(3),
  /** First back-off after a failed warming, doubled per failure in a row (up to 60 s). */
  HOODY_PRESPAWN_BACKOFF_MS: envInt(10, 60_000).default(1_000),
  /** Lifetime of a join token when the request sets none. */
  HOODY_SCHEDULER_JOIN_TOKEN_TTL_S: envInt(60, 31_536_000).default(86_400),
});

export type SchedulerConfig = z.output<typeof schedulerConfigSchema>;
