/**
 * `npm run bench:isolation` — does answering "not found" about another realm's resource take
 * longer or shorter than about an id that never existed? The platform as the launcher starts it, on
 * a private Docker engine and NATS server; a token restricted to realm B asks, in strict
 * alternation, for realm A's container and for fresh random ids (`GET /api/v1/containers/{id}` and
 * `POST /api/v1/containers/{id}/stop`), one request at a time. Prints p50/p99 of each and their
 * difference; last line: one JSON object of the figures.
 */
import { ensureBaseImage } from '@hoody/runtime';
import { startDockerEngine, startNatsServer } from '@hoody/test-support';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400);
const hex24 = () => randomBytes(12).toString('hex');
const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const summary = (xs: number[]) => ({ p50: +quantile(xs, 0.5).toFixed(3), p99: +quantile(xs, 0.99).toFixed(3) });

async function main(): Promise<void> {
  const engine = await startDockerEngine();
  const nats = await startNatsServer();
  await ensureBaseImage(engine.docker);
  const home = mkdtempSync(join(tmpdir(), 'hoody-bench-isolation-'));
  const base = 'http://127.0.0.1:28180';
  const platform = spawn(process.execPath, ['--import', 'tsx', join(root, 'tools/start.ts')], {
    cwd: root,
    env: { ...process.env, HOODY_HOME: home, HOODY_PORT_BASE: '28100', HOODY_GATEWAY_PORT: '28180', NATS_URL: nats.url, DOCKER_HOST: engine.host },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const adminToken = () => readFileSync(join(home, 'admin-token'), 'utf8').trim();
  const api = async <T>(method: string, path: string, body?: unknown, token = adminToken()): Promise<{ status: number; data: T }> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, data: ((await res.json()) as { data: T }).data };
  };
  try {
    await new Promise<void>((ready, fail) => {
      platform.stdout?.on('data', (d: Buffer) => d.toString().includes('hoody: ready') && ready());
      platform.once('exit', (code) => fail(new Error(`the platform exited (${code})`)));
    });
    let server: string | undefined;
    for (let i = 0; i < 100 && !server; i++) {
      server = (await api<Array<{ id: string; status: string }>>('GET', '/servers')).data.find((s) => s.status === 'online')?.id;
      if (!server) await new Promise((r) => setTimeout(r, 200));
    }
    const realmA = hex24();
    const realmB = hex24();
    const project = (await api<{ id: string }>('POST', '/projects', { alias: 'realm-a', realm_ids: [realmA] })).data.id;
    const container = (await api<{ id: string }>('POST', `/projects/${project}/containers`, { server_id: server, name: 'in-a', realm_ids: [realmA] })).data.id;
    const stranger = (await api<{ token: string }>('POST', '/auth/tokens', { alias: 'b', realm_ids: [realmB], allow_no_realm: true })).data.token;

    const timed = async (method: string, path: string) => {
      const t0 = performance.now();
      const { status } = await api(method, path, undefined, stranger);
      if (status !== 404) throw new Error(`${method} ${path}: ${status}, not 404`);
      return performance.now() - t0;
    };
    const figures: Record<string, unknown> = { samples: SAMPLES };
    for (const [name, method, suffix] of [['get', 'GET', ''], ['stop', 'POST', '/stop']] as const) {
      for (let i = 0; i < 20; i++) await timed(method, `/containers/${hex24()}${suffix}`); // warm-up
      const other: number[] = [];
      const never: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        other.push(await timed(method, `/containers/${container}${suffix}`));
        never.push(await timed(method, `/containers/${hex24()}${suffix}`));
      }
      const a = summary(other);
      const b = summary(never);
      figures[name] = { other_realm_ms: a, never_existed_ms: b, p50_difference_ms: +(a.p50 - b.p50).toFixed(3) };
      console.log(`${method} /containers/{id}${suffix} as a realm-B token: another realm's container p50 ${a.p50} ms p99 ${a.p99} ms; an id that never existed p50 ${b.p50} ms p99 ${b.p99} ms (difference at p50 ${(a.p50 - b.p50).toFixed(3)} ms)`);
    }
    console.log(JSON.stringify(figures));
    await api('DELETE', `/containers/${container}`);
  } finally {
    if (platform.exitCode === null && platform.signalCode === null) {
      platform.kill('SIGTERM');
      await new Promise((r) => platform.once('exit', r));
    }
    await engine.stop();
    await nats.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
