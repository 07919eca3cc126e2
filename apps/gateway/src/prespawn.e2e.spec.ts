import { HoodyClient } from '@hoody-ai/hoody-sdk';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { launcher } from './testing/launcher';
import { curlPrespawnedCreate } from './testing/seed-examples';

const root = resolve(__dirname, '../../..');
const PORT_BASE = 24000;

interface TemplateStatus {
  ready: number;
  warming: number;
  claimed: number;
  hits: number;
  misses: number;
  hit_rate: number;
  claim_latency_ms: { p50: number; p99: number };
}

/** Prespawn as a user meets it: templates through REST, the SDK and the CLI, and the seed's examples served from the pool. */
describe('prespawn through the REST API, SDK and CLI', () => {
  const home = mkdtempSync(join(tmpdir(), 'hoody-prespawn-'));
  const platform = launcher(home, PORT_BASE);
  const { base } = platform;
  let token: string;
  let admin: HoodyClient;
  let SERVER_ID: string;

  const hoody = (...args: string[]) => promisify(execFile)(join(root, 'bin/hoody'), args, { env: { ...process.env, HOODY_BASE_URL: base, HOODY_TOKEN: token } });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as { statusCode: number; error?: string; message: string; data: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const statusOf = async (id: string) => (await api('GET', `/prespawn/templates/${id}/status`)).data as TemplateStatus;
  async function ready(id: string, n: number): Promise<TemplateStatus> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = await statusOf(id);
      if (s.ready >= n) return s;
      if (Date.now() > deadline) throw new Error(`template ${id} has ${s.ready} ready, not ${n}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const newProject = async (alias: string) => (await admin.api.projects.create({ alias })).data.id as string;

  beforeAll(async () => {
    await platform.start();
    token = platform.adminToken();
    admin = new HoodyClient({ baseURL: base, token });
    for (let i = 0; i < 50 && !SERVER_ID; i++) {
      SERVER_ID = (await admin.api.servers.list()).data.find((s: { status: string }) => s.status === 'online')?.id ?? '';
      if (!SERVER_ID) await new Promise((r) => setTimeout(r, 200));
    }
  }, 90_000);

  afterAll(async () => {
    // Templates first, so nothing warms again; then every container, warm ones included (they outlive the platform's processes).
    await platform.close(async () => {
      await api('PATCH', `/servers/${SERVER_ID}`, { prespawn_count: 0 });
      for (const t of (await api('GET', '/prespawn/templates?limit=100')).data.templates ?? []) await api('DELETE', `/prespawn/templates/${t.id}`);
      await new Promise((r) => setTimeout(r, 1_000));
      for (const c of (await admin.api.containers.list({ limit: 100, include_prespawn: true })).data.containers) await admin.api.containers.delete(c.id).catch(() => undefined);
    });
    rmSync(home, { recursive: true, force: true });
  }, 90_000);

  it("serves the seed's prespawn examples as written (CLI, SDK, curl) from the pool: running at once, exec works right away", async () => {
    const template = await api('POST', '/prespawn/templates', { name: 'seed', server_ids: [SERVER_ID], hoody_kit: true, min_ready: 3, max_ready: 5 });
    expect(template).toMatchObject({ statusCode: 201, data: { name: 'seed', container_image: 'hoody/base:latest', min_ready: 3, max_ready: 5, state: 'active', server_ids: [SERVER_ID] } });
    const TEMPLATE_ID = template.data.id as string;
    await ready(TEMPLATE_ID, 3);
    const exec = (id: string) => api('POST', `/containers/${id}/exec`, { cmd: ['echo', 'ready'] });

    // CLI
    let PROJECT_ID = await newProject('seed-cli');
    const cli = await hoody('containers', 'create', '--project', PROJECT_ID, '--server-id', SERVER_ID, '--name', 'prespawned', '--hoody-kit', '--prespawn', '-o', 'json');
    const fromCli = JSON.parse(cli.stdout);
    expect(fromCli).toMatchObject({ name: 'prespawned', status: 'running', hoody_kit: true, prespawn: true, project_id: PROJECT_ID });
    expect((await exec(fromCli.id)).data).toEqual({ exit_code: 0, stdout: 'ready\n', stderr: '' });
    // SDK
    PROJECT_ID = await newProject('seed-sdk');
    const client = new HoodyClient({ baseURL: base, token });
    const sdk = await client.api.containers.create(PROJECT_ID, { server_id: SERVER_ID, name: 'prespawned', hoody_kit: true, prespawn: true });
    expect(sdk.data).toMatchObject({ name: 'prespawned', status: 'running', prespawn: true, project_id: PROJECT_ID });
    expect((await exec(sdk.data.id)).data.stdout).toBe('ready\n');
    // curl
    PROJECT_ID = await newProject('seed-curl');
    const curled = await curlPrespawnedCreate(base, { PROJECT_ID, SERVER_ID, HOODY_TOKEN: token });
    expect(curled).toMatchObject({ statusCode: 201, data: { name: 'prespawned', status: 'running', prespawn: true } });
    expect((await exec(curled.data.id)).data.stdout).toBe('ready\n');

    // all three came from the pool, which refills
    const after = await ready(TEMPLATE_ID, 3);
    expect(after).toMatchObject({ claimed: 3, hits: 3 });
    expect(after.claim_latency_ms.p50).toBeGreaterThan(0);
    // a bypass is cold
    const cold = await api('POST', `/projects/${PROJECT_ID}/containers`, { server_id: SERVER_ID, name: 'cold', bypass_prespawn: true });
    expect(cold).toMatchObject({ statusCode: 201, data: { prespawn: false, status: 'running' } });
  }, 120_000);

  it('hides warm containers unless include_prespawn=true, and shows pools through the CLI and /metrics', async () => {
    const [template] = (await api('GET', '/prespawn/templates')).data.templates;
    const plain = (await api('GET', '/containers?limit=100')).data.containers as Array<{ project_id: string | null; prespawn: boolean }>;
    expect(plain.every((c) => c.project_id !== null)).toBe(true);
    const all = (await api('GET', '/containers?limit=100&include_prespawn=true')).data.containers as Array<{ project_id: string | null; status: string }>;
    expect(all.filter((c) => c.project_id === null).length).toBeGreaterThanOrEqual(3);

    const listed = await hoody('prespawn', 'templates', 'list');
    expect(listed.stdout).toContain('seed');
    const status = JSON.parse((await hoody('prespawn', 'templates', 'status', template.id, '-o', 'json')).stdout);
    expect(status).toMatchObject({ template_id: template.id, state: 'active', hits: 3 });
    const paused = JSON.parse((await hoody('prespawn', 'templates', 'pause', template.id, '-o', 'json')).stdout);
    expect(paused.state).toBe('paused');
    expect(JSON.parse((await hoody('prespawn', 'templates', 'resume', template.id, '-o', 'json')).stdout).state).toBe('active');

    const metrics = await (await fetch(`http://127.0.0.1:${PORT_BASE + 22}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`hoody_prespawn_claims_total\\{template="${template.id}",outcome="hit"[^}]*\\} 3\\n`));
    expect(metrics).toMatch(new RegExp(`hoody_prespawn_pool_containers\\{template="${template.id}",server="[^"]+",state="ready"[^}]*\\} [3-9]\\n`));
  }, 60_000);

  it("drops a deleted template's pool from /metrics", async () => {
    const metricsShow = async (pattern: RegExp, shown: boolean) => {
      const deadline = Date.now() + 10_000;
      while (pattern.test(await (await fetch(`http://127.0.0.1:${PORT_BASE + 22}/metrics`)).text()) !== shown) {
        if (Date.now() > deadline) throw new Error(`/metrics ${shown ? 'never showed' : 'still shows'} ${pattern}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const { data: template } = await api('POST', '/prespawn/templates', { name: 'short-lived', server_ids: [SERVER_ID], min_ready: 0 });
    const pool = new RegExp(`hoody_prespawn_pool_containers\\{template="${template.id}"`);
    await metricsShow(pool, true);
    await api('DELETE', `/prespawn/templates/${template.id}`);
    await metricsShow(pool, false);
  }, 30_000);

  it('refuses limits no container can run with, naming the field, before anything is warmed or created', async () => {
    const project = await newProject('limits');
    const refusals: Array<[string, object, string]> = [
      ['/prespawn/templates', { server_ids: [SERVER_ID], cpu: 0.001 }, 'cpu'],
      ['/prespawn/templates', { server_ids: [SERVER_ID], memory: 0.001 }, 'memory'],
      [`/projects/${project}/containers`, { server_id: SERVER_ID, cpu: 0.001 }, 'cpu'],
      [`/projects/${project}/containers`, { server_id: SERVER_ID, memory: 0.001 }, 'memory'],
    ];
    for (const [path, body, field] of refusals) {
      const answer = await api('POST', path, body);
      expect(answer).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED' });
      expect(answer.message).toContain(field);
    }
    // 0 is still "no limit" for a template
    const unlimited = await api('POST', '/prespawn/templates', { server_ids: [SERVER_ID], cpu: 0, memory: 0, min_ready: 0 });
    expect(unlimited).toMatchObject({ statusCode: 201, data: { cpu: null, memory: null } });
    await api('DELETE', `/prespawn/templates/${unlimited.data.id}`);
  });

  it("sets a server's prespawn_count, a default pool of that size, through PATCH /servers/{id} and the CLI", async () => {
    const set = JSON.parse((await hoody('servers', 'update', SERVER_ID, '--prespawn-count', '2', '-o', 'json')).stdout);
    expect(set).toMatchObject({ id: SERVER_ID, prespawn_count: 2 });
    const defaults = ((await api('GET', '/prespawn/templates?limit=100')).data.templates as Array<{ id: string; default_for_server_id: string | null }>).find(
      (t) => t.default_for_server_id === SERVER_ID,
    );
    expect(defaults).toMatchObject({ min_ready: 2, max_ready: 2, container_image: 'hoody/base:latest', hoody_kit: true });
    expect(await api('DELETE', `/prespawn/templates/${defaults?.id}`)).toMatchObject({ statusCode: 409, error: 'INVALID_STATE' });
    expect((await api('GET', `/servers/${SERVER_ID}`)).data.prespawn_count).toBe(2);
    expect((await api('PATCH', `/servers/${SERVER_ID}`, { prespawn_count: 0 })).data.prespawn_count).toBe(0);
  }, 60_000);
});
