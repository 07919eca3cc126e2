/**
 * The gateway: the REST API (/api/v1, the hosted contract) and its OpenAPI document, stateless,
 * mapping every route to a gRPC call on the service that owns it.
 */
import 'reflect-metadata';
import { ResponseCache } from '@hoody/http-api';
import { connectNats, drainNats, watchReadModelChanges } from '@hoody/messaging';
import type { NatsConnection } from '@nats-io/transport-node';
import { bootstrapService, loadConfigOrExit } from '@hoody/service-kit';
import { connectBackends } from './backends';
import { gatewayConfigSchema } from './config';
import { GatewayModule } from './gateway.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit(gatewayConfigSchema);
  const backends = connectBackends(config);
  const cache = new ResponseCache({ ttlMs: config.HOODY_GATEWAY_CACHE_TTL_MS });
  const notices = followChangeNotices(config.NATS_URL, cache);
  const service = await bootstrapService({ name: 'gateway', module: GatewayModule.with(config, backends, cache), config });
  console.log(`gateway: REST API on ${service.httpUrl}/api/v1`);
  const shutdown = async () => {
    await service.close();
    await notices.close();
    for (const client of Object.values(backends)) client.$close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

/**
 * Reads of the services' read models are answered from the cache until a change notice says they
 * moved (or a write passes through here): one gRPC call per read costs more CPU than the rest of
 * the request. Notices come over NATS; until it answers, or while it is lost, nothing is served
 * from the cache, and the API works without it.
 */
function followChangeNotices(servers: string, cache: ResponseCache): { close(): Promise<void> } {
  cache.disable();
  let connection: NatsConnection | undefined;
  connectNats({ servers, name: 'gateway', waitForServer: true })
    .then(async (nc) => {
      connection = nc;
      watchReadModelChanges(nc, { changed: () => cache.invalidate(), lost: () => cache.disable(), restored: () => cache.enable() });
      await nc.flush();
      cache.enable();
    })
    .catch((error: Error) => console.error(`gateway: change notices unavailable, answers are not cached: ${error.message}`));
  return { close: async () => connection && drainNats(connection) };
}

main().catch((error) => {
  console.error(`gateway: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
