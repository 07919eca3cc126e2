import { baseConfigSchema, envInt, envPort, envUrl } from '@hoody/service-kit';
import { z } from 'zod';

export const gatewayConfigSchema = baseConfigSchema.extend({
  HOODY_GRPC_PORT: envPort().default(0), // the gateway serves no gRPC
  HOODY_HTTP_PORT: envPort().default(8080),
  /** Realm hosts are `<realmId>.<this domain>`. */
  HOODY_API_DOMAIN: z.string().trim().min(1).default('api.localhost'),
  /** host:port of the auth service's gRPC. */
  HOODY_AUTH_GRPC: z.string().trim().default('127.0.0.1:7411'),
  HOODY_AUTH_HEALTH_URL: envUrl({ schemes: ['http', 'https'], what: 'an http URL' }).default('http://127.0.0.1:7412/health'),
  HOODY_SCHEDULER_GRPC: z.string().trim().default('127.0.0.1:7421'),
  HOODY_SCHEDULER_HEALTH_URL: envUrl({ schemes: ['http', 'https'], what: 'an http URL' }).default('http://127.0.0.1:7422/health'),
  /**
   * Read answers are reused until the read model behind them announces a change; this bounds how
   * long one may be reused should a notice be lost. 0 turns the cache off.
   */
  HOODY_GATEWAY_CACHE_TTL_MS: envInt(0, 3_600_000).default(1000),
  HOODY_HISTORY_GRPC: z.string().trim().default('127.0.0.1:7431'),
  HOODY_HISTORY_HEALTH_URL: envUrl({ schemes: ['http', 'https'], what: 'an http URL' }).default('http://127.0.0.1:7432/health'),
  HOODY_RELAY_HEALTH_URL: envUrl({ schemes: ['http', 'https'], what: 'an http URL' }).default('http://127.0.0.1:7409/health'),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
