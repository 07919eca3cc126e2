/**
 * The event relay process: follows the event store and publishes every event to the JetStream
 * event feed (HOODY_EVENTS). Run exactly one per platform. HTTP: /health, /metrics.
 */
import 'reflect-metadata';
import { openEventStore } from '@hoody/event-store';
import { connectNats, drainNats, EventFeedRelay } from '@hoody/messaging';
import { bootstrapService, loadConfigOrExit } from '@hoody/service-kit';
import { relayConfigSchema } from './config';
import { RelayModule } from './relay.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit(relayConfigSchema);
  const store = openEventStore({ eventStoreUrl: config.EVENTSTORE_URL, home: config.HOODY_HOME, durability: config.HOODY_STORE_DURABILITY });
  const nc = await connectNats({ servers: config.NATS_URL, name: 'event-relay' });
  const relay = new EventFeedRelay(store, nc);
  await relay.start();

  const service = await bootstrapService({ name: 'event-relay', module: RelayModule, config });
  service.health.register('nats', () => !nc.isClosed() && nc.info !== undefined);
  service.health.register('feed', () =>
    relay.lastError ? { ok: false, detail: `${relay.lastError.message} (${relay.lastError.at.toISOString()})` } : { ok: true, detail: `at position ${relay.position}` },
  );
  const position = service.metrics.gauge({ name: 'hoody_event_feed_position', help: 'Global position of the last event the feed holds' });
  const relayed = service.metrics.gauge({ name: 'hoody_event_feed_relayed_total', help: 'Events published to the feed since start' });
  const sample = setInterval(() => {
    position.set(relay.position);
    relayed.set(relay.relayed);
  }, 1000);
  console.log(`event-relay: relaying to ${config.NATS_URL}; health and metrics on ${service.httpUrl}`);

  const shutdown = async () => {
    clearInterval(sample);
    try {
      await relay.stop();
      await drainNats(nc);
      await store.close();
      await service.close();
      process.exit(0);
    } catch (error) {
      console.error(`event-relay: unclean stop: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((error) => {
  console.error(`event-relay: ${(error as Error).message}`);
  process.exit(1);
});
