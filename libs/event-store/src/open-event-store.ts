import { join } from 'node:path';
import { openEmbeddedEventStore, type Durability } from './embedded/sqlite-event-store';
import { openEventStoreDb } from './esdb';
import type { EventStore } from './port';

export interface EventStoreConfig {
  /** `esdb://…` (or `kurrentdb://…`): use that EventStoreDB/KurrentDB cluster. */
  eventStoreUrl?: string;
  /** Without a URL: the embedded store lives in `<home>/events.db`. */
  home: string;
  durability?: Durability;
}

/** The adapter the configuration asks for: EventStoreDB when a URL is given, else the embedded file. */
export function openEventStore(config: EventStoreConfig): EventStore {
  if (config.eventStoreUrl) return openEventStoreDb(config.eventStoreUrl);
  return openEmbeddedEventStore({ path: join(config.home, 'events.db'), durability: config.durability });
}
