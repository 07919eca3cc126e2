export { EsdbEventStore, openEventStoreDb, type EventStoreDbOptions } from './esdb-event-store';
