import { CONTAINER_EVENT_TYPES } from '@hoody/scheduler-domain';
import { historyEventId, isPublic, publicEventType, publicPayload, resourceTypeOf, snakeCase } from './event-mapping';

const type = (streamId: string, eventType: string, data: unknown = {}) => publicEventType({ streamId, type: eventType, data });
const moved = (to: string) => ({ transition: { from: 'running', to, triggeredBy: 'system:runtime', at: '2024-01-01T00:00:00.000Z' } });

describe('public event types', () => {
  it('names container status changes by the status moved to', () => {
    expect(type('container-1', 'ContainerRequested', moved('creating'))).toBe('container.creating');
    expect(type('container-1', 'ContainerProvisioned', moved('running'))).toBe('container.running');
    expect(type('container-1', 'ContainerExited', moved('stopped'))).toBe('container.stopped');
    expect(type('container-1', 'ContainerMissing', moved('failed'))).toBe('container.failed');
    expect(type('container-1', 'ContainerDeletionRequested', moved('deleting'))).toBe('container.deleting');
    expect(type('container-1', 'ContainerUpdated', { changes: {} })).toBe('container.updated');
  });

  it('gives every container event of the domain a dotted name', () => {
    for (const eventType of CONTAINER_EVENT_TYPES) {
      const data = eventType === 'ContainerUpdated' ? { changes: {} } : moved('running');
      expect(type('container-1', eventType, data)).toMatch(/^container\.[a-z_]+$/);
    }
  });

  it('names the auth service events', () => {
    expect(type('token-1', 'TokenCreated')).toBe('auth.token.created');
    expect(type('token-1', 'TokenRevoked')).toBe('auth.token.deleted');
    expect(type('pool-1', 'PoolMemberInvited')).toBe('pool.member.invited');
    expect(type('project-1', 'ProjectCreated')).toBe('project.created');
    expect(type('server-1', 'ServerRegistered')).toBe('server.registered');
    expect(type('audit-auth', 'RequestRefused')).toBe('audit.request.refused');
  });

  it('derives a name for event types it does not know', () => {
    expect(type('container-1', 'ContainerSnapshotCreated')).toBe('container.snapshot_created');
    expect(type('share-1', 'ShareCreated')).toBe('share.created');
    expect(type('token-1', 'TokenUsed')).toBe('auth.token.used');
    expect(type('storageshare-1', 'StorageShareMounted')).toBe('storageshare.mounted');
    expect(type('network-1', 'EgressRouteSet')).toBe('network.egress_route_set');
    expect(snakeCase('HTTPProxySet')).toBe('http_proxy_set');
  });

  it('knows resource types and what is internal', () => {
    expect(resourceTypeOf('token-1')).toBe('auth.token');
    expect(resourceTypeOf('audit-scheduler')).toBe('request');
    expect(resourceTypeOf('share-1')).toBe('share');
    expect(isPublic({ streamId: 'name-username_abc', type: 'ReserveName' })).toBe(false);
    expect(isPublic({ streamId: 'jointoken-1', type: 'JoinTokenIssued' })).toBe(false);
    expect(isPublic({ streamId: '$stats-1', type: 'x' })).toBe(false);
    expect(isPublic({ streamId: 'container-1', type: 'ContainerRequested' })).toBe(true);
  });

  it('derives stable ids of 24 hex characters', () => {
    const id = historyEventId('5f0c7d2e-8f41-4b7e-9a51-0b6f3b1c2d3e');
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(historyEventId('5f0c7d2e-8f41-4b7e-9a51-0b6f3b1c2d3e')).toBe(id);
  });
});

describe('public payloads', () => {
  it('drops secret hashes and keeps only the names of environment variables, at any depth', () => {
    expect(
      publicPayload({
        tokenId: 't',
        secretHash: 'h1',
        agentSecretHash: 'h2',
        settings: { name: 'api', environmentVars: { B: '2', A: '1' }, realmIds: ['r'] },
        changes: { environment_vars: { X: 'y' } },
        list: [{ password: 'p', keep: 1 }],
        env: ['PATH=/bin', 'TOKEN=abc'],
        publicKey: 'ssh-ed25519 AAAA',
      }),
    ).toEqual({
      tokenId: 't',
      settings: { name: 'api', environmentVarNames: ['A', 'B'], realmIds: ['r'] },
      changes: { environment_var_names: ['X'] },
      list: [{ keep: 1 }],
      envVarNames: ['PATH', 'TOKEN'],
      publicKey: 'ssh-ed25519 AAAA',
    });
    expect(publicPayload(null)).toBeNull();
  });
});
