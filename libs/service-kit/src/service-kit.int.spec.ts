import { createServer } from 'node:net';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { Controller, Inject, Module } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  auth,
  common,
  createGrpcClient,
  ERROR_CODE_METADATA_KEY,
  getPrincipal,
  type GrpcPromiseClient,
  setPrincipal,
} from '@hoody/contracts';
import { openEmbeddedEventStore, type RecordedEvent } from '@hoody/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditStream, bootstrapService, HealthRegistry, loadConfig, baseConfigSchema, MetricsRegistry, rpcError, type ServiceHandle } from './index';

// A tiny service implementing hoody.auth.v1.TokenService with canned answers: enough to exercise
// the bootstrap (gRPC through Nest, health, metrics, shutdown), not the auth domain.

const KNOWN_SECRET = 'hdy_test_secret';
let dependencyUp = true;

@Controller()
@auth.TokenServiceControllerMethods()
class TokenController implements auth.TokenServiceController {
  private readonly authentications;

  constructor(@Inject(MetricsRegistry) metrics: MetricsRegistry, @Inject(HealthRegistry) health: HealthRegistry) {
    this.authentications = metrics.counter({
      name: 'hoody_test_authentications_total',
      help: 'AuthenticateToken calls by outcome.',
      labelNames: ['outcome'],
    });
    health.register('dependency', () => ({ ok: dependencyUp, detail: dependencyUp ? 'up' : 'down' }));
  }

  authenticateToken(request: auth.AuthenticateTokenRequest): auth.AuthenticateTokenResponse {
    if (request.secret !== KNOWN_SECRET) {
      this.authentications.inc({ outcome: 'rejected' });
      const trailers = new Metadata();
      trailers.set(ERROR_CODE_METADATA_KEY, 'INVALID_TOKEN');
      throw new RpcException({ code: status.UNAUTHENTICATED, message: 'invalid token', metadata: trailers });
    }
    this.authentications.inc({ outcome: 'ok' });
    const token = auth.Token.fromPartial({
      id: '0123456789abcdef01234567',
      alias: 'test',
      prefix: 'hdy_',
      isEnabled: true,
      ipWhitelist: [request.clientIp],
      createdAt: { seconds: 1_700_000_000, nanos: 0 },
    });
    return {
      token,
      principal: common.Principal.fromPartial({ kind: common.PrincipalKind.USER, userId: 'u1', tokenId: token.id }),
      restrictions: undefined,
    };
  }

  // The principal arrives in the call metadata.
  getToken(request: auth.GetTokenRequest, metadata?: Metadata): auth.GetTokenResponse {
    const principal = getPrincipal(metadata);
    return { token: auth.Token.fromPartial({ id: request.id, userId: principal?.userId ?? '' }) };
  }

  createToken(): never {
    throw unimplemented();
  }
  listTokens(): never {
    throw unimplemented();
  }
  updateToken(): never {
    throw unimplemented();
  }
  deleteToken(): never {
    throw rpcError(status.NOT_FOUND, 'TOKEN_NOT_FOUND', 'token not found');
  }
  addTokenRealm(): never {
    throw unimplemented();
  }
  removeTokenRealm(): never {
    throw unimplemented();
  }
}

function unimplemented(): RpcException {
  return new RpcException({ code: status.UNIMPLEMENTED, message: 'not in this test service' });
}

