import type { NatsConnection, Subscription } from '@nats-io/transport-node';

/**
 * Change notices of read models, on core NATS (not the event feed): the owner of a read model
 * publishes one after every commit that moved it, and caches of answers computed from it (the
 * gateway's) drop what they hold. Subject: `hoody.readmodel.<name>.changed`, payload: the read
 * model's checkpoint (a store position) as text.
 */
export const readModelChangedSubject = (name: string) => `hoody.readmodel.${name}.changed`;

/** A publisher for ProjectionRunner's `onCommitted`. */
export function readModelChangePublisher(nc: NatsConnection, name: string): (checkpoint: number) => void {
  const subject = readModelChangedSubject(name);
  return (checkpoint) => {
    if (!nc.isClosed() && !nc.isDraining()) nc.publish(subject, String(checkpoint));
  };
}

export interface ReadModelChangeHandlers {
  /** A read model moved. */
  changed(name: string, checkpoint: number): void;
  /** Notices may have been missed (the connection was lost): whatever depends on them must stop trusting them. */
  lost(): void;
  /** The connection is back and the subscription live again. */
  restored(): void;
}

/** Follows every read model's change notices, and tells when they cannot be relied on. */
export function watchReadModelChanges(nc: NatsConnection, handlers: ReadModelChangeHandlers): Subscription {
  const subscription = nc.subscribe(readModelChangedSubject('*'), {
    callback: (error, message) => {
      if (error) return handlers.lost();
      handlers.changed(message.subject.split('.')[2], Number(message.string()));
    },
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') handlers.lost();
      else if (status.type === 'reconnect') handlers.restored();
      else if (status.type === 'slowConsumer') {
        // messages were dropped: what they would have said is unknown, so start afresh
        handlers.lost();
        handlers.restored();
      }
    }
  })();
  return subscription;
}
