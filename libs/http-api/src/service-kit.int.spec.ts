import { request as httpRequest } from 'node:http';
import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { baseConfigSchema, bootstrapService, loadConfig, type ServiceHandle } from '@hoody/service-kit';
import { buildOpenApi, registerRoutes } from './index';
import { authenticate, container, REALM_ID, reset, routes } from './testing/fixtures';

// The way the gateway runs: the service kit's NestJS application on Fastify, the routes registered
// on its Fastify instance while the module initializes, real HTTP on a free port.

@Injectable()
class RestApi implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const openApiDocument = buildOpenApi(routes, { title: 'Hoody API', version: '1.0.0' });
    await registerRoutes(fastify, routes, { authenticate, openApiDocument });
  }
}

@Module({ providers: [RestApi] })
class GatewayModule {}

let service: ServiceHandle;

function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${service.httpUrl}${path}`, { method, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

beforeAll(async () => {
  const config = loadConfig(baseConfigSchema, { HOODY_GRPC_PORT: '0', HOODY_HTTP_PORT: '0', HOODY_LOG_LEVEL: 'fatal' });
  service = await bootstrapService({ name: 'gateway-test', module: GatewayModule, config });
});

afterAll(async () => {
  await service?.close();
});

beforeEach(() => reset(3));

const auth = { authorization: 'Bearer hdy_user' };

it('serves the routes with and without a trailing slash', async () => {
  for (const path of ['/api/v1/containers', '/api/v1/containers/']) {
    const res = await send('GET', path, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ statusCode: 200, data: { pagination: { total: 3 } } });
  }
  const one = await send('GET', `/api/v1/containers/${container(1).id}/`, { headers: auth });
  expect(one.json).toEqual({ statusCode: 200, message: 'Container retrieved', data: container(1) });
});

it('parses bodies with its own rules', async () => {
  const url = `/api/v1/containers/${container(1).id}`;
  const json = { ...auth, 'content-type': 'application/json' };
  expect((await send('PATCH', url, { headers: json, body: '{"name": "renamed"}' })).status).toBe(200);
  expect((await send('PATCH', url, { headers: json, body: '{"name": ' })).json).toMatchObject({
    statusCode: 400,
    error: 'VALIDATION_FAILED',
  });
  expect((await send('PATCH', url, { headers: json, body: 'x'.repeat(1024 * 1024 + 1) })).json).toEqual({
    statusCode: 413,
    error: 'PAYLOAD_TOO_LARGE',
    message: 'Request body is larger than 1 MiB',
  });
});

it('answers unknown routes under the base path in the error shape, and leaves the others to Nest', async () => {
  expect((await send('GET', '/api/v1/nope/')).json).toEqual({
    statusCode: 404,
    error: 'ROUTE_NOT_FOUND',
    message: 'Route GET /api/v1/nope/ not found',
  });
  const res = await send('PUT', '/api/v1/containers');
  expect(res.status).toBe(405);
  expect(res.headers['allow']).toBe('GET, HEAD');
  expect((await send('GET', '/health')).json).toMatchObject({ service: 'gateway-test', status: 'ok' });
  expect((await send('GET', '/nope')).status).toBe(404);
});

it('reads the realm of the Host header', async () => {
  const res = await send('GET', '/api/v1/health', { headers: { host: `${REALM_ID}.api.localhost:${service.httpPort}` } });
  expect(res.json).toEqual({ statusCode: 200, message: 'Healthy', data: { status: 'ok', realm: REALM_ID } });
});

it('serves the OpenAPI document next to the routes', async () => {
  const res = await send('GET', '/api/v1/openapi.json/');
  expect(res.json).toMatchObject({ openapi: '3.1.0', paths: { '/api/v1/containers': { get: { operationId: 'listContainers' } } } });
});
