import { given } from '@hoody/decider';
import { serverDecider, type ServerAgent, type ServerEvent } from './server';

const at = '2026-11-29T10:00:00.000Z';
const later = '2026-11-29T10:01:00.000Z';
const agent: ServerAgent = { agentUrl: '10.0.0.5:7450', specs: { cpuCores: 4, ramGb: 16, diskGb: 100 }, maxContainers: 50 };
const register = {
  type: 'RegisterServer' as const,
  serverId: 'a0a0a0a0a0a0a0a0a0a0a0a0',
  name: 'node-1',
  ownerId: 'u1',
  poolId: null,
  agent,
  joinTokenId: 'j1',
  agentSecretHash: 'h',
  at,
};
const registered: ServerEvent = {
  type: 'ServerRegistered',
  data: { serverId: register.serverId, name: 'node-1', ownerId: 'u1', poolId: null, agent, joinTokenId: 'j1', agentSecretHash: 'h', registeredAt: at },
};
const offline: ServerEvent = { type: 'ServerWentOffline', data: { lastSeenAt: at, at: later } };

describe('server decider', () => {
  it('registers a server once, online', () => {
    given(serverDecider, []).when(register).then([registered]);
    given(serverDecider, [registered]).when(register).thenRejected('SERVER_EXISTS');
    given(serverDecider, []).when({ ...register, name: 'bad name' }).thenRejected('VALIDATION_FAILED');
    given(serverDecider, []).when({ ...register, agent: { ...agent, agentUrl: 'nope' } }).thenRejected('VALIDATION_FAILED');
    given(serverDecider, []).when({ ...register, agent: { ...agent, maxContainers: 0 } }).thenRejected('VALIDATION_FAILED');
    given(serverDecider, [registered]).thenState({
      status: 'online',
      server: { serverId: register.serverId, name: 'node-1', ownerId: 'u1', poolId: null, agent, agentSecretHash: 'h', orphans: [], statusChangedAt: at, createdAt: at, updatedAt: at },
    });
  });

  it('records only the transitions between online and offline, not heartbeats', () => {
    given(serverDecider, [registered]).when({ type: 'MarkServerOffline', lastSeenAt: at, at: later }).then([offline]);
    given(serverDecider, [registered, offline]).when({ type: 'MarkServerOffline', lastSeenAt: at, at: later }).then([]);
    given(serverDecider, [registered]).when({ type: 'MarkServerOnline', at: later }).then([]);
    given(serverDecider, [registered, offline]).when({ type: 'MarkServerOnline', at: later }).then([{ type: 'ServerCameOnline', data: { at: later } }]);
    given(serverDecider, []).when({ type: 'MarkServerOnline', at }).thenRejected('SERVER_NOT_FOUND');
  });

  it('records a new agent address or capacity when the agent reports one', () => {
    given(serverDecider, [registered]).when({ type: 'UpdateServerAgent', agent, at: later }).then([]);
    given(serverDecider, [registered])
      .when({ type: 'UpdateServerAgent', agent: { ...agent, agentUrl: '10.0.0.6:7450', maxContainers: 60 }, at: later })
      .then([{ type: 'ServerAgentUpdated', data: { changes: { agentUrl: '10.0.0.6:7450', maxContainers: 60 }, updatedAt: later } }]);
    given(serverDecider, [registered])
      .when({ type: 'UpdateServerAgent', agent: { ...agent, specs: { ...agent.specs, diskGb: 200 } }, at: later })
      .then([{ type: 'ServerAgentUpdated', data: { changes: { specs: { cpuCores: 4, ramGb: 16, diskGb: 200 } }, updatedAt: later } }]);
  });

  it('reports orphan containers when the set changes, and their disappearance', () => {
    const orphan = { containerId: 'c1', dockerId: 'd1', projectId: 'p1', name: 'x', detectedAt: at };
    const reported: ServerEvent = { type: 'ServerOrphansReported', data: { orphans: [orphan], at } };
    given(serverDecider, [registered]).when({ type: 'ReportOrphanContainers', orphans: [], at }).then([]);
    given(serverDecider, [registered]).when({ type: 'ReportOrphanContainers', orphans: [orphan], at }).then([reported]);
    given(serverDecider, [registered, reported]).when({ type: 'ReportOrphanContainers', orphans: [{ ...orphan, detectedAt: later }], at: later }).then([]);
    given(serverDecider, [registered, reported])
      .when({ type: 'ReportOrphanContainers', orphans: [], at: later })
      .then([{ type: 'ServerOrphansReported', data: { orphans: [], at: later } }]);
  });

  it('puts a server in a pool and takes it out, recording only changes', () => {
    const pool = 'b1b1b1b1b1b1b1b1b1b1b1b1';
    const joined: ServerEvent = { type: 'ServerPoolChanged', data: { poolId: pool, at: later } };
    given(serverDecider, [registered]).when({ type: 'SetServerPool', poolId: pool, at: later }).then([joined]);
    given(serverDecider, [registered, joined]).when({ type: 'SetServerPool', poolId: pool, at: later }).then([]);
    given(serverDecider, [registered, joined]).when({ type: 'SetServerPool', poolId: null, at: later }).then([{ type: 'ServerPoolChanged', data: { poolId: null, at: later } }]);
    given(serverDecider, []).when({ type: 'SetServerPool', poolId: pool, at: later }).thenRejected('SERVER_NOT_FOUND');
  });
});
