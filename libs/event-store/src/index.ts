export * from './port';
export * from './errors';
export { MAX_EVENT_BYTES, validateStreamName } from './validation';
export { appendOneAfterAnother } from './one-after-another';
export { openEmbeddedEventStore, SqliteEventStore, type Durability, type EmbeddedEventStoreOptions } from './embedded/sqlite-event-store';
export { openEventStoreDb } from './esdb';
export { openEventStore, type EventStoreConfig } from './open-event-store';
