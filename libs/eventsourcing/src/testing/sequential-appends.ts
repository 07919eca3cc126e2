import { appendOneAfterAnother, type EventStore, type StreamAppend } from '@hoody/event-store';

/**
 * EventStoreDB's `appendToStreams` (one stream after the other, no multi-stream transaction) over
 * another store, for tests of callers on a store without multi-stream atomicity; `between` runs
 * before each append, where another writer can get in.
 */
export function withSequentialAppends(store: EventStore, between?: (streamId: string) => Promise<void>): EventStore {
  return Object.assign(Object.create(store) as EventStore, {
    atomicMultiStreamAppend: false,
    appendToStreams: (appends: StreamAppend[]) =>
      appendOneAfterAnother(appends, async ({ streamId, events, expectedRevision }) => {
        await between?.(streamId);
        return store.append(streamId, events, { expectedRevision });
      }),
  });
}
