/**
 * The auth service: users, tokens, projects, server pools (streams user-*, token-*, project-*,
 * pool-*). gRPC: hoody.auth.v1 TokenService, ProjectService, UserService, PoolService. HTTP:
 * /health, /metrics.
 */
import 'reflect-metadata';
import { openEventStore } from '@hoody/event-store';
import { openReadModelDatabase, ProjectionRunner } from '@hoody/eventsourcing';
import { bootstrapService, loadConfigOrExit } from '@hoody/service-kit';
import { createHash, randomBytes } from 'node:crypto';
import { ensureAdmin } from './admin-bootstrap';
import { AuthModule } from './auth.module';
import { AuthCommands } from './commands/auth-commands';
import { authConfigSchema as configSchema } from './config';
import { TOKEN_PREFIX } from './grpc/mapping';
import { authProjection } from './read-model/auth-projection';
import { AuthQueries } from './read-model/auth-queries';

async function lastPosition(store: ReturnType<typeof openEventStore>): Promise<number> {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
  return 0;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema);
  const store = openEventStore({ eventStoreUrl: config.EVENTSTORE_URL, home: config.HOODY_HOME, durability: config.HOODY_STORE_DURABILITY });
  const db = openReadModelDatabase(config.HOODY_HOME, 'auth');
  const readModel = new ProjectionRunner(store, db, authProjection);
  readModel.start();
  await readModel.waitFor(await lastPosition(store), 60_000);

  const queries = new AuthQueries(db);
  const commands = new AuthCommands(store, readModel, {
    now: () => new Date(),
    newId: () => randomBytes(12).toString('hex'),
    newSecret: () => {
      const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      return { secret, hash: createHash('sha256').update(secret).digest('hex') };
    },
  });
  const admin = await ensureAdmin(config.HOODY_HOME, commands, queries);
  const service = await bootstrapService({ name: 'auth', module: AuthModule.with(commands, queries), grpc: { package: 'hoody.auth.v1' }, config, auditStore: store });
  service.health.register('read-model', () => ({ ok: true, detail: `at position ${readModel.checkpoint}` }));
  console.log(`auth: gRPC ${service.grpcUrl}, HTTP ${service.httpUrl}; admin ${admin.username} (${admin.userId})`);

  const shutdown = async () => {
    await service.close();
    await readModel.stop();
    await store.close();
    db.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((error) => {
  console.error(`auth: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
