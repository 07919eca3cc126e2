import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { AGENT_HEARTBEAT_SUBJECT, ALL_CONTAINER_EVENTS_SUBJECT, type AgentContainerEvent, type AgentHeartbeat } from '@hoody/runtime';
import { SERVER_NAME_PATTERN } from '@hoody/scheduler-domain';
import { SYSTEM, type ContainerLifecycle } from '../containers/container-lifecycle';
import type { SchedulerQueries } from '../read-model/scheduler-queries';
import type { HeartbeatReport, ServerRegistry } from '../servers/server-registry';

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * An AgentHeartbeat as a HeartbeatReport, or undefined when the message is not one. A `joinToken`
 * field is honoured when present (agents do not send one yet; see the README).
 */
export function heartbeatReport(message: unknown): HeartbeatReport | undefined {
  const m = message as Partial<AgentHeartbeat> & { joinToken?: unknown };
  if (!m || typeof m !== 'object' || typeof m.serverName !== 'string' || !SERVER_NAME_PATTERN.test(m.serverName)) return undefined;
  if (typeof m.agentUrl !== 'string' || !m.specs || !m.capacity || !isNumber(m.capacity.max)) return undefined;
  const { cpu_cores, ram_gb, disk_gb } = m.specs;
  if (!isNumber(cpu_cores) || !isNumber(ram_gb) || !isNumber(disk_gb)) return undefined;
  return {
    serverName: m.serverName,
    agent: { agentUrl: m.agentUrl, specs: { cpuCores: cpu_cores, ramGb: ram_gb, diskGb: disk_gb }, maxContainers: m.capacity.max },
    ...(typeof m.joinToken === 'string' && m.joinToken ? { joinToken: m.joinToken } : {}),
  };
}

/**
 * Follows what agents publish on NATS: heartbeats (registration, liveness, agent address) and
 * their engines' container events. An event does not say what to record: it makes the scheduler
 * look at that container on its engine (after any operation on it in flight) and record what
 * differs, so a `die` of a running container ends as `stopped`, one caused by a stop the platform
 * asked for as nothing more.
 */
export class AgentMessages {
  private readonly subscriptions: Subscription[] = [];
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly registry: ServerRegistry,
    private readonly lifecycle: ContainerLifecycle,
    private readonly queries: SchedulerQueries,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    this.follow(AGENT_HEARTBEAT_SUBJECT, (message) => {
      const report = heartbeatReport(message);
      if (!report) return;
      void this.registry.heartbeat(report).catch((error: Error) => this.log(`scheduler: heartbeat of ${report.serverName} not recorded: ${error.message}`));
    });
    this.follow(ALL_CONTAINER_EVENTS_SUBJECT, (message) => {
      const event = message as Partial<AgentContainerEvent>;
      if (typeof event?.containerId !== 'string' || typeof event.serverName !== 'string') return;
      const row = this.queries.container(event.containerId);
      if (!row || row.serverName !== event.serverName) return; // not ours, or not from its server: reconciliation reports it
      void this.lifecycle.observe(row.id, SYSTEM.runtime);
    });
    await this.nc.flush();
  }

  async stop(): Promise<void> {
    for (const sub of this.subscriptions) sub.unsubscribe();
    await Promise.all(this.loops);
  }

  private follow(subject: string, handle: (message: unknown) => void): void {
    const sub = this.nc.subscribe(subject);
    this.subscriptions.push(sub);
    this.loops.push(
      (async () => {
        for await (const m of sub) {
          let body: unknown;
          try {
            body = m.json();
          } catch {
            continue;
          }
          handle(body);
        }
      })(),
    );
  }
}
