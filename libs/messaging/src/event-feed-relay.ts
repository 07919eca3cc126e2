import { MAX_EVENT_BYTES, type EventStore, type RecordedEvent, type Subscription } from '@hoody/event-store';
import { jetstream, type JetStreamClient, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { EVENT_FEED_STREAM, ensureEventFeedStream, feedSubject, FeedHeaders } from './event-feed';

export interface EventFeedRelayOptions {
  /** Publishes awaiting their acknowledgement at once (default 256). */
  maxInFlight?: number;
  log?: (line: string) => void;
}

/** Where the feed stands: the last event it holds, and the stream sequence that holds it. */
interface FeedHead {
  position: number;
  sequence: number;
}

/** Room for the recorded event's envelope and headers around the largest event the store takes. */
export const FEED_MESSAGE_ALLOWANCE = 64 * 1024;

/**
 * Follows the event store and publishes every event to the JetStream stream HOODY_EVENTS, in store
 * order, exactly once. The feed is its own checkpoint: on start the relay reads the position of the
 * feed's last message, checks that the store holds that very event there (a store restored from an
 * older copy would otherwise be silently skipped), and resumes after it. Each publish names the
 * stream sequence it expects to follow, so a lost publish stops the ones behind it instead of
 * letting them through out of order; `Nats-Msg-Id` (the event id) lets JetStream drop duplicates.
 */
export class EventFeedRelay {
  private js!: JetStreamClient;
  private jsm!: JetStreamManager;
  private subscription?: Subscription;
  private stopped = true;
  private loop?: Promise<void>;
  private acked: FeedHead = { position: 0, sequence: 0 };
  private readonly maxInFlight: number;
  private readonly log: (line: string) => void;
  /** Events relayed since start, for metrics. */
  relayed = 0;
  /** The last failure, cleared by the next successful publish; for health. */
  lastError: { message: string; at: Date } | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly nc: NatsConnection,
    options: EventFeedRelayOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 256;
    this.log = options.log ?? ((line) => console.error(line));
  }

  /** Position of the last event the feed is known to hold. */
  get position(): number {
    return this.acked.position;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    const maxPayload = this.nc.info?.max_payload ?? 0;
    if (maxPayload < MAX_EVENT_BYTES + FEED_MESSAGE_ALLOWANCE) {
      throw new Error(
        `the NATS server takes messages of at most ${maxPayload} bytes; the event feed needs ${MAX_EVENT_BYTES + FEED_MESSAGE_ALLOWANCE} (set max_payload: 8MB in its configuration)`,
      );
    }
    this.jsm = await ensureEventFeedStream(this.nc);
    this.js = jetstream(this.nc);
    this.stopped = false;
    this.loop = this.runForever();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.loop;
    this.loop = undefined;
  }

  private async runForever(): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      try {
        await ensureEventFeedStream(this.nc);
        await this.relayFrom(await this.feedHead());
        if (!this.stopped) throw new Error('the event store subscription ended');
      } catch (error) {
        failures++;
        if (this.stopped) return;
        this.lastError = { message: (error as Error).message, at: new Date() };
        const delay = Math.min(5000, 100 * 2 ** Math.min(failures, 6));
        this.log(`event relay: ${(error as Error).message}; resuming from the feed's head in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async feedHead(): Promise<FeedHead> {
    const info = await this.jsm.streams.info(EVENT_FEED_STREAM);
    const sequence = info.state.last_seq;
    if (sequence === 0) return { position: 0, sequence: 0 };
    const last = await this.jsm.streams.getMessage(EVENT_FEED_STREAM, { seq: sequence });
    const position = Number(last?.header.get(FeedHeaders.position));
    if (!last || !Number.isSafeInteger(position)) {
      throw new Error(`the feed's last message (sequence ${sequence}) carries no ${FeedHeaders.position} header`);
    }
    const expectedId = last.header.get('Nats-Msg-Id');
    let stored: RecordedEvent | undefined;
    for await (const e of this.store.readAll({ fromPosition: position - 1, maxCount: 1 })) stored = e;
    if (stored?.position !== position || stored.id !== expectedId) {
      throw new Error(
        `the feed is ahead of the event store: its last event ${expectedId} at position ${position} is not in the store (was the store restored from an older copy?)`,
      );
    }
    return { position, sequence };
  }

  private async relayFrom(head: FeedHead): Promise<void> {
    this.acked = head;
    const inFlight: Array<Promise<void>> = [];
    let failure: Error | undefined;
    let nextSequence = head.sequence;
    const subscription = this.store.subscribeToAll({ fromPosition: head.position });
    this.subscription = subscription;
    if (this.stopped) await subscription.close();
    const fail = (error: Error) => {
      failure ??= error;
      void subscription.close();
    };

    for await (const event of subscription) {
      const expected = nextSequence++;
      const publish = this.publish(event, expected)
        .then((ack) => {
          if (ack.seq !== expected + 1) {
            throw new Error(`event ${event.id} (position ${event.position}) was taken for a duplicate of feed message ${ack.seq}: its id is reused`);
          }
          this.acked = { position: event.position, sequence: ack.seq };
          this.relayed++;
          this.lastError = undefined;
        })
        .catch(fail);
      inFlight.push(publish);
      if (inFlight.length >= this.maxInFlight) await inFlight.shift();
      if (failure) break;
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
  }

  private publish(event: RecordedEvent, expectedLastSequence: number): Promise<PubAck> {
    const h = headers();
    h.set(FeedHeaders.position, String(event.position));
    h.set(FeedHeaders.stream, event.streamId);
    h.set(FeedHeaders.revision, String(event.revision));
    return this.js.publish(feedSubject(event.streamId, event.type), JSON.stringify(event), {
      msgID: event.id,
      headers: h,
      expect: { lastSequence: expectedLastSequence },
    });
  }
}
