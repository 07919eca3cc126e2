import { openEmbeddedEventStore, type EventStore, type RecordedEvent } from '@hoody/event-store';
import { connectNats, drainNats } from '@hoody/messaging';
import { readFeed, waitForFeed } from '@hoody/messaging/testing';
import { freePort, startNatsServer, type NatsServerHandle } from '@hoody/test-support';
import type { NatsConnection } from '@nats-io/transport-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOTAL = 10_000;

describe('event relay process', () => {
  const home = mkdtempSync(join(tmpdir(), 'hoody-relay-e2e-'));
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let store: EventStore;

  let httpPort: number;
  const startRelay = (): ChildProcess =>
    spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'main.ts')], {
      env: { ...process.env, NATS_URL: nats.url, HOODY_HOME: home, HOODY_HTTP_PORT: String(httpPort) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const exited = (child: ChildProcess) => new Promise((r) => child.once('exit', r));

  beforeAll(async () => {
    httpPort = await freePort();
    nats = await startNatsServer();
    nc = await connectNats({ servers: nats.url, name: 'relay-e2e' });
    store = openEmbeddedEventStore({ path: join(home, 'events.db') });
  });
  afterAll(async () => {
    await store.close();
    await drainNats(nc);
    await nats.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it(`killed (SIGKILL) halfway through ${TOTAL} events and restarted, the feed holds every event exactly once, in store order`, async () => {
    // events keep arriving while the relay runs, dies and comes back
    const writer = (async () => {
      for (let i = 0; i < TOTAL / 10; i++) {
        await store.append(`item-${i % 50}`, Array.from({ length: 10 }, (_, k) => ({ type: 'ItemChanged', data: { n: i * 10 + k } })));
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const first = startRelay();
    await waitForFeed(nc, TOTAL / 2, 60_000);
    first.kill('SIGKILL');
    await exited(first);

    const second = startRelay();
    await writer;
    await waitForFeed(nc, TOTAL, 60_000);
    await new Promise((r) => setTimeout(r, 300)); // a duplicate, if any, would land now
    const health = await fetch(`http://127.0.0.1:${httpPort}/health`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(metrics).toMatch(/hoody_event_feed_position\{[^}]*\} \d+/);
    second.kill('SIGTERM');
    await exited(second);

    const all: RecordedEvent[] = [];
    for await (const e of store.readAll()) all.push(e);
    const feed = await readFeed(nc);
    expect(all).toHaveLength(TOTAL);
    expect(feed).toHaveLength(TOTAL);
    expect(feed.map((m) => m.msgId)).toEqual(all.map((e) => e.id));
    expect(feed.map((m) => m.position)).toEqual(all.map((e) => e.position));
    expect(feed.map((m) => m.seq)).toEqual(all.map((_, i) => i + 1));
  }, 180_000);
});
