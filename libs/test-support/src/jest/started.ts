/**
 * What the global setups started, kept for the global teardowns. Jest runs both in its main
 * process but may load them as separate module instances, so the state lives on globalThis.
 */
import type { DockerEngineHandle } from '../docker-engine';
import type { NatsServerHandle } from '../nats-server';

interface Started {
  nats: NatsServerHandle;
  docker: DockerEngineHandle;
}

const KEY = Symbol.for('hoody.test-support.started');

function registry(): Partial<Started> {
  const g = globalThis as { [KEY]?: Partial<Started> };
  return (g[KEY] ??= {});
}

export function setStarted<K extends keyof Started>(kind: K, handle: Started[K]): void {
  registry()[kind] = handle;
}

export function takeStarted<K extends keyof Started>(kind: K): Started[K] | undefined {
  const reg = registry();
  const handle = reg[kind];
  delete reg[kind];
  return handle;
}
