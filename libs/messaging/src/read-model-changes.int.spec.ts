import { startNatsServer, type NatsServerHandle } from '@hoody/test-support';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, drainNats } from './nats-connection';
import { readModelChangePublisher, watchReadModelChanges } from './read-model-changes';

// Change notices through a real nats-server, including losing it and getting it back.

const until = async (check: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('read model change notices', () => {
  let server: NatsServerHandle;
  let publisherConnection: NatsConnection;
  let watcherConnection: NatsConnection;
  const seen: string[] = [];

  beforeAll(async () => {
    server = await startNatsServer();
    publisherConnection = await connectNats({ servers: server.url, name: 'publisher', log: () => undefined });
    watcherConnection = await connectNats({ servers: server.url, name: 'watcher', log: () => undefined });
    watchReadModelChanges(watcherConnection, {
      changed: (name, checkpoint) => seen.push(`${name}@${checkpoint}`),
      lost: () => seen.push('lost'),
      restored: () => seen.push('restored'),
    });
    await watcherConnection.flush();
  });
  afterAll(async () => {
    await drainNats(publisherConnection);
    await drainNats(watcherConnection);
    await server.stop();
  });

  it('given a read model commits, then watchers hear its name and checkpoint', async () => {
    const published = readModelChangePublisher(publisherConnection, 'scheduler');
    published(41);
    published(42);
    await until(() => seen.includes('scheduler@42'));
    expect(seen).toEqual(['scheduler@41', 'scheduler@42']);
  });

  it('given the NATS server goes away and comes back, then watchers are told notices were lost, then restored, and hear again', async () => {
    const port = server.port;
    await server.stop();
    await until(() => seen.includes('lost'));
    server = await startNatsServer({ port });
    await until(() => seen.includes('restored'), 20_000);
    // both back, the watcher's subscription renewed: core NATS delivers only to who listens now
    const connected = async (nc: NatsConnection) => {
      for (;;) {
        try {
          return await nc.flush();
        } catch {
          await new Promise((r) => setTimeout(r, 50)); // still reconnecting
        }
      }
    };
    await Promise.all([connected(watcherConnection), connected(publisherConnection)]);
    readModelChangePublisher(publisherConnection, 'auth')(7);
    await until(() => seen.includes('auth@7'));
    // told once or more that notices were lost, then that they are back, then the notice itself
    const after = seen.slice(seen.indexOf('lost'));
    expect(after.at(-1)).toBe('auth@7');
    expect(after.lastIndexOf('lost')).toBeLessThan(after.indexOf('restored'));
  }, 40_000);
});
