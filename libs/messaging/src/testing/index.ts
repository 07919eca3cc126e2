import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { EVENT_FEED_STREAM, FeedHeaders } from '../event-feed';

export interface FeedMessage {
  seq: number;
  subject: string;
  msgId: string;
  position: number;
  event: { id: string; streamId: string; type: string; position: number };
}

/** Every message of the event feed, in stream order, through an ordered consumer. */
export async function readFeed(nc: NatsConnection): Promise<FeedMessage[]> {
  const jsm = await jetstreamManager(nc);
  const total = (await jsm.streams.info(EVENT_FEED_STREAM)).state.messages;
  const out: FeedMessage[] = [];
  if (total === 0) return out;
  const consumer = await jetstream(nc).consumers.get(EVENT_FEED_STREAM);
  const messages = await consumer.consume();
  for await (const m of messages) {
    out.push({
      seq: m.seq,
      subject: m.subject,
      msgId: m.headers?.get('Nats-Msg-Id') ?? '',
      position: Number(m.headers?.get(FeedHeaders.position)),
      event: m.json(),
    });
    if (out.length === total) break;
  }
  await messages.close();
  return out;
}

/** Resolves once the feed holds `count` messages (the stream may not exist yet). */
export async function waitForFeed(nc: NatsConnection, count: number, timeoutMs = 30_000): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const deadline = Date.now() + timeoutMs;
  const held = () => jsm.streams.info(EVENT_FEED_STREAM).then((i) => i.state.messages, () => 0);
  while ((await held()) < count) {
    if (Date.now() > deadline) throw new Error(`the feed did not reach ${count} messages in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
