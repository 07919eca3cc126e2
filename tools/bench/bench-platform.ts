import { ensureBaseImage } from '@hoody/runtime';
import { startDockerEngine, startNatsServer, type DockerEngineHandle } from '@hoody/test-support';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

export interface Answer<T> {
  status: number;
  message: string;
  data: T;
}

export interface BenchPlatform {
  /** `http://127.0.0.1:<gateway port>` */
  base: string;
  engine: DockerEngineHandle;
  adminToken: string;
  defaultProjectId: string;
  /** The local server, online. */
  serverId: string;
  /** A REST call (the admin's token unless another is given), whatever its status. */
  request<T>(method: string, path: string, body?: unknown, token?: string): Promise<Answer<T>>;
  /** A REST call as the admin that must succeed: its `data`. */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/**
 * Runs `work` against the platform as a user starts it (the launcher, one process per app), on a
 * private Docker engine and NATS server; afterwards removes the containers through the API (they
 * outlive the platform's processes, with their kit mounts) and stops everything.
 */
export async function withBenchPlatform(name: string, portBase: number, work: (platform: BenchPlatform) => Promise<void>): Promise<void> {
  const engine = await startDockerEngine();
  const nats = await startNatsServer();
  await ensureBaseImage(engine.docker);
  const home = mkdtempSync(join(tmpdir(), `hoody-bench-${name}-`));
  const base = `http://127.0.0.1:${portBase + 80}`;
  const launcher = spawn(process.execPath, ['--import', 'tsx', join(root, 'tools/start.ts')], {
    cwd: root,
    env: { ...process.env, HOODY_HOME: home, HOODY_PORT_BASE: String(portBase), HOODY_GATEWAY_PORT: String(portBase + 80), NATS_URL: nats.url, DOCKER_HOST: engine.host },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let adminToken = '';
  const request = async <T>(method: string, path: string, body?: unknown, token = adminToken): Promise<Answer<T>> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as { data: T; message: string };
    return { status: res.status, message: json.message, data: json.data };
  };
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await request<T>(method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.message}`);
    return answer.data;
  };
  try {
    await new Promise<void>((ready, fail) => {
      launcher.stdout?.on('data', (d: Buffer) => d.toString().includes('hoody: ready') && ready());
      launcher.once('exit', (code) => fail(new Error(`the platform exited (${code})`)));
    });
    adminToken = readFileSync(join(home, 'admin-token'), 'utf8').trim();
    const { defaultProjectId } = JSON.parse(readFileSync(join(home, 'admin.json'), 'utf8')) as { defaultProjectId: string };
    let serverId: string | undefined;
    for (let i = 0; i < 100 && !serverId; i++) {
      serverId = (await api<Array<{ id: string; status: string }>>('GET', '/servers')).find((s) => s.status === 'online')?.id;
      if (!serverId) await new Promise((r) => setTimeout(r, 200));
    }
    if (!serverId) throw new Error('no server came online');
    try {
      await work({ base, engine, adminToken, defaultProjectId, serverId, request, api });
    } finally {
      // Prespawn templates first, so that nothing is warmed again; then every container, warm ones
      // included (one still being created is deleted once it is).
      const { templates } = await api<{ templates: Array<{ id: string }> }>('GET', '/prespawn/templates?limit=100');
      for (const t of templates) await api('DELETE', `/prespawn/templates/${t.id}`);
      for (;;) {
        const { containers } = await api<{ containers: Array<{ id: string }> }>('GET', '/containers?limit=100&include_prespawn=true');
        if (containers.length === 0) break;
        for (const c of containers) await request('DELETE', `/containers/${c.id}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill('SIGTERM');
      await new Promise((r) => launcher.once('exit', r));
    }
    await engine.stop();
    await nats.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
