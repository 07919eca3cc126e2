import 'reflect-metadata';
import { isAbsolute, relative } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type DynamicModule, type LogLevel as NestLogLevel, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadProtoPackageDefinition, PROTO_PACKAGES, PROTO_ROOT, protoFiles, type ProtoService } from '@hoody/contracts';
import type { EventStore } from '@hoody/event-store';
import type { BaseConfig, LogLevel } from './config';
import { PortReportingGrpcServer } from './grpc-server';
import { HealthRegistry } from './health';
import { MetricsRegistry } from './metrics';
import { RefusalAudit } from './refusal-audit';
import { ServiceKitModule } from './service-kit.module';

export interface GrpcServiceOptions {
  /** Proto package(s) the service implements, e.g. `hoody.auth.v1`. */
  package: string | string[];
  /**
   * .proto files to load, relative to PROTO_ROOT (absolute paths under it work too).
   * Default: every file of the given packages (see `protoFiles` of @hoody/contracts).
   */
  protoPath?: string | string[];
  /** Wait for in-flight calls on close instead of cancelling them (default false). */
  gracefulShutdown?: boolean;
  maxReceiveMessageLength?: number;
  maxSendMessageLength?: number;
}

export interface BootstrapOptions<C extends BaseConfig = BaseConfig> {
  /** The service's name: in /health, logs, and the `service` label of every metric. */
  name: string;
  /** The service's root module (controllers with @GrpcMethod handlers, providers...). */
  module: Type<unknown> | DynamicModule;
  /** Serve gRPC on HOODY_GRPC_PORT; without it only HTTP (/health, /metrics, the module's routes) runs. */
  grpc?: GrpcServiceOptions;
  /** Validated configuration (loadConfig); injectable as SERVICE_CONFIG. */
  config: C;
  /** Default true: Node.js default metrics in the registry. */
  defaultMetrics?: boolean;
  /** Record refused calls that change something (RefusalAudit) in this store. */
  auditStore?: EventStore;
}

export interface ServiceHandle {
  app: NestFastifyApplication;
  /** `host:port` a gRPC client on this machine can dial (undefined without `grpc`). */
  grpcUrl: string | undefined;
  /** `http://host:port` of /health, /metrics and the module's HTTP routes. */
  httpUrl: string;
  /** Bound ports (the real ones when configured as 0). */
  grpcPort: number | undefined;
  httpPort: number;
  health: HealthRegistry;
  metrics: MetricsRegistry;
  /** Stops both servers and the Nest application (idempotent); the ports are free afterwards. */
  close(): Promise<void>;
}

@Module({})
class ServiceRootModule {}

const NEST_LOG_LEVELS: Record<LogLevel, NestLogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/**
 * Starts a service process: a NestJS application on Fastify serving HTTP on HOODY_HTTP_PORT
 * (`GET /health`, `GET /metrics`, plus the module's own routes) and, with `grpc`, a Nest gRPC
 * microservice (@grpc/grpc-js) on HOODY_GRPC_PORT, loading its protos from PROTO_ROOT. Both bind
 * HOODY_HOST; port 0 binds a free port, reported in the handle. Shutdown hooks are enabled
 * (SIGTERM/SIGINT close the app).
 */
export async function bootstrapService<C extends BaseConfig>(options: BootstrapOptions<C>): Promise<ServiceHandle> {
  const { name, config } = options;
  const health = new HealthRegistry();
  const metrics = new MetricsRegistry(name, { defaultMetrics: options.defaultMetrics });

  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [ServiceKitModule.forRoot({ name, config, health, metrics }), options.module],
  };
  const app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), {
    logger: NEST_LOG_LEVELS[config.HOODY_LOG_LEVEL],
    abortOnError: false,
  });

  try {
    app.enableShutdownHooks();
    registerOperationalRoutes(app, name, health, metrics);
    if (options.auditStore) app.useGlobalInterceptors(new RefusalAudit(name, options.auditStore));

    let grpcServer: PortReportingGrpcServer | undefined;
    if (options.grpc) {
      grpcServer = new PortReportingGrpcServer({
        url: `${urlHost(config.HOODY_HOST)}:${config.HOODY_GRPC_PORT}`,
        package: options.grpc.package,
        packageDefinition: loadProtoPackageDefinition(grpcProtoFiles(options.grpc)),
        gracefulShutdown: options.grpc.gracefulShutdown ?? false,
        maxReceiveMessageLength: options.grpc.maxReceiveMessageLength,
        maxSendMessageLength: options.grpc.maxSendMessageLength,
      });
      app.connectMicroservice({ strategy: grpcServer }, { inheritAppConfig: true });
      await app.startAllMicroservices();
    }

    await app.listen(config.HOODY_HTTP_PORT, config.HOODY_HOST);
    const httpPort = (app.getHttpServer().address() as AddressInfo).port;
    const grpcPort = grpcServer?.port;
    const dialHost = urlHost(dialableHost(config.HOODY_HOST));

    let closing: Promise<void> | undefined;
    return {
      app,
      grpcUrl: grpcPort === undefined ? undefined : `${dialHost}:${grpcPort}`,
      httpUrl: `http://${dialHost}:${httpPort}`,
      grpcPort,
      httpPort,
      health,
      metrics,
      close: () => (closing ??= app.close()),
    };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}

/** `GET /health` and `GET /metrics`, straight on Fastify: outside any global prefix, guard or pipe. */
function registerOperationalRoutes(
  app: NestFastifyApplication,
  name: string,
  health: HealthRegistry,
  metrics: MetricsRegistry,
): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/health', async (_request, reply) => {
    const report = await health.run();
    return reply
      .code(report.status === 'ok' ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ service: name, status: report.status, checks: report.checks });
  });
  fastify.get('/metrics', async (_request, reply) => {
    const body = await metrics.metrics();
    return reply.code(200).header('content-type', metrics.contentType).send(body);
  });
}

function grpcProtoFiles(grpc: GrpcServiceOptions): string[] {
  if (grpc.protoPath !== undefined) {
    const paths = Array.isArray(grpc.protoPath) ? grpc.protoPath : [grpc.protoPath];
    return paths.map((p) => (isAbsolute(p) ? relative(PROTO_ROOT, p) : p));
  }
  const packages = Array.isArray(grpc.package) ? grpc.package : [grpc.package];
  return packages.flatMap((pkg) => {
    const service = (Object.keys(PROTO_PACKAGES) as ProtoService[]).find((s) => PROTO_PACKAGES[s] === pkg);
    if (!service) throw new Error(`bootstrapService: unknown proto package ${pkg}; pass grpc.protoPath`);
    return protoFiles(service);
  });
}

/** A wildcard bind address is dialled on loopback. */
function dialableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** IPv6 literals go in brackets in `host:port`. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
