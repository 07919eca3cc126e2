import type { agent } from '@hoody/contracts';
import type { OrphanContainer } from '@hoody/scheduler-domain';
import { AGENT_TIMEOUTS, agentFailure, deadline, type AgentClients } from '../agents/agent-clients';
import type { SchedulerCommands } from '../commands/scheduler-commands';
import type { SchedulerMetrics } from '../metrics';
import type { SchedulerQueries } from '../read-model/scheduler-queries';
import type { ServerRegistry } from '../servers/server-registry';
import { observedOf, SYSTEM, systemMetadata, type ContainerLifecycle } from './container-lifecycle';

/** A container still `creating` this long after its request is given up (`failed`). */
export const PROVISIONING_GIVE_UP_MS = 10 * 60_000;

export interface ReconcilerOptions {
  intervalMs: number;
  log(line: string): void;
  metrics: SchedulerMetrics;
}

/**
 * Compares each online server's engine (the agent's ListContainers) with the containers the store
 * says are there, at a server's first heartbeat, when it comes back online, and every `intervalMs`:
 *
 * - a platform container whose Docker container is gone: `failed` with the `missing` reason
 *   (ContainerMissing); one whose Docker state differs (exited, started or paused outside the
 *   platform): the state the engine shows (ContainerExited, ContainerStatusObserved);
 * - `creating` with no provisioning running here (the scheduler restarted meanwhile): provisioned
 *   again (the agent's create is idempotent), given up after PROVISIONING_GIVE_UP_MS;
 * - `deleting`: the removal is tried again;
 * - a platform-labelled Docker container with no record (or a deleted one): reported on the
 *   server (ServerOrphansReported, the `orphan_containers` of GetServer), logged and counted
 *   (`hoody_scheduler_orphan_containers`); never deleted, never adopted;
 * - containers of deleted projects: deleted (a project's deletion cascades);
 * - when a server comes back online (it was recorded offline: its engine may have restarted), a
 *   container recorded `running` that the engine shows stopped is started again if its `autostart`
 *   is on (status logs: stopped, then running, by `system:autostart`); without autostart it stays
 *   `stopped`.
 */
