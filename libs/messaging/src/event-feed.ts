import { jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

export const EVENT_FEED_STREAM = 'HOODY_EVENTS';
export const EVENT_FEED_PREFIX = 'hoody.events';

/** Headers every feed message carries besides `Nats-Msg-Id` (the event id). */
export const FeedHeaders = {
  position: 'Hoody-Position',
  stream: 'Hoody-Stream',
  revision: 'Hoody-Revision',
} as const;

/** `hoody.events.<category>.<EventType>`: the category is the stream name up to its first dash. */
export function feedSubject(streamId: string, eventType: string): string {
  const dash = streamId.indexOf('-');
  const category = dash === -1 ? streamId : streamId.slice(0, dash);
  return `${EVENT_FEED_PREFIX}.${category}.${eventType.replace(/\./g, '_')}`;
}

/** Creates the JetStream stream of the event feed, or leaves an existing one as it is. */
export async function ensureEventFeedStream(nc: NatsConnection, options: { duplicateWindowMs?: number } = {}): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(EVENT_FEED_STREAM);
  } catch {
    await jsm.streams.add({
      name: EVENT_FEED_STREAM,
      subjects: [`${EVENT_FEED_PREFIX}.>`],
      storage: StorageType.File,
      duplicate_window: (options.duplicateWindowMs ?? 120_000) * 1_000_000,
    });
  }
  return jsm;
}
