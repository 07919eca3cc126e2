import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { registerRoutes } from './index';
import {
  ADMIN,
  authenticate,
  CONTAINER_ID,
  container,
  PROJECT_ID,
  REALM_ID,
  reset,
  routes,
  SERVER_ID,
  store,
  USER,
} from './testing/fixtures';

// Every convention of the contract, through a real Fastify instance (inject: no socket), asserting
// the exact JSON a client sees.

interface Call {
  token?: string;
  authorization?: string;
  body?: unknown;
  payload?: string | Buffer;
  contentType?: string;
  host?: string;
}

let app: FastifyInstance;
const refusals: Array<Record<string, unknown>> = [];
const logLines: Record<string, unknown>[] = [];

interface Answer {
  statusCode: number;
  headers: LightMyRequestResponse['headers'];
  body: string;
  json: unknown;
}

async function call(method: string, url: string, options: Call = {}): Promise<Answer> {
  const headers: Record<string, string> = { host: options.host ?? 'api.localhost:7400' };
  const authorization = options.authorization ?? (options.token ? `Bearer ${options.token}` : undefined);
  if (authorization !== undefined) headers['authorization'] = authorization;
  let payload = options.payload;
  if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await app.inject({ method: method as 'GET', url, headers, payload });
  const json = response.body === '' ? undefined : (JSON.parse(response.body) as unknown);
  return { statusCode: response.statusCode, headers: response.headers, body: response.body, json };
}

const get = (url: string, options?: Call) => call('GET', url, { token: 'hdy_user', ...options });
const post = (url: string, body: unknown, options?: Call) => call('POST', url, { token: 'hdy_user', body, ...options });

