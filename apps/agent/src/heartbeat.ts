import type { NatsConnection } from '@nats-io/transport-node';
import { AGENT_HEARTBEAT_SUBJECT, type AgentHeartbeat, type ContainerRuntime } from '@hoody/runtime';

export interface HeartbeatOptions {
  serverName: string;
  /** `host:port` of this agent's gRPC server. */
  agentUrl: string;
  maxContainers: number;
  /** Sent with every heartbeat: the scheduler registers a server it does not know yet with it. */
  joinToken?: string;
  intervalMs: number;
  log?: (line: string) => void;
}

/**
 * Publishes an AgentHeartbeat on `hoody.agents.heartbeat` at once and then every `intervalMs`.
 * While the engine does not answer, no heartbeat goes out: a server whose engine is down is not
 * available for containers, and the scheduler will see it go offline.
 */
export class HeartbeatPublisher {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = false;
  private failing = false;
  private readonly log: (line: string) => void;

  constructor(
    private readonly nc: NatsConnection,
    private readonly runtime: ContainerRuntime,
    private readonly options: HeartbeatOptions,
  ) {
    this.log = options.log ?? ((line) => console.error(line));
  }

  start(): void {
    if (this.current === undefined && this.timer === undefined && !this.stopped) this.tick();
  }

  /** Builds and publishes one heartbeat. */
  async beat(): Promise<AgentHeartbeat> {
    const [specs, containers] = await Promise.all([this.runtime.hostSpecs(), this.runtime.list()]);
    const heartbeat: AgentHeartbeat = {
      serverName: this.options.serverName,
      agentUrl: this.options.agentUrl,
      specs,
      capacity: { used: containers.length, max: this.options.maxContainers },
      at: new Date().toISOString(),
      ...(this.options.joinToken ? { joinToken: this.options.joinToken } : {}),
    };
    this.nc.publish(AGENT_HEARTBEAT_SUBJECT, JSON.stringify(heartbeat));
    return heartbeat;
  }

  /** No heartbeat after this resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private tick(): void {
    this.timer = undefined;
    this.current = this.beat()
      .then(
        () => {
          if (this.failing) this.log(`agent: heartbeats resumed`);
          this.failing = false;
        },
        (error: unknown) => {
          if (!this.failing) this.log(`agent: no heartbeat while the engine does not answer: ${(error as Error).message}`);
          this.failing = true;
        },
      )
      .finally(() => {
        this.current = undefined;
        if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.options.intervalMs);
      });
  }
}
