import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { defineRoute, registerRoutes, ResponseCache } from './index';
import { authenticate, REALM_ID } from './testing/fixtures';

// Cached routes through a real Fastify instance: what a client sees when answers are reused.

let app: FastifyInstance;
const cache = new ResponseCache({ ttlMs: 60_000 });
const items: string[] = [];
let listCalls = 0;
let liveCalls = 0;

const get = async (url: string, token = 'hdy_user', host = 'api.localhost') => {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, host } });
  return { status: res.statusCode, type: res.headers['content-type'], json: JSON.parse(res.body) as { data: unknown } };
};

beforeAll(async () => {
  app = Fastify();
  await registerRoutes(
    app,
    [
      defineRoute({
        method: 'GET',
        path: '/items',
        operationId: 'listItems',
        summary: 'items',
        query: z.object({ prefix: z.string().optional() }),
        response: { data: z.object({ items: z.array(z.string()), caller: z.string() }), message: 'Items retrieved' },
        auth: 'token',
        cache: true,
        handler: ({ query, principal }) => {
          listCalls++;
          return { items: items.filter((i) => i.startsWith(query.prefix ?? '')), caller: principal.userId };
        },
      }),
      defineRoute({
        method: 'POST',
        path: '/items',
        operationId: 'createItem',
        summary: 'create',
        body: z.strictObject({ name: z.string() }),
        response: { status: 201, data: z.string(), message: 'Created' },
        auth: 'token',
        handler: ({ body }) => (items.push(body.name), body.name),
      }),
      defineRoute({
        method: 'GET',
        path: '/live',
        operationId: 'live',
        summary: 'live',
        response: { data: z.number(), message: 'Live' },
        auth: 'token',
        handler: () => ++liveCalls,
      }),
    ],
    { authenticate, responseCache: cache },
  );
});
afterAll(() => app.close());

describe('a cached route', () => {
  it('answers repeated reads from the cache, byte for byte as the first answer', async () => {
    const calls = listCalls;
    const first = await get('/api/v1/items');
    const second = await get('/api/v1/items');
    expect(second).toEqual(first);
    expect(first).toMatchObject({ status: 200, type: 'application/json; charset=utf-8', json: { statusCode: 200, message: 'Items retrieved' } });
    expect(listCalls - calls).toBe(1);
  });

  it('shows a write made through the gateway to the very next read', async () => {
    await get('/api/v1/items');
    await app.inject({ method: 'POST', url: '/api/v1/items', headers: { authorization: 'Bearer hdy_user', 'content-type': 'application/json' }, payload: '{"name":"a1"}' });
    expect((await get('/api/v1/items')).json.data).toMatchObject({ items: expect.arrayContaining(['a1']) });
  });

  it('shows a change made elsewhere once a change notice arrives', async () => {
    await get('/api/v1/items');
    items.push('b1'); // behind the gateway's back
    expect((await get('/api/v1/items')).json.data).not.toMatchObject({ items: expect.arrayContaining(['b1']) });
    cache.invalidate();
    expect((await get('/api/v1/items')).json.data).toMatchObject({ items: expect.arrayContaining(['b1']) });
  });

  it('keeps answers apart per caller, realm host and query', async () => {
    const user = await get('/api/v1/items?prefix=a');
    const admin = await get('/api/v1/items?prefix=a', 'hdy_admin');
    const realmHost = await get('/api/v1/items?prefix=a', 'hdy_realm', `${REALM_ID}.api.localhost`);
    expect([user.json.data, admin.json.data, realmHost.json.data].map((d) => (d as { caller: string }).caller)).toEqual(['u1', 'admin', 'u2']);
    expect((await get('/api/v1/items?prefix=b')).json.data).toMatchObject({ items: ['b1'] });
  });

  it('never caches what is not marked cached, nor errors', async () => {
    const a = await get('/api/v1/live');
    const b = await get('/api/v1/live');
    expect((b.json.data as number) - (a.json.data as number)).toBe(1);
    expect((await get('/api/v1/items', 'hdy_nope')).status).toBe(401);
  });
});