@Module({ controllers: [TokenController] })
class TestAuthModule {}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('bootstrapService', () => {
  let service: ServiceHandle;
  let tokens: GrpcPromiseClient<typeof auth.TokenServiceService>;

  beforeAll(async () => {
    const config = loadConfig(baseConfigSchema, { HOODY_GRPC_PORT: '0', HOODY_HTTP_PORT: '0', HOODY_LOG_LEVEL: 'error' });
    service = await bootstrapService({
      name: 'test-auth',
      module: TestAuthModule,
      grpc: { package: 'hoody.auth.v1' },
      config,
    });
    tokens = createGrpcClient(auth.TokenServiceService, service.grpcUrl ?? '');
  });

  afterAll(async () => {
    tokens?.$close();
    await service?.close();
  });

  it('binds free ports when configured with 0 and reports them', () => {
    expect(service.grpcPort).toBeGreaterThan(0);
    expect(service.httpPort).toBeGreaterThan(0);
    expect(service.grpcUrl).toBe(`127.0.0.1:${service.grpcPort}`);
    expect(service.httpUrl).toBe(`http://127.0.0.1:${service.httpPort}`);
  });

  it('answers gRPC calls from a plain @grpc/grpc-js client built from the generated code', async () => {
    const response = await tokens.authenticateToken({ secret: KNOWN_SECRET, clientIp: '10.0.0.7', hostRealmId: '' });
    expect(response.token).toMatchObject({
      id: '0123456789abcdef01234567',
      prefix: 'hdy_',
      isEnabled: true,
      ipWhitelist: ['10.0.0.7'],
      createdAt: { seconds: 1_700_000_000, nanos: 0 },
    });
    expect(response.principal).toMatchObject({ kind: common.PrincipalKind.USER, userId: 'u1' });
    expect(response.restrictions).toBeUndefined();
  });

  it('passes call metadata to the handler', async () => {
    const metadata = setPrincipal(new Metadata(), common.Principal.fromPartial({ userId: 'u42' }));
    const response = await tokens.getToken({ id: 'abc' }, metadata);
    expect(response.token).toMatchObject({ id: 'abc', userId: 'u42' });
  });

  it('turns RpcException into a gRPC status with trailing metadata', async () => {
    const error = (await tokens
      .authenticateToken({ secret: 'hdy_wrong', clientIp: '', hostRealmId: '' })
      .catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(error.details).toBe('invalid token');
    expect(error.metadata.get(ERROR_CODE_METADATA_KEY)).toEqual(['INVALID_TOKEN']);
    await expect(tokens.listTokens({ page: undefined, realmId: '' })).rejects.toMatchObject({ code: status.UNIMPLEMENTED });
  });

  it('serves GET /health: 200 when every check passes, 503 when one fails', async () => {
    const ok = await fetch(`${service.httpUrl}/health`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await ok.json()).toMatchObject({
      service: 'test-auth',
      status: 'ok',
      checks: { dependency: { status: 'ok', detail: 'up' } },
    });

    dependencyUp = false;
    try {
      const degraded = await fetch(`${service.httpUrl}/health`);
      expect(degraded.status).toBe(503);
      expect(await degraded.json()).toMatchObject({
        service: 'test-auth',
        status: 'degraded',
        checks: { dependency: { status: 'fail', detail: 'down' } },
      });
    } finally {
      dependencyUp = true;
    }
  });

  it('serves GET /metrics as Prometheus text with default and service metrics', async () => {
    const response = await fetch(`${service.httpUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('# TYPE hoody_test_authentications_total counter');
    expect(text).toMatch(/^hoody_test_authentications_total\{outcome="ok",service="test-auth"\} 1$/m);
    expect(text).toMatch(/^hoody_test_authentications_total\{outcome="rejected",service="test-auth"\} 1$/m);
    expect(text).toContain('process_cpu_user_seconds_total{service="test-auth"}');
  });

  it('frees both ports on close()', async () => {
    const { grpcPort, httpPort } = service;
    tokens.$close();
    await service.close();
    await service.close(); // idempotent
    expect(await portIsFree(grpcPort ?? -1)).toBe(true);
    expect(await portIsFree(httpPort)).toBe(true);
  });
});

describe('bootstrapService with an audit store', () => {
  it('records refused calls that change something, with the caller; not reads, not failures, not agents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoody-audit-'));
    const store = openEmbeddedEventStore({ path: join(dir, 'events.db') });
    const config = loadConfig(baseConfigSchema, { HOODY_GRPC_PORT: '0', HOODY_HTTP_PORT: '0', HOODY_LOG_LEVEL: 'fatal' });
    const service = await bootstrapService({ name: 'audited', module: TestAuthModule, grpc: { package: 'hoody.auth.v1' }, config, defaultMetrics: false, auditStore: store });
    const tokens = createGrpcClient(auth.TokenServiceService, service.grpcUrl ?? '');
    try {
      const as = (realm = '') => setPrincipal(new Metadata(), common.Principal.fromPartial({ kind: common.PrincipalKind.USER, userId: 'u1', tokenId: 't1', activeRealmId: realm }));
      const id = 'abcdefabcdefabcdefabcdef';
      await expect(tokens.deleteToken({ id }, as('cccccccccccccccccccccccc'))).rejects.toMatchObject({ code: status.NOT_FOUND }); // recorded
      await expect(tokens.authenticateToken({ secret: 'nope', clientIp: '', hostRealmId: '' }, as())).rejects.toMatchObject({ code: status.UNAUTHENTICATED }); // a read
      await expect(tokens.createToken(auth.CreateTokenRequest.fromPartial({ alias: 'x' }), as())).rejects.toMatchObject({ code: status.UNIMPLEMENTED }); // not a refusal
      await expect(tokens.deleteToken({ id })).rejects.toMatchObject({ code: status.NOT_FOUND }); // no user
      const recorded: RecordedEvent[] = [];
      for await (const e of store.readStream(auditStream('audited'))) recorded.push(e);
      expect(recorded.map((e) => [e.type, e.data])).toEqual([
        [
          'RequestRefused',
          {
            operation: 'TokenService/deleteToken',
            code: 'TOKEN_NOT_FOUND',
            message: 'token not found',
            userId: 'u1',
            tokenId: 't1',
            realmIds: ['cccccccccccccccccccccccc'],
            resourceId: id,
            at: expect.any(String),
          },
        ],
      ]);
    } finally {
      tokens.$close();
      await service.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bootstrapService with a taken port', () => {
  it('fails clearly when the gRPC port is taken', async () => {
    const grpcLog = jest.spyOn(console, 'error').mockImplementation(() => undefined); // grpc-js logs the bind failure
    const first = await bootstrapService({
      name: 'first',
      module: TestAuthModule,
      grpc: { package: 'hoody.auth.v1' },
      config: loadConfig(baseConfigSchema, { HOODY_GRPC_PORT: '0', HOODY_HTTP_PORT: '0', HOODY_LOG_LEVEL: 'fatal' }),
      defaultMetrics: false,
    });
    try {
      const config = loadConfig(baseConfigSchema, {
        HOODY_GRPC_PORT: String(first.grpcPort),
        HOODY_HTTP_PORT: '0',
        HOODY_LOG_LEVEL: 'fatal',
      });
      await expect(
        bootstrapService({ name: 'second', module: TestAuthModule, grpc: { package: 'hoody.auth.v1' }, config, defaultMetrics: false }),
      ).rejects.toThrow(`gRPC server cannot bind 127.0.0.1:${first.grpcPort}`);
    } finally {
      grpcLog.mockRestore();
      await first.close();
    }
  });
});
