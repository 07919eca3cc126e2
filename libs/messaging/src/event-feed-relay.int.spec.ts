import { MAX_EVENT_BYTES, openEmbeddedEventStore, type EventStore, type RecordedEvent } from '@hoody/event-store';
import { startNatsServer, type NatsServerHandle } from '@hoody/test-support';
import type { NatsConnection } from '@nats-io/transport-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventFeedRelay } from './event-feed-relay';
import { connectNats, drainNats } from './nats-connection';
import { readFeed, waitForFeed } from './testing';

describe('event feed relay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoody-relay-'));
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let store: EventStore;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats({ servers: nats.url, name: 'relay-test' });
    store = openEmbeddedEventStore({ path: join(dir, 'events.db') });
  });
  afterAll(async () => {
    await store.close();
    await drainNats(nc);
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const storeOrder = async () => {
    const all: RecordedEvent[] = [];
    for await (const e of store.readAll()) all.push(e);
    return all;
  };

  it('publishes every event once, in store order, to hoody.events.<category>.<EventType> with the event id as Nats-Msg-Id', async () => {
    await store.append('container-abc', [
      { type: 'ContainerCreated', data: { name: 'web' } },
      { type: 'ContainerStarted', data: {} },
    ]);
    await store.append('token-1', [{ type: 'TokenCreated', data: { alias: 'ci' } }]);
    const relay = new EventFeedRelay(store, nc);
    await relay.start();
    await waitForFeed(nc, 3);
    await store.append('container-abc', [{ type: 'ContainerStopped', data: {} }]); // live, after the catch-up
    await waitForFeed(nc, 4);
    await relay.stop();

    const feed = await readFeed(nc);
    const all = await storeOrder();
    expect(feed.map((m) => m.subject)).toEqual([
      'hoody.events.container.ContainerCreated',
      'hoody.events.container.ContainerStarted',
      'hoody.events.token.TokenCreated',
      'hoody.events.container.ContainerStopped',
    ]);
    expect(feed.map((m) => m.msgId)).toEqual(all.map((e) => e.id));
    expect(feed.map((m) => m.position)).toEqual(all.map((e) => e.position));
    expect(feed[0].event).toMatchObject({ streamId: 'container-abc', type: 'ContainerCreated', data: { name: 'web' } });
  });

  it('resumes after the last event the feed holds when started again, without duplicates', async () => {
    for (let i = 0; i < 20; i++) await store.append(`order-${i % 4}`, [{ type: 'OrderPlaced', data: { i } }]);
    const relay = new EventFeedRelay(store, nc);
    await relay.start();
    const total = (await storeOrder()).length;
    await waitForFeed(nc, total);
    await relay.stop();
    await store.append('order-9', [{ type: 'OrderPlaced', data: { late: true } }]); // while the relay is stopped
    await relay.start();
    await waitForFeed(nc, total + 1);
    await new Promise((r) => setTimeout(r, 200));
    await relay.stop();
    const feed = await readFeed(nc);
    expect(feed).toHaveLength(total + 1);
    expect(feed.map((m) => m.position)).toEqual((await storeOrder()).map((e) => e.position));
  });

  it('relays the largest event the store accepts', async () => {
    const relay = new EventFeedRelay(store, nc);
    await relay.start();
    const before = (await storeOrder()).length;
    await store.append('blob-1', [{ type: 'BlobStored', data: { s: 'x'.repeat(MAX_EVENT_BYTES - 64) } }]);
    await waitForFeed(nc, before + 1);
    await relay.stop();
    const last = (await readFeed(nc)).pop();
    expect(last?.subject).toBe('hoody.events.blob.BlobStored');
    expect(relay.lastError).toBeUndefined();
  });

  it('refuses to run when the feed is ahead of the store (a store restored from an older copy)', async () => {
    const older = openEmbeddedEventStore({ path: join(dir, 'older.db') });
    await older.append('order-1', [{ type: 'OrderPlaced', data: {} }]);
    const lines: string[] = [];
    const relay = new EventFeedRelay(older, nc, { log: (line) => lines.push(line) });
    const held = (await readFeed(nc)).length;
    await relay.start();
    await new Promise((r) => setTimeout(r, 500));
    await relay.stop();
    await older.close();
    expect(relay.lastError?.message).toMatch(/the feed is ahead of the event store/);
    expect(lines.join('\n')).toMatch(/ahead of the event store/);
    expect(await readFeed(nc)).toHaveLength(held);
  });
});
