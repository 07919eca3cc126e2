/**
 * The history service: the events history (REST GET /events). Owns nothing in the store: it
 * follows every stream into its read model (`read-models/history.db` under HOODY_HOME), rebuilt
 * from the store at will. gRPC: hoody.history.v1 HistoryService. HTTP: /health, /metrics.
 */
import 'reflect-metadata';
import { openEventStore } from '@hoody/event-store';
import { openReadModelDatabase, ProjectionRunner } from '@hoody/eventsourcing';
import { bootstrapService, loadConfigOrExit } from '@hoody/service-kit';
import { historyConfigSchema } from './config';
import { HistoryModule } from './history.module';
import { historyProjection } from './read-model/history-projection';
import { HistoryQueries } from './read-model/history-queries';

async function lastPosition(store: ReturnType<typeof openEventStore>): Promise<number> {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
  return 0;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit(historyConfigSchema);
  const log = (line: string) => console.log(line);
  const store = openEventStore({ eventStoreUrl: config.EVENTSTORE_URL, home: config.HOODY_HOME, durability: config.HOODY_STORE_DURABILITY });
  const db = openReadModelDatabase(config.HOODY_HOME, 'history');
  const readModel = new ProjectionRunner(store, db, historyProjection, {
    onError: (e) => log(`history: read model: ${(e as Error).message}`),
  });
  readModel.start();
  // A first start folds the whole store: however long that takes, answers wait for it (totals
  // would be wrong before). Progress is logged; a failing event is retried by the runner.
  const target = await lastPosition(store);
  for (;;) {
    try {
      await readModel.waitFor(target, 30_000);
      break;
    } catch (error) {
      log(`history: catching up, at ${readModel.checkpoint} of ${target} (${(error as Error).message})`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  const service = await bootstrapService({ name: 'history', module: HistoryModule.with(new HistoryQueries(db)), grpc: { package: 'hoody.history.v1' }, config });
  service.health.register('read-model', () => ({ ok: readModel.failure === undefined, detail: `at position ${readModel.checkpoint}` }));
  console.log(`history: gRPC ${service.grpcUrl}, HTTP ${service.httpUrl}; read model at ${readModel.checkpoint}`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await service.close();
      await readModel.stop();
      await store.close();
      db.close();
      process.exit(0);
    } catch (error) {
      console.error(`history: unclean stop: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  // `on`, not `once`: Nest's shutdown hook re-raises the signal after closing the app (see apps/scheduler).
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}

main().catch((error) => {
  console.error(`history: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
