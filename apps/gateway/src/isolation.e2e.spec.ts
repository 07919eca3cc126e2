import { HoodyClient } from '@hoody-ai/hoody-sdk';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { launcher } from './testing/launcher';

/**
 * Realm isolation, route by route. The routes come from the OpenAPI document the gateway serves:
 * a route without an entry in CALLS below fails this test, so every route, present and future, is
 * covered. Realm A's project, container and token are probed by callers who must not see realm A:
 * tokens restricted to realm B (with and without `allow_no_realm`) on the base host and on B's realm
 * host, and an unrestricted token on B's realm host. For them realm A does not exist: the answer
 * about A's resource is the answer about an id that never existed (status, body, headers), lists
 * and counts never show it, and nothing of it changes.
 */

const hoody = resolve(__dirname, '../../../bin/hoody');
const hex24 = () => randomBytes(12).toString('hex');
const REALM_A = hex24();
const REALM_B = hex24();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Caller {
  name: string;
  token: () => string;
  host: (port: string) => string;
}

/**
 * How each operation is called: path parameters naming realm A's resources (`unlabelled`: a fresh
 * id, for resources that carry no realm, such as pools and prespawn templates: nothing of realm A
 * is in them), and a valid body.
 */
type Call = { params?: Record<string, 'project' | 'container' | 'token' | 'server' | 'unlabelled' | 'stop'>; body?: () => unknown; skip?: string };

let n = 0;
const CALLS: Record<string, Call> = {
  getHealth: { skip: 'no token, no resources' },
  createContainer: { params: { project_id: 'project' }, body: () => ({ server_id: server, name: `probe-${++n}` }) },
  listContainers: {},
  listProjectContainers: { params: { id: 'project' } },
  getContainer: { params: { id: 'container' } },
  updateContainer: { params: { id: 'container' }, body: () => ({ comment: 'changed by a stranger' }) },
  deleteContainer: { params: { id: 'container' } },
  manageContainer: { params: { id: 'container', operation: 'stop' } },
  getContainerStatusLogs: { params: { id: 'container' } },
  getContainerStats: { params: { id: 'container' } },
  execInContainer: { params: { id: 'container' }, body: () => ({ cmd: ['true'] }) },
  getContainerLogs: { params: { id: 'container' } },
  listProjects: {},
  createProject: { body: () => ({ alias: `probe-${++n}` }) },
  getProject: { params: { id: 'project' } },
  updateProject: { params: { id: 'project' }, body: () => ({ color: '#000000' }) },
  deleteProject: { params: { id: 'project' } },
  listRealms: {},
  listServers: {},
  getServer: { params: { id: 'server' } },
  // prespawn_count 0: no warm containers are made on the shared server by the probes
  updateServer: { params: { id: 'server' }, body: () => ({ prespawn_count: 0 }) },
  createJoinToken: { body: () => ({}) },
  createToken: { body: () => ({ alias: `probe-${++n}`, realm_ids: [REALM_B] }) },
  listTokens: {},
  getCurrentToken: {},
  getToken: { params: { id: 'token' } },
  updateToken: { params: { id: 'token' }, body: () => ({ alias: 'changed by a stranger' }) },
  deleteToken: { params: { id: 'token' } },
  addTokenRealm: { params: { id: 'token' }, body: () => ({ realm_id: REALM_B }) },
  removeTokenRealm: { params: { id: 'token' }, body: () => ({ realm_id: REALM_A }) },
  createUser: { body: () => ({ username: `probe${++n}` }) },
  listUsers: {},
  listPools: {},
  createPool: { body: () => ({ name: `probe-${++n}` }) },
  getPool: { params: { id: 'unlabelled' } },
  updatePool: { params: { id: 'unlabelled' }, body: () => ({ description: 'changed by a stranger' }) },
  deletePool: { params: { id: 'unlabelled' } },
  invitePoolMember: { params: { id: 'unlabelled' }, body: () => ({ username: 'admin', role: 'user' }) },
  updatePoolMemberRole: { params: { id: 'unlabelled', userId: 'unlabelled' }, body: () => ({ role: 'admin' }) },
  removePoolMember: { params: { id: 'unlabelled', userId: 'unlabelled' } },
  listPendingPoolInvitations: {},
  acceptPoolInvitation: { params: { id: 'unlabelled' } },
  rejectPoolInvitation: { params: { id: 'unlabelled' } },
  addPoolServer: { params: { id: 'unlabelled' }, body: () => ({ server_id: server }) },
  listEvents: {},
  removePoolServer: { params: { id: 'unlabelled', serverId: 'server' } },
  // templates carry no realm (like pools): probed with fresh ids. A probe template keeps no warm
  // container (min_ready 0) and matches no probe's create (a cpu limit), so nothing lands on the server
  listPrespawnTemplates: {},
  createPrespawnTemplate: { body: () => ({ name: `probe-${++n}`, server_ids: [server], min_ready: 0, cpu: 0.25 }) },
  getPrespawnTemplate: { params: { id: 'unlabelled' } },
  updatePrespawnTemplate: { params: { id: 'unlabelled' }, body: () => ({ name: 'changed by a stranger' }) },
  deletePrespawnTemplate: { params: { id: 'unlabelled' } },
  pausePrespawnTemplate: { params: { id: 'unlabelled' } },
  resumePrespawnTemplate: { params: { id: 'unlabelled' } },
  getPrespawnTemplateStatus: { params: { id: 'unlabelled' } },
};

