import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface NatsConnectionOptions {
  /** One URL or a comma-separated list (NATS_URL). */
  servers: string;
  /** Shown in the server's connection list: the service's name. */
  name: string;
  log?: (line: string) => void;
  /** Keep trying until a server answers, instead of failing when none does at first. */
  waitForServer?: boolean;
}

/**
 * A NATS connection for a service: keeps reconnecting for as long as the process lives, tells the
 * log when it loses or regains the server, and is drained (in-flight messages delivered) on close.
 */
export async function connectNats(options: NatsConnectionOptions): Promise<NatsConnection> {
  const log = options.log ?? ((line: string) => console.error(line));
  const nc = await connect({
    servers: options.servers.split(',').map((s) => s.trim()),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 10_000,
    waitOnFirstConnect: options.waitForServer ?? false,
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
        log(`nats ${options.name}: ${status.type}${'server' in status ? ` ${status.server}` : ''}`);
      }
    }
  })();
  return nc;
}

/** Delivers what is in flight, then closes. Safe to call twice. */
export async function drainNats(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) return;
  if (!nc.isDraining()) await nc.drain();
  await nc.closed();
}
