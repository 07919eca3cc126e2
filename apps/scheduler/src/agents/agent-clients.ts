import { status, type ServiceError } from '@grpc/grpc-js';
import { agent, createGrpcClient, ERROR_CODE_METADATA_KEY, type GrpcPromiseClient } from '@hoody/contracts';
import { rpcError } from '@hoody/service-kit';
import type { RpcException } from '@nestjs/microservices';

export type AgentClient = GrpcPromiseClient<typeof agent.AgentServiceService>;

/** Call deadlines (ms). Creating may import the base image into the engine first. */
export const AGENT_TIMEOUTS = {
  create: 120_000,
  operation: 60_000,
  quick: 15_000,
} as const;

export const deadline = (ms: number) => ({ deadline: Date.now() + ms });

/** One gRPC client per agent address, kept while the address is in use. */
export class AgentClients {
  private readonly clients = new Map<string, AgentClient>();

  for(agentUrl: string): AgentClient {
    let client = this.clients.get(agentUrl);
    if (!client) {
      client = createGrpcClient(agent.AgentServiceService, agentUrl);
      this.clients.set(agentUrl, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.$close();
    this.clients.clear();
  }
}

/** What an agent call failed with: the gRPC status, the REST machine code of its trailer (if it answered). */
export interface AgentFailure {
  code: status;
  /** Absent when the agent never answered (unreachable, deadline passed, connection dropped). */
  errorCode?: string;
  message: string;
}

export function agentFailure(error: unknown): AgentFailure {
  const e = error as Partial<ServiceError>;
  const trailer = e.metadata?.get(ERROR_CODE_METADATA_KEY)[0];
  return {
    code: typeof e.code === 'number' ? e.code : status.UNKNOWN,
    ...(trailer ? { errorCode: String(trailer) } : {}),
    message: e.details || (error as Error)?.message || String(error),
  };
}

/**
 * Whether trying again later may succeed: the agent did not answer (the operation may or may not
 * have happened) or its engine is down. Anything else is the agent's definitive answer.
 */
export function worthRetrying(failure: AgentFailure): boolean {
  return failure.errorCode === undefined || failure.errorCode === 'SERVICE_UNAVAILABLE';
}

/** An agent's refusal passed on to the caller with its machine code; no answer at all as 503. */
export function agentRpcError(failure: AgentFailure, serverName: string): RpcException {
  if (failure.errorCode !== undefined) return rpcError(failure.code, failure.errorCode, failure.message);
  return rpcError(status.UNAVAILABLE, 'SERVICE_UNAVAILABLE', `the agent of server ${serverName} does not answer: ${failure.message}`);
}
