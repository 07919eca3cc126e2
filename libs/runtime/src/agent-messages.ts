/**
 * What an agent publishes on NATS (core NATS, JSON bodies), for the scheduler to consume. The agent
 * owns nothing in the event store: the scheduler turns these into events of its own streams.
 */
import type { ContainerEventAction } from './container-events';
import type { HostSpecs } from './container-runtime';

/** Every agent's heartbeat, every HOODY_HEARTBEAT_MS. */
export const AGENT_HEARTBEAT_SUBJECT = 'hoody.agents.heartbeat';

/** A server name usable as one NATS subject token (and in a REST object): letters, digits, `_`, `-`. */
export const SERVER_NAME_PATTERN = /^[A-Za-z0-9_-]{1,63}$/;

/** Container events of one server's engine: `hoody.agents.<serverName>.container-events`. */
export function containerEventsSubject(serverName: string): string {
  if (!SERVER_NAME_PATTERN.test(serverName)) throw new Error(`server name ${JSON.stringify(serverName)} is not a NATS subject token ([A-Za-z0-9_-]{1,63})`);
  return `hoody.agents.${serverName}.container-events`;
}

/** All servers' container events (a subscription wildcard). */
export const ALL_CONTAINER_EVENTS_SUBJECT = 'hoody.agents.*.container-events';

export interface AgentHeartbeat {
  serverName: string;
  /** `host:port` of the agent's gRPC server (AgentService). */
  agentUrl: string;
  specs: HostSpecs;
  capacity: {
    /** Hoody containers on the engine, in any state. */
    used: number;
    max: number;
  };
  /** ISO 8601. */
  at: string;
  /** The agent's join token (HOODY_JOIN_TOKEN): lets the scheduler register a server it does not know. */
  joinToken?: string;
}

export interface AgentContainerEvent {
  serverName: string;
  containerId: string;
  projectId?: string;
  dockerId: string;
  action: ContainerEventAction;
  /** On `die`. */
  exitCode?: number;
  /** ISO 8601, the engine's time of the event. */
  at: string;
}
