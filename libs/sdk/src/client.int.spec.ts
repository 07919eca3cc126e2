// The client over real HTTP (a local node:http server that records requests and answers canned
// envelopes): the product description's SDK examples, run as written, send its curl requests.
import { HoodyClient } from './client';
import { HoodyApiError, HoodyConnectionError, HoodyTimeoutError } from './errors';
import { startRecordingServer, type RecordedRequest, type RecordingServer } from './testing/recording-server';

const REALM = '507f1f77bcf86cd799439011';
const PROJECT_ID = '64b7f1f77bcf86cd79943901';
const SERVER_ID = '64b7f1f77bcf86cd79943902';
const CONTAINER_ID = '64b7f1f77bcf86cd79943903';
const SOURCE_CONTAINER_ID = CONTAINER_ID;
const TARGET_CONTAINER_ID = '64b7f1f77bcf86cd79943904';
const PROD_CONTAINER_ID = '64b7f1f77bcf86cd79943905';
const EU_SERVER_ID = '64b7f1f77bcf86cd79943906';
const POOL_ID = '64b7f1f77bcf86cd79943907';
const COPY_ID = '64b7f1f77bcf86cd79943908';
const SECRET = 'hdy_0123456789abcdef';

const ok = (data: unknown, statusCode = 200) => ({ status: statusCode, body: { statusCode, message: 'OK', data } });

/** Canned answers by route, shaped like the contract's. */
function cannedAnswer(req: RecordedRequest) {
  const path = req.url.split('?')[0];
  if (req.method === 'POST' && path === '/api/v1/pools') return ok({ id: POOL_ID, name: 'engineering-team' }, 201);
  if (req.method === 'POST' && path === '/api/v1/auth/tokens') return ok({ id: 'tok', alias: 'ci-staging', token: SECRET }, 201);
  if (req.method === 'POST' && path.endsWith('/copy')) return ok({ id: COPY_ID, status: 'copying' }, 202);
  if (req.method === 'POST' && path.endsWith('/snapshots')) {
    return ok({ container_id: CONTAINER_ID, project_id: PROJECT_ID, snapshot: { name: 'snap-20260325-143045', alias: 'pre-deploy-v2.1' } }, 201);
  }
  if (req.method === 'GET' && path === '/api/v1/containers') {
    return ok({ containers: [], pagination: { total: 0, page: 1, limit: 20, totalPages: 0 } });
  }
  return ok({});
}

const seen = (r: RecordedRequest) => ({
  method: r.method,
  url: r.url,
  authorization: r.headers['authorization'],
  contentType: r.headers['content-type'],
  body: r.json,
});

