/**
 * The event relay process: follows the event store and publishes every event to the JetStream
 * event feed (HOODY_EVENTS). Run exactly one per platform.
 */
import { openEmbeddedEventStore } from '@hoody/event-store';
import { connectNats, drainNats, EventFeedRelay } from '@hoody/messaging';
import { join } from 'node:path';

async function main(): Promise<void> {
  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const home = process.env.HOODY_HOME ?? '.hoody';
  const store = openEmbeddedEventStore({ path: join(home, 'events.db') });
  const nc = await connectNats({ servers: natsUrl, name: 'event-relay' });
  const relay = new EventFeedRelay(store, nc);
  await relay.start();
  console.log(`event-relay: relaying ${join(home, 'events.db')} to ${natsUrl}`);

  const shutdown = async () => {
    try {
      await relay.stop();
      await drainNats(nc);
      await store.close();
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
