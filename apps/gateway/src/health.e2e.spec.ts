import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

describe('gateway health when services are down', () => {
  let gateway: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    const closed = await freePort(); // nothing listens there
    gateway = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        HOODY_HTTP_PORT: String(port),
        HOODY_AUTH_HEALTH_URL: `http://127.0.0.1:${closed}/health`,
        HOODY_SCHEDULER_HEALTH_URL: `http://127.0.0.1:${closed}/health`,
        HOODY_RELAY_HEALTH_URL: `http://127.0.0.1:${closed}/health`,
        HOODY_HISTORY_HEALTH_URL: `http://127.0.0.1:${closed}/health`,
        HOODY_AUTH_GRPC: `127.0.0.1:${closed}`,
        HOODY_SCHEDULER_GRPC: `127.0.0.1:${closed}`,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((ready, fail) => {
      gateway.stdout?.on('data', (d: Buffer) => d.toString().includes('gateway: REST API') && ready());
      gateway.once('exit', (code) => fail(new Error(`the gateway exited (${code})`)));
    });
  }, 30_000);
  afterAll(async () => {
    gateway.kill('SIGTERM');
    await new Promise((r) => gateway.once('exit', r));
  });

  it('answers 503 naming the services that do not answer', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('SERVICE_UNAVAILABLE');
    expect(body.message).toMatch(/auth unreachable.*scheduler unreachable.*history unreachable.*event-relay unreachable/);
  });

  it("answers 503 on a route whose service is down, and nothing else changes", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/projects`, { headers: { authorization: 'Bearer hdy_whatever' } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toBe('SERVICE_UNAVAILABLE');
    const doc = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`);
    expect(doc.status).toBe(200);
  });
});
