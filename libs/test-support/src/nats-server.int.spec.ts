import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startNatsServer, type NatsServerHandle } from './nats-server';
import { testNatsUrl } from './test-env';

jest.setTimeout(20_000);

type NatsConnection = Awaited<ReturnType<typeof connect>>;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startNatsServer', () => {
  let server: NatsServerHandle;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('listens on loopback on the port it reports', () => {
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('round-trips a message through publish/subscribe', async () => {
    const sub = nc.subscribe('hoody.test.ping', { max: 1 });
    const received = (async () => {
      for await (const msg of sub) return msg.string();
      return undefined;
    })();
    await nc.flush();
    nc.publish('hoody.test.ping', 'hello');
    await expect(received).resolves.toBe('hello');
  });

  it('has JetStream: a stream can be created and takes messages', async () => {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.add({ name: 'HOODY_TEST', subjects: ['hoody.events.>'] });
    expect(info.config.name).toBe('HOODY_TEST');
    const ack = await jetstream(nc).publish('hoody.events.one', 'event-1');
    expect(ack).toMatchObject({ stream: 'HOODY_TEST', seq: 1 });
    expect((await jsm.streams.info('HOODY_TEST')).state.messages).toBe(1);
    const stored = await jsm.streams.getMessage('HOODY_TEST', { seq: 1 });
    expect(stored?.string()).toBe('event-1');
  });

  it('stop() ends the process and removes its temp dir; a second stop() is harmless', async () => {
    const other = await startNatsServer();
    expect(alive(other.pid)).toBe(true);
    expect(existsSync(other.dir)).toBe(true);
    await other.stop();
    expect(alive(other.pid)).toBe(false);
    expect(existsSync(other.dir)).toBe(false);
    await expect(other.stop()).resolves.toBeUndefined();
  });

  it('takes a fixed port', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    const fixed = await startNatsServer({ port });
    try {
      expect(fixed.url).toBe(`nats://127.0.0.1:${port}`);
    } finally {
      await fixed.stop();
    }
  });

  it('rejects, leaving nothing behind, when the binary cannot be run', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('hnats-')).length;
    await expect(startNatsServer({ binary: '/nonexistent/nats-server' })).rejects.toThrow(/ENOENT/);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('hnats-')).length).toBe(before);
  });

  it('reports the log tail when the server cannot start', async () => {
    // The port of a running server is taken.
    await expect(startNatsServer({ port: server.port, startTimeoutMs: 5_000 })).rejects.toThrow(/exited with 1[\s\S]*nats-server log/);
  });
});

describe('nats global setup', () => {
  it('hands a working JetStream server to the workers in HOODY_TEST_NATS_URL', async () => {
    const nc = await connect({ servers: testNatsUrl() });
    try {
      await expect(jetstreamManager(nc)).resolves.toBeDefined();
    } finally {
      await nc.close();
    }
  });
});
