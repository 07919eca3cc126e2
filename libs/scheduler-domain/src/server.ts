import { assertNever, CommandRejected, type Decider } from '@hoody/decider';

/** One NATS subject token and a REST-friendly name: letters, digits, `_`, `-` (as the agent's). */
export const SERVER_NAME_PATTERN = /^[A-Za-z0-9_-]{1,63}$/;

/** The REST `specs` object. */
export interface ServerSpecs {
  cpuCores: number;
  ramGb: number;
  diskGb: number;
}

/** What an agent reports about where it runs: changes arrive with heartbeats or re-registrations. */
export interface ServerAgent {
  /** `host:port` of the agent's gRPC server. */
  agentUrl: string;
  specs: ServerSpecs;
  maxContainers: number;
}

/** A platform-labelled Docker container the platform has no record of. */
export interface OrphanContainer {
  containerId: string;
  dockerId: string;
  projectId: string;
  name: string;
  /** When a reconciliation first found it. */
  detectedAt: string;
}

export type ServerCommand =
  | {
      type: 'RegisterServer';
      serverId: string;
      name: string;
      ownerId: string;
      poolId: string | null;
      agent: ServerAgent;
      /** The join token it registered with; null for a trusted local agent. */
      joinTokenId: string | null;
      /** Hash of the credential the agent got back (RegisterServer RPC); null when it got none. */
      agentSecretHash: string | null;
      at: string;
    }
  | { type: 'UpdateServerAgent'; agent: ServerAgent; at: string }
  | { type: 'MarkServerOffline'; lastSeenAt: string | null; at: string }
  | { type: 'MarkServerOnline'; at: string }
  | { type: 'ReportOrphanContainers'; orphans: OrphanContainer[]; at: string }
  /** Puts the server in a server pool (its members may place containers on it), or takes it out (null). */
  | { type: 'SetServerPool'; poolId: string | null; at: string };

export type ServerEvent =
  | {
      type: 'ServerRegistered';
      data: {
        serverId: string;
        name: string;
        ownerId: string;
        poolId: string | null;
        agent: ServerAgent;
        joinTokenId: string | null;
        agentSecretHash: string | null;
        registeredAt: string;
      };
    }
  | { type: 'ServerAgentUpdated'; data: { changes: Partial<ServerAgent>; updatedAt: string } }
  | { type: 'ServerWentOffline'; data: { lastSeenAt: string | null; at: string } }
  | { type: 'ServerCameOnline'; data: { at: string } }
  | { type: 'ServerOrphansReported'; data: { orphans: OrphanContainer[]; at: string } }
  | { type: 'ServerPoolChanged'; data: { poolId: string | null; at: string } };

export interface ServerRecord {
  serverId: string;
  name: string;
  ownerId: string;
  poolId: string | null;
  agent: ServerAgent;
  agentSecretHash: string | null;
  orphans: OrphanContainer[];
  statusChangedAt: string;
  createdAt: string;
  updatedAt: string;
}

/** A registered server is online (it registered because it was alive) until it misses heartbeats. */
export type ServerState = { status: 'none' } | { status: 'online' | 'offline'; server: ServerRecord };

const notFound = () => new CommandRejected('SERVER_NOT_FOUND', 'server not found');

function validateAgent(agent: Partial<ServerAgent>): void {
  if (agent.agentUrl !== undefined && !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(agent.agentUrl)) {
    throw new CommandRejected('VALIDATION_FAILED', `agent address ${JSON.stringify(agent.agentUrl)} is not host:port`);
  }
  if (agent.maxContainers !== undefined && !(Number.isInteger(agent.maxContainers) && agent.maxContainers >= 1)) {
    throw new CommandRejected('VALIDATION_FAILED', 'max containers must be a positive integer');
  }
}

const sameSpecs = (a: ServerSpecs, b: ServerSpecs) => a.cpuCores === b.cpuCores && a.ramGb === b.ramGb && a.diskGb === b.diskGb;
const orphanKey = (orphans: OrphanContainer[]) => JSON.stringify([...orphans].map((o) => [o.containerId, o.dockerId]).sort());

/**
 * A server that runs an agent. Only transitions are events: heartbeats themselves are not stored,
 * a server going offline (missed heartbeats) and coming back are.
 */
export const serverDecider: Decider<ServerCommand, ServerEvent, ServerState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    if (command.type === 'RegisterServer') {
      if (state.status !== 'none') throw new CommandRejected('SERVER_EXISTS', `server ${command.serverId} already exists`);
      if (!SERVER_NAME_PATTERN.test(command.name)) throw new CommandRejected('VALIDATION_FAILED', 'server name: 1-63 characters of letters, digits, _ and -');
      validateAgent(command.agent);
      const { type: _type, at, ...data } = command;
      return [{ type: 'ServerRegistered', data: { ...data, registeredAt: at } }];
    }
    if (state.status === 'none') throw notFound();
    const server = state.server;
    switch (command.type) {
      case 'UpdateServerAgent': {
        validateAgent(command.agent);
        const changes: Partial<ServerAgent> = {};
        if (command.agent.agentUrl !== server.agent.agentUrl) changes.agentUrl = command.agent.agentUrl;
        if (!sameSpecs(command.agent.specs, server.agent.specs)) changes.specs = command.agent.specs;
        if (command.agent.maxContainers !== server.agent.maxContainers) changes.maxContainers = command.agent.maxContainers;
        return Object.keys(changes).length === 0 ? [] : [{ type: 'ServerAgentUpdated', data: { changes, updatedAt: command.at } }];
      }
      case 'MarkServerOffline':
        return state.status === 'online' ? [{ type: 'ServerWentOffline', data: { lastSeenAt: command.lastSeenAt, at: command.at } }] : [];
      case 'MarkServerOnline':
        return state.status === 'offline' ? [{ type: 'ServerCameOnline', data: { at: command.at } }] : [];
      case 'ReportOrphanContainers':
        return orphanKey(command.orphans) === orphanKey(server.orphans) ? [] : [{ type: 'ServerOrphansReported', data: { orphans: command.orphans, at: command.at } }];
      case 'SetServerPool':
        return command.poolId === server.poolId ? [] : [{ type: 'ServerPoolChanged', data: { poolId: command.poolId, at: command.at } }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    if (event.type === 'ServerRegistered') {
      const { registeredAt, ...data } = event.data;
      return {
        status: 'online',
        server: {
          serverId: data.serverId,
          name: data.name,
          ownerId: data.ownerId,
          poolId: data.poolId,
          agent: data.agent,
          agentSecretHash: data.agentSecretHash,
          orphans: [],
          statusChangedAt: registeredAt,
          createdAt: registeredAt,
          updatedAt: registeredAt,
        },
      };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'ServerAgentUpdated':
        return { ...state, server: { ...state.server, agent: { ...state.server.agent, ...event.data.changes }, updatedAt: event.data.updatedAt } };
      case 'ServerWentOffline':
        return { status: 'offline', server: { ...state.server, statusChangedAt: event.data.at, updatedAt: event.data.at } };
      case 'ServerCameOnline':
        return { status: 'online', server: { ...state.server, statusChangedAt: event.data.at, updatedAt: event.data.at } };
      case 'ServerOrphansReported':
        return { ...state, server: { ...state.server, orphans: event.data.orphans } };
      case 'ServerPoolChanged':
        return { ...state, server: { ...state.server, poolId: event.data.poolId, updatedAt: event.data.at } };
      default:
        return assertNever(event);
    }
  },
};
