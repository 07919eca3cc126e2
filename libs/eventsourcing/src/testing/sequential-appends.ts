import { WrongExpectedRevisionError, type AppendResult, type EventStore, type StreamAppend } from '@hoody/event-store';

/**
 * EventStoreDB's `appendToStreams` (one stream after the other, no multi-stream transaction) over
 * another store, for tests of callers on a store without multi-stream atomicity; `between` runs
 * before each append, where another writer can get in.
 */
export function withSequentialAppends(store: EventStore, between?: (streamId: string) => Promise<void>): EventStore {
  return Object.assign(Object.create(store) as EventStore, {
    atomicMultiStreamAppend: false,
    async appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]> {
      const results: AppendResult[] = [];
      for (const { streamId, events, expectedRevision } of appends) {
        await between?.(streamId);
        try {
          results.push(await store.append(streamId, events, { expectedRevision }));
        } catch (error) {
          if (error instanceof WrongExpectedRevisionError) error.appendedBefore = results;
          throw error;
        }
      }
      return results;
    },
  });
}
