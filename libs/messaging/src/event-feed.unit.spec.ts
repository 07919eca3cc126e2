import { feedSubject } from './event-feed';

describe('feed subjects', () => {
  it('are hoody.events.<category>.<EventType>, the category being the stream name up to its first dash', () => {
    expect(feedSubject('container-5f1a', 'ContainerCreated')).toBe('hoody.events.container.ContainerCreated');
    expect(feedSubject('pool-a-b', 'PoolCreated')).toBe('hoody.events.pool.PoolCreated');
  });

  it('stay valid for dotted event types and streams without a category', () => {
    expect(feedSubject('snapshot-5f1', 'container.snapshot.created')).toBe('hoody.events.snapshot.container_snapshot_created');
    expect(feedSubject('system', 'Started')).toBe('hoody.events.system.Started');
  });
});
