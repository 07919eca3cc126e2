import { Metadata } from '@grpc/grpc-js';
import { auth, common, createGrpcClient, history, scheduler, setPrincipal } from '@hoody/contracts';
import type { Principal } from '@hoody/http-api';
import type { GatewayConfig } from './config';

declare module '@hoody/http-api' {
  interface Principal {
    /** The principal as the services receive it in call metadata. */
    grpc: common.Principal;
    username: string;
  }
}

/** gRPC clients of the services behind the gateway, one channel each. */
export function connectBackends(config: GatewayConfig) {
  return {
    tokens: createGrpcClient(auth.TokenServiceService, config.HOODY_AUTH_GRPC),
    projects: createGrpcClient(auth.ProjectServiceService, config.HOODY_AUTH_GRPC),
    users: createGrpcClient(auth.UserServiceService, config.HOODY_AUTH_GRPC),
    pools: createGrpcClient(auth.PoolServiceService, config.HOODY_AUTH_GRPC),
    audit: createGrpcClient(auth.AuditServiceService, config.HOODY_AUTH_GRPC),
    containers: createGrpcClient(scheduler.ContainerServiceService, config.HOODY_SCHEDULER_GRPC),
    servers: createGrpcClient(scheduler.ServerServiceService, config.HOODY_SCHEDULER_GRPC),
    prespawn: createGrpcClient(scheduler.PrespawnServiceService, config.HOODY_SCHEDULER_GRPC),
    history: createGrpcClient(history.HistoryServiceService, config.HOODY_HISTORY_GRPC),
  };
}

export type Backends = ReturnType<typeof connectBackends>;

/** Call metadata carrying the caller to the services. */
export function as(principal: Principal | undefined, requestId?: string): Metadata {
  const metadata = new Metadata();
  if (requestId) metadata.set('x-request-id', requestId);
  return principal ? setPrincipal(metadata, principal.grpc) : metadata;
}
