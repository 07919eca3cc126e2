/**
 * The scheduler: servers, containers and prespawn templates (streams server-*, container-*,
 * template-*, jointoken-*). gRPC: hoody.scheduler.v1 ServerService, ContainerService, PrespawnService. Talks to each server's agent over gRPC and
 * follows the agents' heartbeats and container events on NATS. HTTP: /health, /metrics.
 */
import 'reflect-metadata';
import { openEventStore } from '@hoody/event-store';
import { openReadModelDatabase, ProjectionRunner } from '@hoody/eventsourcing';
import { connectNats, drainNats, readModelChangePublisher } from '@hoody/messaging';
import { bootstrapService, loadConfigOrExit } from '@hoody/service-kit';
import { randomBytes } from 'node:crypto';
import { AgentClients } from './agents/agent-clients';
import { AgentMessages } from './agents/agent-messages';
import { SchedulerCommands } from './commands/scheduler-commands';
import { schedulerConfigSchema } from './config';
import { ContainerLifecycle } from './containers/container-lifecycle';
import { Reconciler } from './containers/reconciler';
import { ProjectDeletions } from './containers/project-deletions';
import { SchedulerMetrics } from './metrics';
import { schedulerProjection } from './read-model/scheduler-projection';
import { SchedulerQueries } from './read-model/scheduler-queries';
import { SchedulerModule } from './scheduler.module';
import { ServerRegistry } from './servers/server-registry';
import { PoolManager } from './prespawn/pool-manager';
import { PrespawnClaims } from './prespawn/prespawn-claims';
import { PrespawnStats } from './prespawn/prespawn-stats';
import { PrespawnTemplates } from './prespawn/prespawn-templates';
import { PrespawnQueries } from './read-model/prespawn-queries';

async function lastPosition(store: ReturnType<typeof openEventStore>): Promise<number> {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
  return 0;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit(schedulerConfigSchema);
  const log = (line: string) => console.log(line);
  const store = openEventStore({ eventStoreUrl: config.EVENTSTORE_URL, home: config.HOODY_HOME, durability: config.HOODY_STORE_DURABILITY });
  const db = openReadModelDatabase(config.HOODY_HOME, 'scheduler');
  const nc = await connectNats({ servers: config.NATS_URL, name: 'scheduler' });
  // every commit is announced, so caches of answers made from this read model (the gateway's) drop them
  const readModel = new ProjectionRunner(store, db, schedulerProjection, {
    onError: (e) => log(`scheduler: read model: ${(e as Error).message}`),
    onCommitted: readModelChangePublisher(nc, 'scheduler'),
  });
  readModel.start();
  const caughtUpTo = await lastPosition(store);
  await readModel.waitFor(caughtUpTo, 60_000);

  const queries = new SchedulerQueries(db);
  const commands = new SchedulerCommands(store, readModel, { now: () => new Date(), newId: () => randomBytes(12).toString('hex') });
  const metrics = new SchedulerMetrics();
  const agents = new AgentClients();
  const prespawnQueries = new PrespawnQueries(db);
  const stats = new PrespawnStats(metrics);
  // A claim makes the pool manager look at once, so the pool starts refilling right away.
  const claims = new PrespawnClaims(commands, prespawnQueries, stats, () => pools.claimed());
  const lifecycle = new ContainerLifecycle(commands, queries, agents, claims, { provisionWaitMs: config.HOODY_SCHEDULER_PROVISION_WAIT_MS, log, metrics });
  const pools = new PoolManager(commands, queries, prespawnQueries, lifecycle, stats, {
    tickMs: config.HOODY_PRESPAWN_TICK_MS,
    concurrencyPerServer: config.HOODY_PRESPAWN_CONCURRENCY,
    degradeAfter: config.HOODY_PRESPAWN_DEGRADE_AFTER,
    backoffMs: config.HOODY_PRESPAWN_BACKOFF_MS,
    log,
    metrics,
  });
  const templates = new PrespawnTemplates(commands, queries, prespawnQueries, pools, stats);
  const registry = new ServerRegistry(commands, queries, {
    heartbeatMs: config.HOODY_SCHEDULER_HEARTBEAT_MS,
    trustLocalAgents: config.HOODY_SCHEDULER_TRUST_LOCAL_AGENTS,
    joinTokenTtlS: config.HOODY_SCHEDULER_JOIN_TOKEN_TTL_S,
    log,
    // Called on heartbeats only, once everything below exists.
    onServerUp: (serverId, cameBack) => void reconciler.reconcileServer(serverId, { autostart: cameBack }),
  });
  const reconciler = new Reconciler(lifecycle, commands, queries, agents, registry, { intervalMs: config.HOODY_SCHEDULER_RECONCILE_MS, log, metrics });
  const deletions = new ProjectDeletions(store, readModel, lifecycle, log);

  const service = await bootstrapService({
    name: 'scheduler',
    module: SchedulerModule.with({ lifecycle, registry, queries, templates }),
    grpc: { package: 'hoody.scheduler.v1' },
    config,
    auditStore: store,
  });
  metrics.attach(service.metrics);
  service.health.register('read-model', () => ({ ok: readModel.failure === undefined, detail: `at position ${readModel.checkpoint}` }));
  service.health.register('nats', async () => {
    await nc.flush();
    return true;
  });

  const messages = new AgentMessages(nc, registry, lifecycle, queries, log);
  await messages.start();
  registry.start();
  reconciler.start();
  deletions.start(caughtUpTo);
  void reconciler.reconcileAll();
  pools.start();
  console.log(`scheduler: gRPC ${service.grpcUrl}, HTTP ${service.httpUrl}; read model at ${readModel.checkpoint}`);

  let stopping = false;
  /** Work in flight gets a few seconds to finish; what does not is picked up by the next start's reconciliation. */
  const atMost = (work: Promise<unknown>, ms = 5_000) =>
    Promise.race([work, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await messages.stop();
      await atMost(pools.stop());
      await atMost(registry.stop());
      await atMost(reconciler.stop());
      await deletions.stop();
      await service.close();
      await atMost(lifecycle.idle());
      agents.close();
      await drainNats(nc);
      await readModel.stop();
      await store.close();
      db.close();
      process.exit(0);
    } catch (error) {
      console.error(`scheduler: unclean stop: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  // `on`, not `once`: Nest's shutdown hook re-raises the signal after closing the app (see apps/agent).
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}

main().catch((error) => {
  console.error(`scheduler: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
