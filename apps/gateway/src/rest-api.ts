import { buildOpenApi, registerRoutes, type ResponseCache, type Route } from '@hoody/http-api';
import type { FastifyInstance } from 'fastify';
import { tokenAuthenticator } from './authenticate';
import { as, type Backends } from './backends';
import type { GatewayConfig } from './config';
import { containerRoutes } from './routes/container.routes';
import { eventRoutes } from './routes/event.routes';
import { healthRoutes } from './routes/health.routes';
import { poolRoutes } from './routes/pool.routes';
import { prespawnRoutes } from './routes/prespawn.routes';
import { projectRoutes } from './routes/project.routes';
import { realmRoutes } from './routes/realm.routes';
import { serverRoutes } from './routes/server.routes';
import { tokenRoutes } from './routes/token.routes';
import { userRoutes } from './routes/user.routes';

export function allRoutes(config: GatewayConfig, backends: Backends): Route[] {
  return [
    ...healthRoutes({
      auth: config.HOODY_AUTH_HEALTH_URL,
      scheduler: config.HOODY_SCHEDULER_HEALTH_URL,
      history: config.HOODY_HISTORY_HEALTH_URL,
      'event-relay': config.HOODY_RELAY_HEALTH_URL,
    }),
    ...tokenRoutes(backends),
    ...userRoutes(backends),
    ...projectRoutes(backends),
    ...realmRoutes(backends),
    ...poolRoutes(backends),
    ...eventRoutes(backends.history),
    ...serverRoutes(backends),
    ...containerRoutes(backends),
    ...prespawnRoutes(backends),
  ];
}

/** Puts every route of /api/v1 and the OpenAPI document on the gateway's Fastify instance. */
export async function mountRestApi(fastify: FastifyInstance, config: GatewayConfig, backends: Backends, responseCache: ResponseCache): Promise<void> {
  const routes = allRoutes(config, backends);
  await registerRoutes(fastify, routes, {
    authenticate: tokenAuthenticator(backends),
    apiDomain: config.HOODY_API_DOMAIN,
    responseCache,
    // what the gateway refuses itself goes to the audit trail too (services record their own)
    onRefused: (refusal, principal) =>
      void backends.audit
        .recordRefusal({ operation: refusal.operation, code: refusal.code, message: refusal.message, resourceId: refusal.resourceId ?? '' }, as(principal))
        .catch(() => undefined),
    openApiDocument: buildOpenApi(routes, { title: 'Hoody API', version: '1.0.0', description: 'Self-hosted Hoody: containers, projects, tokens.' }),
  });
}