let server = '';

/** The audit trail shows callers their own refused requests, with the ids they sent: not realm A's data. */
function withoutOwnRefusals(body: string): string {
  const parsed = JSON.parse(body) as { data?: { events?: Array<{ event_type: string }> } };
  if (parsed.data?.events) parsed.data.events = parsed.data.events.filter((e) => e.event_type !== 'audit.request.refused');
  return JSON.stringify(parsed);
}

describe('realm isolation on every route of the OpenAPI document', () => {
  const home = mkdtempSync(join(tmpdir(), 'hoody-isolation-'));
  const platform = launcher(home, 22000);
  const port = new URL(platform.base).port;
  const a: Record<'project' | 'container' | 'token', string> = { project: '', container: '', token: '' };
  const secrets = { onlyB: '', bAndNone: '' };
  let operations: Array<{ method: string; path: string; operationId: string }> = [];

  const call = (method: string, path: string, token: string, host = `127.0.0.1:${port}`, body?: unknown): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        { host: '127.0.0.1', port, method, path: `/api/v1${path}`, headers: { host, authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await call(method, path, platform.adminToken(), undefined, body);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.body}`);
    return (JSON.parse(answer.body) as { data: T }).data;
  };

  const callers: Caller[] = [
    { name: 'a token restricted to realm B, on the base host', token: () => secrets.onlyB, host: () => `127.0.0.1:${port}` },
    { name: 'a token restricted to realm B with allow_no_realm, on the base host', token: () => secrets.bAndNone, host: () => `127.0.0.1:${port}` },
    { name: "a token restricted to realm B, on B's realm host", token: () => secrets.onlyB, host: (p) => `${REALM_B}.api.localhost:${p}` },
    { name: "a token restricted to realm B with allow_no_realm, on B's realm host", token: () => secrets.bAndNone, host: (p) => `${REALM_B}.api.localhost:${p}` },
    { name: "an unrestricted token, on B's realm host", token: () => platform.adminToken(), host: (p) => `${REALM_B}.api.localhost:${p}` },
  ];

  beforeAll(async () => {
    await platform.start();
    for (let i = 0; i < 100 && !server; i++) {
      server = (await admin<Array<{ id: string; status: string }>>('GET', '/servers')).find((s) => s.status === 'online')?.id ?? '';
      if (!server) await new Promise((r) => setTimeout(r, 200));
    }
    a.project = (await admin<{ id: string }>('POST', '/projects', { alias: 'realm-a', realm_ids: [REALM_A] })).id;
    a.container = (await admin<{ id: string }>('POST', `/projects/${a.project}/containers`, { server_id: server, name: 'in-a', realm_ids: [REALM_A], comment: 'original' })).id;
    a.token = (await admin<{ id: string }>('POST', '/auth/tokens', { alias: 'token-a', realm_ids: [REALM_A] })).id;
    secrets.onlyB = (await admin<{ token: string }>('POST', '/auth/tokens', { alias: 'only-b', realm_ids: [REALM_B], allow_no_realm: false })).token;
    secrets.bAndNone = (await admin<{ token: string }>('POST', '/auth/tokens', { alias: 'b-and-none', realm_ids: [REALM_B], allow_no_realm: true })).token;
    const doc = JSON.parse((await call('GET', '/openapi.json', '')).body) as { paths: Record<string, Record<string, { operationId: string }>> };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path: path.replace(/^\/api\/v1/, ''), operationId: op.operationId.replace(/(Put|Patch)$/, '') })),
    );
  }, 120_000);
  afterAll(async () => {
    await platform.close(async () => {
      for (const c of (await admin<{ containers: Array<{ id: string }> }>('GET', '/containers?limit=100')).containers) await admin('DELETE', `/containers/${c.id}`);
    });
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('has a call for every operation of the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(25);
    expect(operations.map((o) => o.operationId).filter((id) => !(id in CALLS))).toEqual([]);
  });

  it.each(callers.map((c) => [c.name, c] as const))('%s: realm A does not exist on any route', async (_name, caller) => {
    const secretsOfA = [a.project, a.container, a.token, REALM_A];
    const problems: string[] = [];
    for (const op of operations) {
      const spec = CALLS[op.operationId];
      if (!spec || spec.skip) continue;
      const fill = (ids: Record<string, string>) =>
        op.path.replace(/\{(\w+)\}/g, (_m, name: string) => (spec.params?.[name] === 'unlabelled' ? hex24() : (ids[spec.params?.[name] ?? ''] ?? spec.params?.[name] ?? '')));
      const what = `${op.method} ${op.path}`;
      const names = Object.values(spec.params ?? {});
      if (names.some((p) => p === 'project' || p === 'container' || p === 'token')) {
        // about realm A's resource, and about one that never existed: the same answer
        const real = await call(op.method, fill({ ...a, server }), caller.token(), caller.host(port), spec.body?.());
        const ghost = await call(op.method, fill({ project: hex24(), container: hex24(), token: hex24(), server }), caller.token(), caller.host(port), spec.body?.());
        if (real.status < 400) problems.push(`${what}: ${real.status} about realm A's resource`);
        const same = (x: Answer, ids: string[]) => ({ status: x.status, body: ids.reduce((b, id) => b.split(id).join('<id>'), x.body), headers: { ...x.headers, date: undefined } });
        const ghostIds = [...ghost.body.matchAll(/[0-9a-f]{24}/g)].map((m) => m[0]);
        expect({ what, answer: same(real, secretsOfA) }).toEqual({ what, answer: same(ghost, ghostIds) });
      } else {
        const answer = await call(op.method, fill({ server }), caller.token(), caller.host(port), spec.body?.());
        const shown = op.operationId === 'listEvents' ? withoutOwnRefusals(answer.body) : answer.body;
        for (const id of secretsOfA) if (shown.includes(id)) problems.push(`${what}: ${answer.status} shows ${id} of realm A`);
      }
    }
    expect(problems).toEqual([]);
    // and nothing of realm A changed
    const project = await admin<{ alias: string; color: string | null; realm_ids: string[] }>('GET', `/projects/${a.project}`);
    expect(project).toMatchObject({ alias: 'realm-a', realm_ids: [REALM_A] });
    const container = await admin<{ status: string; comment: string | null }>('GET', `/containers/${a.container}`);
    expect(container).toMatchObject({ status: 'running', comment: 'original' });
    const token = await admin<{ alias: string; realm_ids: string[] }>('GET', `/auth/tokens/${a.token}`);
    expect(token).toMatchObject({ alias: 'token-a', realm_ids: [REALM_A] });
  }, 120_000);

  it('refuses a token restricted to realm B without allow_no_realm on the base host: 403 REALM_SCOPE_REQUIRED', async () => {
    const answer = await call('GET', '/containers', secrets.onlyB);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 403, error: 'REALM_SCOPE_REQUIRED' });
  });

  it('shows realm A to whom it belongs: a token restricted to A, and realm host A', async () => {
    const onlyA = (await admin<{ token: string }>('POST', '/auth/tokens', { alias: 'only-a', realm_ids: [REALM_A], allow_no_realm: false })).token;
    const list = await call('GET', '/containers', onlyA, `${REALM_A}.api.localhost:${port}`);
    expect(JSON.parse(list.body).data.containers.map((c: { id: string }) => c.id)).toEqual([a.container]);
    const realms = JSON.parse((await call('GET', '/realms?include_usage=true', platform.adminToken(), `${REALM_A}.api.localhost:${port}`)).body).data;
    expect(realms).toEqual({ realm_ids: [REALM_A], total: 1, usage: { [REALM_A]: { projects: 1, containers: 1, servers: 0, auth_tokens: 2 } } });
  });

  it("runs the seed's realm examples as written (CLI, SDK, curl), only base URL and ids changed", async () => {
    const realmBase = `http://${REALM_A}.api.localhost:${port}`;
    const run = (file: string, args: string[], env: Record<string, string> = {}) =>
      promisify(execFile)(file, args, { env: { ...process.env, HOODY_BASE_URL: platform.base, HOODY_TOKEN: platform.adminToken(), ...env } });
    // # Create a realm-restricted token for staging
    const created = await run(hoody, ['auth', 'create', '--alias', 'ci-staging', '--realm-ids', REALM_A, '--no-allow-no-realm']);
    const REALM_TOKEN = /hdy_[A-Za-z0-9_-]+/.exec(created.stdout)?.[0] ?? '';
    expect(REALM_TOKEN).not.toBe('');
    // # This token can only operate on the realm-scoped host
    const listed = await run(hoody, ['--base-url', realmBase, 'containers', 'list'], { HOODY_TOKEN: REALM_TOKEN });
    expect(listed.stdout).toContain('in-a');
    expect(listed.stdout).not.toContain('probe-');
    await expect(run(hoody, ['containers', 'list'], { HOODY_TOKEN: REALM_TOKEN })).rejects.toMatchObject({ stderr: expect.stringContaining('REALM_SCOPE_REQUIRED') });

    const client = new HoodyClient({ baseURL: platform.base, token: platform.adminToken() });
    // Create realm-restricted token
    const token = await client.api.authTokens.create({ alias: 'ci-staging', realm_ids: [REALM_A], allow_no_realm: false });
    // Use realm-scoped client
    const realmClient = new HoodyClient({ baseURL: realmBase, token: token.data.token });
    // Only sees staging resources
    const containers = await realmClient.api.containers.list();
    expect(containers.data.containers.map((c: { id: string }) => c.id)).toEqual([a.container]);

    // # List containers in a specific realm
    const curled = await run('sh', ['-c', `curl -s "${realmBase}/api/v1/containers" -H "Authorization: Bearer $REALM_TOKEN"`], { REALM_TOKEN });
    expect(JSON.parse(curled.stdout).data.containers.map((c: { id: string }) => c.id)).toEqual([a.container]);
  }, 60_000);

  it('counts on a shared server only the containers the caller sees', async () => {
    const used = async (token: string, host?: string) =>
      (JSON.parse((await call('GET', `/servers/${server}`, token, host)).body) as { data: { container_capacity: { used: number } } }).data.container_capacity.used;
    expect(await used(platform.adminToken())).toBeGreaterThanOrEqual(1); // the owner, unscoped: realm A's container too
    expect(await used(platform.adminToken(), `${REALM_B}.api.localhost:${port}`)).toBe(0);
    expect(await used(secrets.bAndNone)).toBe(0);
    expect(await used(platform.adminToken(), `${REALM_A}.api.localhost:${port}`)).toBe(1);
  });

  it("takes a token's realm changes into account within a second", async () => {
    const token = await admin<{ id: string; token: string }>('POST', '/auth/tokens', { alias: 'moving', realm_ids: [REALM_B], allow_no_realm: true });
    const sees = async () => (await call('GET', '/containers', token.token)).body.includes(a.container);
    const within = async (expected: boolean) => {
      const since = Date.now();
      while ((await sees()) !== expected) {
        if (Date.now() - since > 2_000) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return Date.now() - since;
    };
    expect(await sees()).toBe(false);
    await admin('POST', `/auth/tokens/${token.id}/add-realm`, { realm_id: REALM_A });
    expect(await within(true)).toBeLessThan(1_000);
    await admin('POST', `/auth/tokens/${token.id}/remove-realm`, { realm_id: REALM_A });
    expect(await within(false)).toBeLessThan(1_000);
    await admin('DELETE', `/auth/tokens/${token.id}`);
    const revoked = Date.now();
    while ((await call('GET', '/containers', token.token)).status !== 401 && Date.now() - revoked < 2_000) await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - revoked).toBeLessThan(1_000);
  });

  it('labels what is created on a realm host with that realm', async () => {
    const created = await call('POST', '/projects', platform.adminToken(), `${REALM_B}.api.localhost:${port}`, { alias: 'made-on-b' });
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body).data.realm_ids).toEqual([REALM_B]);
  });
});