beforeAll(async () => {
  app = Fastify({
    logger: {
      level: 'warn',
      stream: { write: (line: string) => logLines.push(JSON.parse(line) as Record<string, unknown>) },
    },
  });
  app.get('/outside', async () => ({ outside: true }));
  await registerRoutes(app, routes, { authenticate, validateResponses: true, onRefused: (refusal, principal) => refusals.push({ ...refusal, userId: principal.userId }) });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

beforeEach(() => {
  reset(3);
  logLines.length = 0;
});

describe('envelopes', () => {
  it('answers success as { statusCode, message, data }', async () => {
    const res = await get(`/api/v1/containers/${container(2).id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json).toEqual({ statusCode: 200, message: 'Container retrieved', data: container(2) });
  });

  it('uses the route status and a message made from the data', async () => {
    const res = await post(`/api/v1/projects/${PROJECT_ID}/containers`, { server_id: SERVER_ID, name: 'web-1' });
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({
      statusCode: 201,
      message: 'Container web-1 created',
      data: container(4, { name: 'web-1' }),
    });
  });

  it('answers null data as null', async () => {
    const res = await call('DELETE', `/api/v1/containers/${container(1).id}`, { token: 'hdy_user' });
    expect(res.json).toEqual({ statusCode: 200, message: 'Container deleted', data: null });
    expect(store.containers).toHaveLength(2);
  });

  it('accepts both PUT and PATCH where the contract says so', async () => {
    for (const method of ['PUT', 'PATCH']) {
      const res = await call(method, `/api/v1/containers/${container(1).id}`, { token: 'hdy_user', body: { name: `n-${method}` } });
      expect(res.json).toEqual({ statusCode: 200, message: 'Container updated', data: container(1, { name: `n-${method}` }) });
    }
  });

  it('answers HEAD for GET routes without a body', async () => {
    const res = await call('HEAD', '/api/v1/health');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });
});

describe('trailing slashes', () => {
  it.each(['/api/v1/containers', '/api/v1/containers/', '/api/v1/containers/?limit=2', '/api/v1/containers?limit=2'])(
    'serves %s',
    async (url) => {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect((res.json as { data: { pagination: { total: number } } }).data.pagination.total).toBe(3);
    },
  );

  it('serves routes with parameters and bodies with a trailing slash', async () => {
    expect((await get(`/api/v1/containers/${container(1).id}/`)).statusCode).toBe(200);
    const res = await post(`/api/v1/projects/${PROJECT_ID}/containers/`, { server_id: SERVER_ID });
    expect(res.statusCode).toBe(201);
  });

  it('works on an instance that already ignores trailing slashes', async () => {
    const other = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    await registerRoutes(other, routes, { authenticate });
    for (const url of ['/api/v1/health', '/api/v1/health/']) {
      expect((await other.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
    await other.close();
  });
});

describe('ids', () => {
  it.each(['nope', 'AAAAAAAAAAAAAAAAAAAAAAAA', `${CONTAINER_ID}0`, 'zaaaaaaaaaaaaaaaaaaaaaaa'])(
    'answers a malformed id in the path (%s) with 400 INVALID_ID_FORMAT',
    async (id) => {
      const res = await get(`/api/v1/containers/${id}`);
      expect(res.statusCode).toBe(400);
      expect(res.json).toEqual({
        statusCode: 400,
        error: 'INVALID_ID_FORMAT',
        message: 'Malformed id in path: id must be 24 lowercase hex characters',
        data: [{ instancePath: '/id', message: 'must be a 24-character lowercase hex id' }],
      });
    },
  );

  it('names the parameter that is malformed', async () => {
    const res = await post('/api/v1/projects/123/containers', { server_id: SERVER_ID });
    expect(res.json).toMatchObject({ error: 'INVALID_ID_FORMAT', message: 'Malformed id in path: project_id must be 24 lowercase hex characters' });
  });

  it('answers a malformed id in a body with VALIDATION_FAILED naming the field', async () => {
    const res = await post(`/api/v1/projects/${PROJECT_ID}/containers`, { server_id: 'server-1' });
    expect(res.json).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: 'Invalid request body: /server_id: must be a 24-character lowercase hex id',
      data: [{ instancePath: '/server_id', message: 'must be a 24-character lowercase hex id' }],
    });
  });

  it('answers another invalid path parameter with VALIDATION_FAILED', async () => {
    const res = await call('POST', `/api/v1/containers/${container(1).id}/explode`, { token: 'hdy_user' });
    const message = 'must be one of "start", "stop", "force-stop", "restart", "pause", "resume"';
    expect(res.json).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: `Invalid path parameters: /operation: ${message}`,
      data: [{ instancePath: '/operation', message }],
    });
  });
});

describe('bodies', () => {
  const url = `/api/v1/projects/${PROJECT_ID}/containers`;

  it('answers malformed JSON with 400 VALIDATION_FAILED', async () => {
    const payload = '{"server_id": "aaa",';
    let detail = '';
    try {
      JSON.parse(payload);
    } catch (error) {
      detail = (error as Error).message;
    }
    const res = await call('POST', url, { token: 'hdy_user', payload });
    const message = `Malformed JSON in request body: ${detail}`;
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual({ statusCode: 400, error: 'VALIDATION_FAILED', message, data: [{ instancePath: '', message }] });
  });

  it('refuses prototype poisoning as malformed JSON', async () => {
    const res = await call('POST', url, { token: 'hdy_user', payload: '{"server_id":"x","__proto__":{"admin":true}}' });
    expect(res.json).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED' });
    expect((res.json as { message: string }).message).toMatch(/^Malformed JSON in request body/);
  });

  it('names every wrong type and missing field with its instancePath', async () => {
    const res = await post(url, { name: 42, hoody_kit: 'yes', environment_vars: { A: 1 } });
    expect(res.json).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message:
        'Invalid request body: /server_id: is required; /name: must be a string; /environment_vars/A: must be a string; /hoody_kit: must be a boolean',
      data: [
        { instancePath: '/server_id', message: 'is required' },
        { instancePath: '/name', message: 'must be a string' },
        { instancePath: '/environment_vars/A', message: 'must be a string' },
        { instancePath: '/hoody_kit', message: 'must be a boolean' },
      ],
    });
  });

  it('reports nested paths, array items and bounds', async () => {
    const res = await post(`/api/v1/containers/${container(1).id}/exec`, { cmd: ['ls', 3], timeout_s: 0 });
    expect(res.json).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: 'Invalid request body: /cmd/1: must be a string; /timeout_s: must be >= 1',
      data: [
        { instancePath: '/cmd/1', message: 'must be a string' },
        { instancePath: '/timeout_s', message: 'must be >= 1' },
      ],
    });
  });

  it('uses the schema’s own message where it has one', async () => {
    const res = await post(url, { server_id: SERVER_ID, name: 'no spaces' });
    expect((res.json as { data: unknown }).data).toEqual([
      { instancePath: '/name', message: 'may contain only letters, digits, _ and -' },
    ]);
  });

  it('refuses fields no contract knows, naming each', async () => {
    const res = await post(url, { server_id: SERVER_ID, foo: 1, bar: true });
    expect(res.json).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: 'Invalid request body: /foo: unknown field "foo" is not allowed; /bar: unknown field "bar" is not allowed',
      data: [
        { instancePath: '/foo', message: 'unknown field "foo" is not allowed' },
        { instancePath: '/bar', message: 'unknown field "bar" is not allowed' },
      ],
    });
    expect(store.containers).toHaveLength(3);
  });

  it('refuses unknown fields in nested objects', async () => {
    const res = await post(`/api/v1/containers/${container(1).id}/exec`, { cmd: ['ls'], options: { tty: true, x: 1 } });
    expect((res.json as { data: unknown }).data).toEqual([{ instancePath: '/options/x', message: 'unknown field "x" is not allowed' }]);
  });

  it('accepts contract fields it ignores', async () => {
    const res = await post(url, { server_id: SERVER_ID, color: '#ff0000', prespawn: true, bypass_prespawn: false });
    expect(res.statusCode).toBe(201);
  });

  it('refuses contract fields it cannot honour, saying so', async () => {
    const res = await post(url, { server_id: SERVER_ID, kvm: true, gpu: 2 });
    expect(res.json).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: 'Not supported on this platform: /kvm: KVM is not available on this platform; /gpu: GPUs are not available on this platform',
      data: [
        { instancePath: '/kvm', message: 'KVM is not available on this platform' },
        { instancePath: '/gpu', message: 'GPUs are not available on this platform' },
      ],
    });
    expect(store.containers).toHaveLength(3);
  });

  it('accepts a refused field with a value it can honour', async () => {
    const res = await post(url, { server_id: SERVER_ID, kvm: false, gpu: 0 });
    expect(res.statusCode).toBe(201);
  });

  it('reads a missing or empty body as {}', async () => {
    const id = container(1).id;
    expect((await call('PATCH', `/api/v1/containers/${id}`, { token: 'hdy_user' })).statusCode).toBe(200);
    expect((await call('PATCH', `/api/v1/containers/${id}`, { token: 'hdy_user', payload: '' })).statusCode).toBe(200);
    const res = await call('POST', url, { token: 'hdy_user', payload: '' });
    expect(res.json).toMatchObject({ error: 'VALIDATION_FAILED', data: [{ instancePath: '/server_id', message: 'is required' }] });
  });

  it('refuses a body on a route that takes none, except {}', async () => {
    const opUrl = `/api/v1/containers/${container(1).id}/start`;
    expect((await post(opUrl, {})).statusCode).toBe(200);
    expect((await call('POST', opUrl, { token: 'hdy_user' })).statusCode).toBe(200);
    expect((await post(opUrl, { force: true })).json).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: 'Invalid request body: /force: unknown field "force" is not allowed',
      data: [{ instancePath: '/force', message: 'unknown field "force" is not allowed' }],
    });
    expect((await post(opUrl, [1])).json).toMatchObject({ data: [{ instancePath: '', message: 'this route takes no request body' }] });
  });

  it('answers a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ server_id: SERVER_ID, container_image: 'x'.repeat(1024 * 1024) });
    const res = await call('POST', url, { token: 'hdy_user', payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json).toEqual({ statusCode: 413, error: 'PAYLOAD_TOO_LARGE', message: 'Request body is larger than 1 MiB' });
  });

  it('accepts a body just under 1 MiB', async () => {
    const base = JSON.stringify({ server_id: SERVER_ID, container_image: '' });
    const payload = JSON.stringify({ server_id: SERVER_ID, container_image: 'x'.repeat(1024 * 1024 - base.length) });
    expect(Buffer.byteLength(payload)).toBe(1024 * 1024);
    expect((await call('POST', url, { token: 'hdy_user', payload })).statusCode).toBe(201);
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await call('POST', url, { token: 'hdy_user', payload: 'server_id=x', contentType: 'text/plain' });
    expect(res.json).toEqual({
      statusCode: 415,
      error: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Unsupported Content-Type: send application/json',
    });
  });
});

describe('routes that do not exist', () => {
  it.each(['/api/v1/nope', '/api/v1/containers/a/b/c/d', '/api/v1', '/api/v1/'])('answers %s with 404 ROUTE_NOT_FOUND', async (url) => {
    const res = await get(`${url}?x=1`);
    expect(res.statusCode).toBe(404);
    expect(res.json).toEqual({ statusCode: 404, error: 'ROUTE_NOT_FOUND', message: `Route GET ${url} not found` });
  });

  it('answers a method the path does not have with 405 and Allow', async () => {
    const res = await call('DELETE', '/api/v1/containers/', { token: 'hdy_user' });
    expect(res.statusCode).toBe(405);
    expect(res.headers['allow']).toBe('GET, HEAD');
    expect(res.json).toEqual({
      statusCode: 405,
      error: 'METHOD_NOT_ALLOWED',
      message: 'Method DELETE is not allowed on /api/v1/containers/ (allowed: GET, HEAD)',
    });
    const item = await call('POST', `/api/v1/containers/${CONTAINER_ID}`);
    expect(item.headers['allow']).toBe('DELETE, GET, HEAD, PATCH, PUT');
  });

  it('leaves routes outside the base path alone', async () => {
    expect((await call('GET', '/outside')).json).toEqual({ outside: true });
    expect((await call('GET', '/elsewhere')).json).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});

describe('paged lists', () => {
  beforeEach(() => reset(25));

  it('defaults to page 1, 20 items, the default sort', async () => {
    const res = await get('/api/v1/containers');
    const data = (res.json as { data: { containers: { name: string }[]; pagination: unknown } }).data;
    expect(data.pagination).toEqual({ total: 25, page: 1, limit: 20, totalPages: 2 });
    expect(data.containers).toHaveLength(20);
  });

  it('pages and sorts', async () => {
    const res = await get('/api/v1/containers?page=3&limit=10&sort_by=name&sort_order=asc');
    const names = [...store.containers.map((c) => c.name)].sort().slice(20, 30);
    expect(res.json).toEqual({
      statusCode: 200,
      message: 'Containers retrieved',
      data: {
        containers: names.map((name) => store.containers.find((c) => c.name === name)),
        pagination: { total: 25, page: 3, limit: 10, totalPages: 3 },
      },
    });
  });

  it.each([
    ['limit=101', '/limit', 'must be <= 100'],
    ['limit=0', '/limit', 'must be >= 1'],
    ['limit=abc', '/limit', 'must be a number'],
    ['page=0', '/page', 'must be >= 1'],
    ['page=1.5', '/page', 'must be an integer'],
    ['sort_by=owner', '/sort_by', 'must be one of "id", "name", "status", "created_at", "updated_at"'],
    ['sort_order=up', '/sort_order', 'must be one of "asc", "desc"'],
    ['include_prespawn=maybe', '/include_prespawn', 'must be one of "true", "1", "false", "0"'],
    ['realm_id=x', '/realm_id', 'must be a 24-character lowercase hex id'],
  ])('refuses %s', async (qs, instancePath, message) => {
    const res = await get(`/api/v1/containers?${qs}`);
    expect(res.json).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: `Invalid query string: ${instancePath}: ${message}`,
      data: [{ instancePath, message }],
    });
  });

  it('ignores query parameters the list does not know', async () => {
    expect((await get('/api/v1/containers?_=123')).statusCode).toBe(200);
  });
});

describe('auth', () => {
  const url = `/api/v1/containers/${container(1).id}`;

  it('answers a request without a token with 401 MISSING_TOKEN', async () => {
    for (const authorization of [undefined, '', 'Bearer', 'Bearer   ']) {
      const res = await call('GET', url, { authorization });
      expect(res.statusCode).toBe(401);
      expect(res.json).toEqual({
        statusCode: 401,
        error: 'MISSING_TOKEN',
        message: 'Missing token: send Authorization: Bearer hdy_…',
      });
    }
    expect(authenticate).not.toHaveBeenCalled();
  });

  it.each(['Bearer hdy_user', 'bearer hdy_user', 'hdy_user'])('accepts "%s"', async (authorization) => {
    expect((await call('GET', url, { authorization })).statusCode).toBe(200);
    expect(authenticate).toHaveBeenCalledWith('hdy_user', { ip: '127.0.0.1', host: 'api.localhost:7400', realmHost: undefined });
  });

  it('answers a malformed header with 401 INVALID_TOKEN', async () => {
    const res = await call('GET', url, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(res.json).toEqual({
      statusCode: 401,
      error: 'INVALID_TOKEN',
      message: 'Malformed Authorization header: expected "Bearer hdy_…" or "hdy_…"',
    });
  });

  it('passes on what the authenticator throws', async () => {
    expect((await get(url, { token: 'hdy_nope' })).json).toEqual({ statusCode: 401, error: 'INVALID_TOKEN', message: 'Invalid token' });
    expect((await get(url, { token: 'hdy_expired' })).json).toEqual({ statusCode: 401, error: 'TOKEN_EXPIRED', message: 'Token expired' });
    expect((await get(url, { token: 'hdy_realm' })).json).toEqual({
      statusCode: 403,
      error: 'REALM_SCOPE_REQUIRED',
      message: 'This token may only be used on a realm host',
    });
  });

  it('answers 503 when the authenticator cannot reach its service, without internals', async () => {
    const res = await get(url, { token: 'hdy_down' });
    expect(res.json).toEqual({
      statusCode: 503,
      error: 'SERVICE_UNAVAILABLE',
      message: 'A service is unavailable; try again shortly',
    });
    expect(logLines).toEqual([expect.objectContaining({ level: 40, msg: expect.stringContaining('ECONNREFUSED 10.0.0.7') })]);
  });

  it('authenticates before validating', async () => {
    expect((await call('GET', '/api/v1/containers/nope')).json).toMatchObject({ error: 'MISSING_TOKEN' });
    const big = 'x'.repeat(2 * 1024 * 1024);
    const res = await call('POST', `/api/v1/projects/${PROJECT_ID}/containers`, { payload: big });
    expect(res.json).toMatchObject({ statusCode: 401, error: 'MISSING_TOKEN' });
  });

  it('gives the handler the principal', async () => {
    const res = await post('/api/v1/users', { username: 'alice' }, { token: 'hdy_admin' });
    expect(res.json).toEqual({ statusCode: 201, message: 'User created', data: { username: 'alice', created_by: ADMIN.userId } });
  });

  it('answers a non-admin on an admin route with 403 INSUFFICIENT_PERMISSIONS', async () => {
    const res = await post('/api/v1/users', { username: 'alice' });
    expect(res.json).toEqual({
      statusCode: 403,
      error: 'INSUFFICIENT_PERMISSIONS',
      message: 'This operation requires an admin token',
    });
    expect(USER.isAdmin).toBe(false);
  });

  it('does not authenticate public routes', async () => {
    expect((await call('GET', '/api/v1/health', { authorization: 'garbage' })).statusCode).toBe(200);
    expect(authenticate).not.toHaveBeenCalled();
  });
});

describe('realm hosts', () => {
  const realmOf = async (host: string) =>
    ((await call('GET', '/api/v1/health', { host })).json as { data: { realm: string | null } }).data.realm;

  it('reads the realm from <realmId>.<api domain>, port ignored', async () => {
    expect(await realmOf(`${REALM_ID}.api.localhost:7400`)).toBe(REALM_ID);
    expect(await realmOf(`${REALM_ID}.api.localhost`)).toBe(REALM_ID);
    expect(await realmOf(`${REALM_ID}.API.Localhost`)).toBe(REALM_ID);
  });

  it.each(['api.localhost', 'www.api.localhost', `${REALM_ID.toUpperCase()}.api.localhost`, `${REALM_ID}.example.com`, `x.${REALM_ID}.api.localhost`, '127.0.0.1:7400'])(
    'ignores %s',
    async (host) => {
      expect(await realmOf(host)).toBeNull();
    },
  );

  it('passes the realm to the authenticator and the handler', async () => {
    const host = `${REALM_ID}.api.localhost:7400`;
    const res = await post(`/api/v1/projects/${PROJECT_ID}/containers`, { server_id: SERVER_ID }, { token: 'hdy_realm', host });
    expect(res.statusCode).toBe(201);
    expect((res.json as { data: { realm_ids: string[] } }).data.realm_ids).toEqual([REALM_ID]);
    expect(authenticate).toHaveBeenCalledWith('hdy_realm', { ip: '127.0.0.1', host, realmHost: REALM_ID });
  });

  it('uses the configured api domain', async () => {
    const other = Fastify();
    await registerRoutes(other, routes, { authenticate, apiDomain: 'API.Example.com:443' });
    const res = await other.inject({ method: 'GET', url: '/api/v1/health', headers: { host: `${REALM_ID}.api.example.com` } });
    expect(res.json()).toMatchObject({ data: { realm: REALM_ID } });
    await other.close();
  });
});

describe('errors', () => {
  it('answers an ApiError thrown by a handler', async () => {
    const res = await post(`/api/v1/projects/${PROJECT_ID}/containers`, { server_id: SERVER_ID, name: 'c-1' });
    expect(res.json).toEqual({ statusCode: 409, error: 'NAME_TAKEN', message: 'A container named c-1 already exists in this project' });
  });

  it('answers not found with <RESOURCE>_NOT_FOUND', async () => {
    expect((await get(`/api/v1/containers/${CONTAINER_ID}`)).json).toEqual({
      statusCode: 404,
      error: 'CONTAINER_NOT_FOUND',
      message: 'Container not found',
    });
  });

  it('maps a gRPC error with its machine code and details', async () => {
    const res = await post(`/api/v1/containers/${container(1).id}/resume`, {});
    expect(res.json).toEqual({ statusCode: 409, error: 'INVALID_STATE', message: 'Cannot resume a running container' });
  });

  it('answers an unexpected exception with a generic 500, logging the real one', async () => {
    const res = await post(`/api/v1/containers/${container(1).id}/exec`, { cmd: ['boom'] });
    expect(res.json).toEqual({ statusCode: 500, error: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(res.body).not.toContain('docker.sock');
    expect(logLines).toEqual([
      expect.objectContaining({ level: 50, err: expect.objectContaining({ message: expect.stringContaining('docker.sock') }) }),
    ]);
  });

  it('answers an unavailable service with 503 without naming hosts', async () => {
    const res = await post(`/api/v1/containers/${container(1).id}/exec`, { cmd: ['scheduler-down'] });
    expect(res.json).toEqual({ statusCode: 503, error: 'SERVICE_UNAVAILABLE', message: 'A service is unavailable; try again shortly' });
    expect(res.body).not.toContain('10.0.0.9');
  });

  it('answers data that breaks its response schema with 500 when validateResponses is on', async () => {
    const res = await get('/api/v1/broken');
    expect(res.json).toEqual({ statusCode: 500, error: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(logLines).toEqual([expect.objectContaining({ msg: expect.stringContaining('getBroken: response data does not match its schema: /n: must be a number') })]);
  });
});

describe('registration', () => {
  it('refuses two routes for the same method and path, and duplicate operationIds', async () => {
    const other = Fastify();
    await expect(registerRoutes(other, [routes[0], routes[0]], { authenticate })).rejects.toThrow('duplicate operationId getHealth');
    const clash = { ...routes[3], operationId: 'getContainer2' };
    await expect(registerRoutes(other, [routes[3], clash], { authenticate })).rejects.toThrow(
      'GET /containers/:id is defined by both getContainer and getContainer2',
    );
    await other.close();
  });
});

describe('the audit of refusals', () => {
  beforeEach(() => refusals.splice(0));

  it('tells of a change an authenticated caller asked for and the routes refused themselves', async () => {
    await post(`/api/v1/projects/${PROJECT_ID}/containers`, { server_id: SERVER_ID, kvm: true });
    await call('POST', '/api/v1/users', { token: 'hdy_user', body: { username: 'x' } });
    expect(refusals).toEqual([
      { operation: 'POST /api/v1/projects/:project_id/containers', code: 'VALIDATION_FAILED', message: expect.stringContaining('KVM'), resourceId: PROJECT_ID, userId: USER.userId },
      { operation: 'POST /api/v1/users', code: 'INSUFFICIENT_PERMISSIONS', message: expect.any(String), resourceId: null, userId: USER.userId },
    ]);
  });

  it('tells nothing of reads, of anonymous calls, or of refusals a service answered (the service records those)', async () => {
    await get('/api/v1/containers?limit=1000');
    await call('POST', `/api/v1/projects/${PROJECT_ID}/containers`, { body: { server_id: SERVER_ID, kvm: true } });
    reset(1);
    const resumed = await post(`/api/v1/containers/${store.containers[0].id}/resume`, undefined);
    expect(resumed.statusCode).toBe(409); // INVALID_STATE from the (scripted) service
    expect(refusals).toEqual([]);
  });
});
