import type { RecordedEvent } from '@hoody/event-store';
import Database from 'better-sqlite3';
import { schedulerProjection } from './scheduler-projection';
import { SchedulerQueries } from './scheduler-queries';

/** A server's container count is a counter the projection keeps: it must always equal its live containers. */
describe('the scheduler read model: a server counts its containers as they come and go', () => {
  let db: Database.Database;
  let queries: SchedulerQueries;
  let position = 0;
  const at = () => new Date(Date.UTC(2026, 10, 29, 12, 0, position)).toISOString();
  const apply = (streamId: string, type: string, data: unknown) =>
    schedulerProjection.apply(db, { id: `e${++position}`, streamId, revision: 0, position, type, data, metadata: {}, createdAt: new Date() } as unknown as RecordedEvent);
  const settings = (name: string) => ({ name, color: null, autostart: true, environmentVars: {}, comment: null, realmIds: [] });
  const spec = { containerImage: '', hoodyKit: true, devKit: false, ramdisk: false, prespawn: false, bypassPrespawn: false, cpu: 1, memory: 1 };
  const transition = (from: string | null, to: string) => ({ transition: { from, to, triggeredBy: 'user:u', at: at() } });
  const register = (serverId: string) =>
    apply(`server-${serverId}`, 'ServerRegistered', { name: serverId, ownerId: 'u', poolId: null, agentSecretHash: null, registeredAt: at(), agent: { agentUrl: 'h:1', specs: {}, maxContainers: 10 } });
  const request = (id: string, serverId: string) =>
    apply(`container-${id}`, 'ContainerRequested', { containerId: id, projectId: 'p', serverId, settings: settings(id), spec, ...transition(null, 'creating') });
  const warm = (id: string, serverId: string) =>
    apply(`container-${id}`, 'WarmContainerRequested', { containerId: id, serverId, templateId: 't', generation: 1, settings: settings(id), spec, ...transition(null, 'creating') });
  const deleteContainer = (id: string, from: string) => {
    apply(`container-${id}`, 'ContainerDeletionRequested', transition(from, 'deleting'));
    apply(`container-${id}`, 'ContainerDeleted', transition('deleting', 'deleted'));
  };
  const used = (serverId: string) => queries.server(serverId)?.containersUsed;

  beforeEach(() => {
    db = new Database(':memory:');
    schedulerProjection.setup(db);
    queries = new SchedulerQueries(db);
  });
  afterEach(() => db.close());

  it('counts cold and warm containers from their request, a claim changes nothing, a deletion takes one off', () => {
    register('s1');
    expect(used('s1')).toBe(0);
    request('c1', 's1');
    warm('w1', 's1');
    expect(used('s1')).toBe(2);
    apply('container-w1', 'ContainerProvisioned', { dockerId: 'd', ...transition('creating', 'running') });
    apply('container-w1', 'ContainerClaimed', { projectId: 'p', settings: settings('mine'), claimedBy: 'user:u', claimedAt: at() });
    expect(used('s1')).toBe(2);
    deleteContainer('c1', 'creating');
    expect(used('s1')).toBe(1);
    register('s1'); // registered again: ignored, the count stays
    expect(used('s1')).toBe(1);
  });

  it('counts the containers already recorded when their server is registered after them', () => {
    request('c2', 's2');
    register('s2');
    expect(used('s2')).toBe(1);
    deleteContainer('c2', 'creating');
    expect(used('s2')).toBe(0);
  });
});