describe('HoodyClient over HTTP', () => {
  let server: RecordingServer;
  const savedToken = process.env.HOODY_TOKEN;

  beforeEach(async () => {
    server = await startRecordingServer();
    server.answer = cannedAnswer;
    process.env.HOODY_TOKEN = SECRET;
  });
  afterEach(async () => {
    await server.close();
    process.env.HOODY_TOKEN = savedToken;
  });

  it('runs the seed SDK examples as written (only base URL and ids changed) and sends the curl requests', async () => {
    const client = new HoodyClient({ baseURL: server.origin, token: process.env.HOODY_TOKEN });

    // Prespawn
    await client.api.containers.create(PROJECT_ID, { server_id: SERVER_ID, name: 'prespawned', hoody_kit: true, prespawn: true });

    // Server pools
    const pool = await client.api.pools.create({ name: 'engineering-team' });
    await client.api.poolMembers.invite(pool.data.id, { username: 'alice', role: 'user' });

    // Realm isolation
    const token = await client.api.authTokens.create({ alias: 'ci-staging', realm_ids: ['507f1f77bcf86cd799439011'], allow_no_realm: false });
    const realmClient = new HoodyClient({ baseURL: `http://507f1f77bcf86cd799439011.api.localhost:${server.port}`, token: token.data.token });
    const containers = await realmClient.api.containers.list();
    expect(containers.data.containers).toEqual([]);

    // Network routing
    await client.api.containers.updateNetworkConfig(CONTAINER_ID, { type: 'socks5', proxy: 'socks5://user:pass@proxy.example.com:1080' });
    await client.api.containers.updateNetworkConfig(CONTAINER_ID, { type: 'block' });

    // Storage shares
    await client.api.storageShares.create(SOURCE_CONTAINER_ID, {
      source_path: '/hoody/storage/shared-assets',
      target_container_id: TARGET_CONTAINER_ID,
      mode: 'readonly',
      alias: 'assets',
    });

    // Copy & sync
    const copy = await client.api.containers.copy(PROD_CONTAINER_ID, { target_project_id: PROJECT_ID, target_server_id: EU_SERVER_ID, name: 'prod-eu-replica' });
    await client.api.containers.sync(copy.data.id);

    // Snapshots
    const snapshot = await client.api.containers.createSnapshot(CONTAINER_ID, {
      alias: 'pre-deploy-v2.1',
      expiry: 30, // auto-delete after 30 days
    });
    await client.api.containers.restoreSnapshot(CONTAINER_ID, snapshot.data.snapshot.name);

    const bearer = `Bearer ${SECRET}`;
    const json = 'application/json';
    expect(server.requests.map(seen)).toEqual([
      { method: 'POST', url: `/api/v1/projects/${PROJECT_ID}/containers`, authorization: bearer, contentType: json, body: { server_id: SERVER_ID, name: 'prespawned', hoody_kit: true, prespawn: true } },
      { method: 'POST', url: '/api/v1/pools', authorization: bearer, contentType: json, body: { name: 'engineering-team' } },
      { method: 'POST', url: `/api/v1/pools/${POOL_ID}/members`, authorization: bearer, contentType: json, body: { username: 'alice', role: 'user' } },
      { method: 'POST', url: '/api/v1/auth/tokens', authorization: bearer, contentType: json, body: { alias: 'ci-staging', realm_ids: [REALM], allow_no_realm: false } },
      { method: 'GET', url: '/api/v1/containers', authorization: bearer, contentType: undefined, body: undefined },
      { method: 'PATCH', url: `/api/v1/containers/${CONTAINER_ID}/network`, authorization: bearer, contentType: json, body: { type: 'socks5', proxy: 'socks5://user:pass@proxy.example.com:1080' } },
      { method: 'PATCH', url: `/api/v1/containers/${CONTAINER_ID}/network`, authorization: bearer, contentType: json, body: { type: 'block' } },
      {
        method: 'POST',
        url: `/api/v1/containers/${SOURCE_CONTAINER_ID}/storage/shares`,
        authorization: bearer,
        contentType: json,
        body: { source_path: '/hoody/storage/shared-assets', target_container_id: TARGET_CONTAINER_ID, mode: 'readonly', alias: 'assets' },
      },
      { method: 'POST', url: `/api/v1/containers/${PROD_CONTAINER_ID}/copy`, authorization: bearer, contentType: json, body: { target_project_id: PROJECT_ID, target_server_id: EU_SERVER_ID, name: 'prod-eu-replica' } },
      { method: 'POST', url: `/api/v1/containers/${COPY_ID}/sync`, authorization: bearer, contentType: undefined, body: undefined },
      { method: 'POST', url: `/api/v1/containers/${CONTAINER_ID}/snapshots`, authorization: bearer, contentType: json, body: { alias: 'pre-deploy-v2.1', expiry: 30 } },
      { method: 'PATCH', url: `/api/v1/containers/${CONTAINER_ID}/snapshots/snap-20260325-143045`, authorization: bearer, contentType: undefined, body: undefined },
    ]);
    // The realm client reached the realm host (a *.localhost name, resolved to loopback as curl does).
    expect(server.requests[4].headers['host']).toBe(`507f1f77bcf86cd799439011.api.localhost:${server.port}`);
    expect(server.requests[0].headers['host']).toBe(`127.0.0.1:${server.port}`);
  });

  it('returns the envelope', async () => {
    server.answer = () => ({ status: 201, body: { statusCode: 201, message: 'Project created', data: { id: PROJECT_ID, alias: 'web' } } });
    const client = new HoodyClient({ baseURL: `${server.origin}/api/v1/`, token: SECRET });
    await expect(client.api.projects.create({ alias: 'web' })).resolves.toEqual({
      statusCode: 201,
      message: 'Project created',
      data: { id: PROJECT_ID, alias: 'web' },
    });
    expect(server.requests[0].url).toBe('/api/v1/projects');
  });

  it('sends query parameters and no Authorization header without a token', async () => {
    const client = new HoodyClient({ baseURL: server.origin });
    await client.api.containers.list({ page: 2, limit: 5, sort_by: 'created_at', sort_order: 'desc', include_prespawn: true });
    expect(server.requests[0].url).toBe('/api/v1/containers?page=2&limit=5&sort_by=created_at&sort_order=desc&include_prespawn=true');
    expect(server.requests[0].headers['authorization']).toBeUndefined();
  });

  it('throws HoodyApiError with status, code, message and validation details', async () => {
    const client = new HoodyClient({ baseURL: server.origin, token: SECRET });
    server.answer = () => ({ status: 409, body: { statusCode: 409, error: 'NAME_TAKEN', message: 'A container named "web" exists in this project' } });
    const conflict = await client.api.containers.create(PROJECT_ID, { server_id: SERVER_ID, name: 'web' }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(HoodyApiError);
    expect(conflict).toMatchObject({ statusCode: 409, error: 'NAME_TAKEN', message: 'A container named "web" exists in this project', method: 'POST' });

    server.answer = () => ({
      status: 400,
      body: { statusCode: 400, error: 'VALIDATION_FAILED', message: 'Invalid body', data: [{ instancePath: '/name', message: 'must NOT have fewer than 3 characters' }] },
    });
    const invalid = await client.api.containers.create(PROJECT_ID, { server_id: SERVER_ID, name: 'x' }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', data: [{ instancePath: '/name', message: 'must NOT have fewer than 3 characters' }] });

    server.answer = () => ({ status: 502, text: '<html>Bad gateway</html>' });
    await expect(client.api.containers.get(CONTAINER_ID)).rejects.toMatchObject({ statusCode: 502, error: 'HTTP_502' });
  });

  it('binds the prespawn template calls and servers.update (client.api mirrors routes)', async () => {
    const client = new HoodyClient({ baseURL: server.origin, token: SECRET });
    server.answer = () => ok({ templates: [], pagination: { total: 0, page: 1, limit: 20, totalPages: 0 } });
    const page = await client.api.prespawn.templates.list({ sort_by: 'name' });
    expect(page.data.templates).toEqual([]);
    server.answer = () => ok({ id: SERVER_ID, prespawn_count: 2 });
    const updated = await client.api.servers.update(SERVER_ID, { prespawn_count: 2 });
    expect(updated.data.prespawn_count).toBe(2);
    server.answer = () => ok({ id: POOL_ID }, 201);
    await client.api.prespawn.templates.create({ server_ids: [SERVER_ID], min_ready: 2, ttl: 600 });
    expect(server.requests.map(seen)).toEqual([
      { method: 'GET', url: '/api/v1/prespawn/templates?sort_by=name', authorization: `Bearer ${SECRET}`, contentType: undefined, body: undefined },
      { method: 'PATCH', url: `/api/v1/servers/${SERVER_ID}`, authorization: `Bearer ${SECRET}`, contentType: 'application/json', body: { prespawn_count: 2 } },
      { method: 'POST', url: '/api/v1/prespawn/templates', authorization: `Bearer ${SECRET}`, contentType: 'application/json', body: { server_ids: [SERVER_ID], min_ready: 2, ttl: 600 } },
    ]);
  });

  it('throws HoodyConnectionError when nothing listens', async () => {
    const port = server.port;
    await server.close();
    server = await startRecordingServer(); // for afterEach
    const client = new HoodyClient({ baseURL: `http://127.0.0.1:${port}`, token: SECRET });
    const err = await client.api.containers.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HoodyConnectionError);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('throws HoodyTimeoutError when the answer does not come in time', async () => {
    server.answer = () => ({ status: 200, hang: true });
    const client = new HoodyClient({ baseURL: server.origin, token: SECRET, timeoutMs: 200 });
    const err = await client.api.servers.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HoodyTimeoutError);
    expect(err).toBeInstanceOf(HoodyConnectionError);
  });

  it('rejects (not throws) a call with a missing path parameter', async () => {
    const client = new HoodyClient({ baseURL: server.origin });
    await expect(client.api.containers.get('')).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(0);
  });
});