export class Reconciler {
  private timer?: NodeJS.Timeout;
  private readonly running = new Map<string, Promise<void>>();
  /** Servers to reconcile once more after the current run; true when that run must autostart. */
  private readonly again = new Map<string, boolean>();
  /** Servers whose agent did not answer the last time (said once per streak). */
  private readonly unreachable = new Set<string>();
  private sweeping?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly lifecycle: ContainerLifecycle,
    private readonly commands: SchedulerCommands,
    private readonly queries: SchedulerQueries,
    private readonly agents: AgentClients,
    private readonly registry: ServerRegistry,
    private readonly options: ReconcilerOptions,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.reconcileAll(), this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
    await Promise.all([...this.running.values()]);
  }

  /** Every server this process has heard from since it came online, and the project cascade. */
  reconcileAll(): Promise<void> {
    this.sweeping ??= (async () => {
      await this.lifecycle.cascadeDeletedProjects();
      for (const server of this.queries.allServers()) {
        if (server.status === 'online' && this.registry.isAlive(server.id)) await this.reconcileServer(server.id);
      }
    })()
      .catch((error: Error) => this.options.log(`scheduler: reconciliation failed: ${error.message}`))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** One server; a request while one runs makes it run once more afterwards. */
  reconcileServer(serverId: string, options: { autostart?: boolean } = {}): Promise<void> {
    const autostart = options.autostart ?? false;
    if (this.stopped) return Promise.resolve();
    const current = this.running.get(serverId);
    if (current) {
      this.again.set(serverId, (this.again.get(serverId) ?? false) || autostart);
      return current;
    }
    const work = this.reconcileServerNow(serverId, autostart)
      .catch((error: Error) => this.options.log(`scheduler: reconciling server ${serverId} failed: ${error.message}`))
      .finally(() => {
        this.running.delete(serverId);
        const again = this.again.get(serverId);
        this.again.delete(serverId);
        if (again !== undefined) void this.reconcileServer(serverId, { autostart: again });
      });
    this.running.set(serverId, work);
    return work;
  }

  private async reconcileServerNow(serverId: string, autostart: boolean): Promise<void> {
    const server = this.queries.server(serverId);
    if (!server || server.status !== 'online') return;
    let engine: agent.ContainerInfo[];
    try {
      engine = (await this.agents.for(server.agentUrl).listContainers({ projectId: '' }, undefined, deadline(AGENT_TIMEOUTS.quick))).containers;
    } catch (error) {
      this.options.metrics.reconciled('unreachable');
      if (!this.unreachable.has(serverId)) this.options.log(`scheduler: cannot reconcile server ${server.name}: ${agentFailure(error).message}`);
      this.unreachable.add(serverId);
      return;
    }
    this.unreachable.delete(serverId);
    const onEngine = new Map(engine.map((c) => [c.containerId, c]));

    for (const row of this.queries.containersOnServer(serverId)) {
      if (row.status === 'creating') {
        if (this.lifecycle.isProvisioning(row.id)) continue;
        if (Date.now() - Date.parse(row.createdAt) > PROVISIONING_GIVE_UP_MS) {
          await this.lifecycle.abandonProvisioning(row.id, `provisioning did not finish within ${PROVISIONING_GIVE_UP_MS / 60_000} minutes`);
        } else {
          void this.lifecycle.provision(row.id);
        }
        continue;
      }
      if (row.status === 'deleting') {
        await this.lifecycle.observe(row.id, SYSTEM.reconciler);
        continue;
      }
      const info = onEngine.get(row.id);
      const engineStatus = info ? observedOf(info.state) : undefined;
      if (autostart && row.autostart && row.status === 'running' && engineStatus === 'stopped') {
        await this.lifecycle.autostart(row.id);
        continue;
      }
      const agrees = engineStatus !== undefined ? engineStatus === row.status : row.status === 'failed';
      // Looked at again, under the container's lock: the list may predate an operation in flight.
      if (!agrees) await this.lifecycle.observe(row.id, SYSTEM.reconciler);
    }

    await this.reportOrphans(serverId, engine);
    this.options.metrics.reconciled('ok');
  }

  private async reportOrphans(serverId: string, engine: agent.ContainerInfo[]): Promise<void> {
    const server = this.queries.server(serverId);
    if (!server) return;
    const known = new Map(server.orphans.map((o) => [o.containerId, o]));
    const orphans: OrphanContainer[] = [];
    for (const c of engine) {
      const record = this.queries.container(c.containerId);
      // A record makes it the platform's, unless it was deleted (a deletion removes the Docker
      // container before it is recorded, so one still there was made again outside the platform).
      if (record && record.status !== 'deleted' && record.serverId === serverId) continue;
      if (record?.status === 'deleted' && !(await this.stillOnEngine(server.agentUrl, c.containerId))) continue; // removed since the list
      const detectedAt = known.get(c.containerId)?.detectedAt ?? this.commands.now();
      orphans.push({ containerId: c.containerId, dockerId: c.dockerId, projectId: c.projectId, name: c.name, detectedAt });
    }
    for (const o of orphans) {
      if (!known.has(o.containerId)) this.options.log(`scheduler: server ${server.name} has a platform-labelled container with no record: ${o.containerId} (docker ${o.dockerId.slice(0, 12)}, name ${o.name || '-'}); reported, not deleted`);
    }
    this.options.metrics.orphanContainers(server.name, orphans.length);
    await this.commands.server(serverId, { type: 'ReportOrphanContainers', orphans, at: this.commands.now() }, systemMetadata(SYSTEM.reconciler));
  }

  private async stillOnEngine(agentUrl: string, containerId: string): Promise<boolean> {
    const { container } = await this.agents.for(agentUrl).inspectContainer({ containerId }, undefined, deadline(AGENT_TIMEOUTS.quick));
    return container !== undefined && observedOf(container.state) !== undefined;
  }
}
