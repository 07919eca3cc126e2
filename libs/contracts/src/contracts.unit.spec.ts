import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import {
  agent,
  allProtoFiles,
  auth,
  common,
  dateFromTimestamp,
  getPrincipal,
  history,
  loadProtoPackageDefinition,
  PROTO_PACKAGES,
  PROTO_ROOT,
  PROTO_SERVICES,
  protoFiles,
  scheduler,
  setPrincipal,
  timestampFromDate,
} from './index';
import { Metadata } from '@grpc/grpc-js';

describe('PROTO_ROOT and the proto file lists', () => {
  it('resolves to the workspace proto/ directory (the buf module)', () => {
    expect(PROTO_ROOT).toBe(join(__dirname, '../../../proto'));
    expect(existsSync(join(PROTO_ROOT, 'buf.yaml'))).toBe(true);
  });

  it('knows every service directory under proto/hoody', () => {
    const onDisk = readdirSync(join(PROTO_ROOT, 'hoody')).sort();
    expect(onDisk).toEqual([...PROTO_SERVICES].sort());
  });

  it.each(PROTO_SERVICES)('lists existing .proto files for %s', (service) => {
    const files = protoFiles(service);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(file.startsWith(`${PROTO_PACKAGES[service].replace(/\./g, '/')}/`)).toBe(true);
      expect(existsSync(join(PROTO_ROOT, file))).toBe(true);
    }
  });
});

describe('loading with @grpc/proto-loader', () => {
  const definition = loadProtoPackageDefinition();

  it.each(PROTO_SERVICES)('loads every file of %s', (service) => {
    expect(() => loadProtoPackageDefinition(protoFiles(service))).not.toThrow();
  });

  it('holds exactly the services the generated code knows, with the same method paths', () => {
    // Every generated grpc-js definition (`<Svc>Service`) of every namespace, by full service name.
    const generated = new Map<string, string[]>();
    for (const namespace of [common, auth, scheduler, agent, history] as Record<string, unknown>[]) {
      for (const value of Object.values(namespace)) {
        if (value === null || typeof value !== 'object') continue;
        const methods = Object.values(value as Record<string, unknown>);
        const paths = methods.map((m) => (m as { path?: unknown })?.path).filter((p): p is string => typeof p === 'string');
        if (paths.length === 0 || paths.length !== methods.length) continue;
        generated.set(paths[0].split('/')[1], paths.sort());
      }
    }
    const loaded = new Map<string, string[]>();
    for (const [name, entry] of Object.entries(definition)) {
      if ('format' in entry) continue;
      loaded.set(name, Object.values(entry as ServiceDefinition).map((m) => m.path).sort());
    }
    expect(generated.size).toBeGreaterThanOrEqual(4);
    expect(new Map([...generated].sort())).toEqual(new Map([...loaded].sort()));
    expect(generated.get('hoody.auth.v1.TokenService')).toContain('/hoody.auth.v1.TokenService/AuthenticateToken');
    expect(allProtoFiles()).toEqual(PROTO_SERVICES.flatMap((s) => protoFiles(s)));
  });

  it('decodes what the generated code encodes into the generated shape (unset messages undefined)', () => {
    const method = (definition['hoody.auth.v1.TokenService'] as ServiceDefinition)['UpdateToken'] as MethodDefinition<
      auth.UpdateTokenRequest,
      unknown
    >;
    const request = auth.UpdateTokenRequest.fromPartial({
      id: '0123456789abcdef01234567',
      alias: '',
      realmIds: { values: [] },
      expiresAt: { seconds: 1_700_000_000, nanos: 5 },
    });
    const bytes = Buffer.from(auth.UpdateTokenRequest.encode(request).finish());
    const decoded = method.requestDeserialize(bytes) as auth.UpdateTokenRequest;
    expect(decoded).toEqual(request);
    expect(decoded.permissions).toBeUndefined();
    expect(decoded.isEnabled).toBeUndefined();
    expect(decoded.alias).toBe('');
    expect(decoded.clearExpiresAt).toBe(false);
  });

  it('keeps enums numeric and maps as objects', () => {
    const method = (definition['hoody.scheduler.v1.ContainerService'] as ServiceDefinition)['GetContainer'] as MethodDefinition<
      unknown,
      scheduler.GetContainerResponse
    >;
    const response = scheduler.GetContainerResponse.fromPartial({
      container: { id: 'c', status: scheduler.ContainerStatus.RUNNING, environmentVars: { A: '1' } },
    });
    const decoded = method.responseDeserialize(method.responseSerialize(response));
    expect(decoded).toEqual(response);
    expect(decoded.container?.status).toBe(2);
  });
});

describe('helpers', () => {
  it('round-trips a principal through metadata', () => {
    const principal = common.Principal.fromPartial({ kind: common.PrincipalKind.USER, userId: 'u', realmIds: ['r'] });
    expect(getPrincipal(setPrincipal(new Metadata(), principal))).toEqual(principal);
    expect(getPrincipal(new Metadata())).toBeUndefined();
  });

  it('converts timestamps', () => {
    const date = new Date('2024-05-06T07:08:09.123Z');
    expect(timestampFromDate(date)).toEqual({ seconds: 1714979289, nanos: 123_000_000 });
    expect(dateFromTimestamp(timestampFromDate(date))).toEqual(date);
  });
});
