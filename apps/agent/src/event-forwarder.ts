import type { NatsConnection } from '@nats-io/transport-node';
import {
  containerEventsSubject,
  type AgentContainerEvent,
  type ContainerEvent,
  type ContainerEventStream,
  type ContainerRuntime,
} from '@hoody/runtime';

export interface EventForwarderOptions {
  serverName: string;
  log?: (line: string) => void;
  /** Called after each published event (metrics). */
  onForwarded?: (event: ContainerEvent) => void;
}

/**
 * Follows the engine's events of platform containers and publishes each on
 * `hoody.agents.<serverName>.container-events` (core NATS, JSON AgentContainerEvent). When the
 * engine connection breaks it resubscribes, with backoff, from the time of the last event it
 * forwarded, skipping the ones it already sent: nothing the engine still remembers is lost.
 */
export class ContainerEventForwarder {
  private readonly subject: string;
  private readonly log: (line: string) => void;
  private stream: ContainerEventStream | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly runtime: ContainerRuntime,
    private readonly options: EventForwarderOptions,
  ) {
    this.subject = containerEventsSubject(options.serverName);
    this.log = options.log ?? ((line) => console.error(line));
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stream?.close();
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let since: Date | undefined;
    /** Events already forwarded that carry the time `since` (a resubscription replays them). */
    let atSince = new Set<string>();
    let delayMs = 250;
    let failing = false;
    while (!this.stopped) {
      const stream = this.runtime.events(since ? { since } : {});
      this.stream = stream;
      try {
        await stream.ready;
        if (failing) this.log('agent: following engine events again');
        failing = false;
        delayMs = 250;
        for await (const event of stream) {
          const key = `${event.dockerId}/${event.action}/${event.at.getTime()}`;
          if (since && event.at.getTime() <= since.getTime() && (event.at.getTime() < since.getTime() || atSince.has(key))) continue;
          this.publish(event);
          if (!since || event.at.getTime() > since.getTime()) {
            since = event.at;
            atSince = new Set();
          }
          atSince.add(key);
        }
      } catch (error) {
        if (!failing) this.log(`agent: engine events interrupted, retrying: ${(error as Error).message}`);
        failing = true;
      } finally {
        stream.close();
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      delayMs = Math.min(delayMs * 2, 5_000);
    }
  }

  private publish(event: ContainerEvent): void {
    const message: AgentContainerEvent = {
      serverName: this.options.serverName,
      containerId: event.containerId,
      ...(event.projectId ? { projectId: event.projectId } : {}),
      dockerId: event.dockerId,
      action: event.action,
      ...(event.exitCode !== undefined ? { exitCode: event.exitCode } : {}),
      at: event.at.toISOString(),
    };
    this.nc.publish(this.subject, JSON.stringify(message));
    this.options.onForwarded?.(event);
  }
}
