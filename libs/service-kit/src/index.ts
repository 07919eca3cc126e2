export {
  loadConfig,
  loadConfigOrExit,
  ConfigError,
  type ConfigIssue,
  baseConfigSchema,
  type BaseConfig,
  LOG_LEVELS,
  type LogLevel,
  envPort,
  envHost,
  envUrl,
  envConnectionString,
  envPath,
  envEnum,
  envBoolean,
  envInt,
} from './config';
export {
  bootstrapService,
  type BootstrapOptions,
  type GrpcServiceOptions,
  type ServiceHandle,
} from './bootstrap';
export {
  HealthRegistry,
  type HealthCheck,
  type HealthCheckResult,
  type HealthCheckReport,
  type HealthReport,
} from './health';
export { MetricsRegistry } from './metrics';
export { PortReportingGrpcServer } from './grpc-server';
export { ServiceKitModule, SERVICE_NAME, SERVICE_CONFIG, type ServiceKitModuleOptions } from './service-kit.module';
export { rpcError, toRpcError } from './rpc-errors';
export { callerOf, eventMetadata } from './caller';
export { RefusalAudit, auditStream, type RequestRefusedData } from './refusal-audit';
