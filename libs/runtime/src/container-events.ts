import type Dockerode from 'dockerode';
import { CONTAINER_ID_LABEL, MANAGED_LABEL, PROJECT_ID_LABEL } from './labels';

/** Engine events the platform cares about, for hoody containers only. */
export const CONTAINER_EVENT_ACTIONS = ['start', 'die', 'pause', 'unpause', 'destroy', 'oom'] as const;
export type ContainerEventAction = (typeof CONTAINER_EVENT_ACTIONS)[number];

export interface ContainerEvent {
  /** Platform id (label `hoody.container_id`). */
  containerId: string;
  projectId?: string;
  dockerId: string;
  /** `die`: the main process exited (any stop, kill, crash or plain exit); `destroy`: removed. */
  action: ContainerEventAction;
  /** The main process's exit code, on `die`. */
  exitCode?: number;
  /** When the engine recorded it. */
  at: Date;
}

export interface ContainerEventsOptions {
  /** Replay the engine's buffered events from this time on (the engine keeps the last few hundred). */
  since?: Date;
}

/**
 * A live feed of the engine's container events (`GET /events` filtered by the `hoody.managed`
 * label), as an async iterable. It connects when created: `await stream.ready` before acting makes
 * sure nothing is missed. Iteration ends when close() is called or the engine closes the
 * connection (an engine restart, say), and throws if the connection fails; resubscribe with
 * `since` to pick up what happened in between.
 */
export class ContainerEventStream implements AsyncIterable<ContainerEvent> {
  /** Settles once the engine has accepted the subscription. */
  readonly ready: Promise<void>;
  private readonly queue: ContainerEvent[] = [];
  private waiter: (() => void) | undefined;
  private stream: NodeJS.ReadableStream | undefined;
  private failure: Error | undefined;
  private ended = false;
  private partial = '';

  constructor(docker: Dockerode, options: ContainerEventsOptions = {}) {
    this.ready = this.open(docker, options);
    this.ready.catch(() => undefined); // surfaced through iteration too
  }

  private async open(docker: Dockerode, options: ContainerEventsOptions): Promise<void> {
    try {
      const stream = await docker.getEvents({
        ...(options.since ? { since: options.since.getTime() / 1000 } : {}),
        filters: { type: ['container'], label: [`${MANAGED_LABEL}=true`], event: [...CONTAINER_EVENT_ACTIONS] },
      });
      if (this.ended) {
        destroy(stream);
        return;
      }
      this.stream = stream;
      stream.on('data', (chunk: Buffer | string) => this.push(chunk.toString()));
      stream.once('error', (error: Error) => this.finish(error));
      stream.once('end', () => this.finish());
      stream.once('close', () => this.finish());
    } catch (error) {
      this.finish(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  /** Ends the iteration (events not yet taken are dropped) and the connection. Idempotent. */
  close(): void {
    this.queue.length = 0;
    this.finish();
    if (this.stream) destroy(this.stream);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ContainerEvent> {
    try {
      for (;;) {
        const next = this.queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.waiter = resolve));
      }
    } finally {
      this.close();
    }
  }

  private push(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const event = parseEngineEvent(line);
      if (event) this.queue.push(event);
    }
    this.wake();
  }

  private finish(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    if (error) this.failure = error;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

interface EngineEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** One line of the engine's event stream → a ContainerEvent, or undefined for anything else. */
export function parseEngineEvent(line: string): ContainerEvent | undefined {
  if (line.trim() === '') return undefined;
  let raw: EngineEvent;
  try {
    raw = JSON.parse(line) as EngineEvent;
  } catch {
    return undefined;
  }
  const action = (raw.Action ?? raw.status ?? '') as ContainerEventAction;
  const attributes = raw.Actor?.Attributes ?? {};
  const containerId = attributes[CONTAINER_ID_LABEL];
  if ((raw.Type !== undefined && raw.Type !== 'container') || !CONTAINER_EVENT_ACTIONS.includes(action) || !containerId) return undefined;
  const exitCode = attributes['exitCode'];
  const projectId = attributes[PROJECT_ID_LABEL];
  return {
    containerId,
    ...(projectId ? { projectId } : {}),
    dockerId: raw.Actor?.ID ?? raw.id ?? '',
    action,
    ...(action === 'die' && exitCode !== undefined && /^-?\d+$/.test(exitCode) ? { exitCode: Number(exitCode) } : {}),
    at: new Date(raw.timeNano !== undefined ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000),
  };
}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}
