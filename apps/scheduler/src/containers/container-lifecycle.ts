import { status } from '@grpc/grpc-js';
import { agent, type common } from '@hoody/contracts';
import { CommandRejected } from '@hoody/decider';
import type { EventMetadata } from '@hoody/event-store';
import {
  containerDecider,
  fitsPerLimit,
  retirementsToFit,
  type Footprint,
  type MemberLimits,
  DELETABLE_FROM,
  OPERATION_RULES,
  operationCommand,
  type ContainerOperation,
  type ContainerSettings,
  type ContainerSpec,
  type ObservedState,
} from '@hoody/scheduler-domain';
import { rpcError } from '@hoody/service-kit';
import { AGENT_TIMEOUTS, agentFailure, agentRpcError, deadline, worthRetrying, type AgentClient, type AgentClients } from '../agents/agent-clients';
import { containerNameTaken, type SchedulerCommands } from '../commands/scheduler-commands';
import { KeyedLock } from '../keyed-lock';
import type { SchedulerMetrics } from '../metrics';
import type { WarmToYield } from '../read-model/prespawn-queries';
import type { ContainerRow, ProjectRow, SchedulerQueries, ServerRow } from '../read-model/scheduler-queries';
import type { PrespawnClaims } from '../prespawn/prespawn-claims';
import { visibility } from '../visibility';

/** `triggered_by` of what the platform does or sees on its own. */
export const SYSTEM = {
  provisioner: 'system:provisioner',
  runtime: 'system:runtime',
  reconciler: 'system:reconciler',
  autostart: 'system:autostart',
  prespawn: 'system:prespawn',
} as const;

export const systemMetadata = (who: string): EventMetadata => ({ principal: who });
export const triggeredBy = (caller: common.Principal) => `user:${caller.userId}`;

export interface CreateContainerInput {
  projectId: string;
  serverId: string;
  /** Empty: generated. */
  name: string;
  settings: Omit<ContainerSettings, 'name'>;
  spec: ContainerSpec;
}

export interface LifecycleOptions {
  /** How long a create waits for the agent before answering `creating`. */
  provisionWaitMs: number;
  log(line: string): void;
  metrics: SchedulerMetrics;
}

const OBSERVED: Partial<Record<agent.ContainerState, ObservedState>> = {
  [agent.ContainerState.RUNNING]: 'running',
  [agent.ContainerState.PAUSED]: 'paused',
  [agent.ContainerState.STOPPED]: 'stopped',
};

/** What the engine's state means for the platform; undefined when the engine does not have it. */
export const observedOf = (state: agent.ContainerState): ObservedState | undefined => OBSERVED[state];

const AGENT_OPERATIONS: Record<ContainerOperation, (client: AgentClient, containerId: string) => Promise<{ container?: agent.ContainerInfo }>> = {
  start: (c, containerId) => c.startContainer({ containerId }, undefined, deadline(AGENT_TIMEOUTS.operation)),
  stop: (c, containerId) => c.stopContainer({ containerId }, undefined, deadline(AGENT_TIMEOUTS.operation)),
  'force-stop': (c, containerId) => c.forceStopContainer({ containerId }, undefined, deadline(AGENT_TIMEOUTS.operation)),
  restart: (c, containerId) => c.restartContainer({ containerId }, undefined, deadline(AGENT_TIMEOUTS.operation)),
  pause: (c, containerId) => c.pauseContainer({ containerId }, undefined, deadline(AGENT_TIMEOUTS.operation)),
  resume: (c, containerId) => c.resumeContainer({ containerId }, undefined, deadline(AGENT_TIMEOUTS.operation)),
};

/** Resolves after `ms` or when `work` settles, whichever comes first; the timer never outlives it. */
async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Containers on their servers: validate, act through the server's agent, record. Everything that
 * touches one container (a caller's request, an engine event, reconciliation, background
 * provisioning) runs under that container's lock, so each decides on the outcome of the previous
 * one, and an engine event caused by an operation is looked at only once the operation is recorded.
 */
export class ContainerLifecycle {
  private readonly locks = new KeyedLock();
  private readonly provisioning = new Map<string, Promise<void>>();
  private readonly observing = new Set<string>();

  constructor(
    private readonly commands: SchedulerCommands,
    private readonly queries: SchedulerQueries,
    private readonly agents: AgentClients,
    private readonly claims: PrespawnClaims,
    private readonly options: LifecycleOptions,
  ) {}

  // ---- a caller's requests ------------------------------------------------------------------------

  /** A container out of the caller's sight does not exist. */
  visibleContainer(caller: common.Principal, containerId: string): ContainerRow {
    // One lookup with the caller's scope in it: out of sight costs what never existed costs.
    const row = this.queries.visibleContainer(containerId, visibility.containers(caller));
    if (!row) throw rpcError(status.NOT_FOUND, 'CONTAINER_NOT_FOUND', 'container not found');
    return row;
  }

  /**
   * The auth service's project, if the caller sees it. One the read model does not show yet may
   * have just been created: the read model catches up with the store before the answer is no.
   */
  async visibleProject(caller: common.Principal, projectId: string): Promise<ProjectRow> {
    let project = this.queries.project(projectId);
    if (!project) {
      await this.commands.catchUp();
      project = this.queries.project(projectId);
    }
    if (!project || !visibility.project(caller, project)) throw rpcError(status.NOT_FOUND, 'PROJECT_NOT_FOUND', 'project not found');
    return project;
  }

  /**
   * Serves the create from a ready warm container that matches it (`running` at once, no engine
   * call), unless `bypass_prespawn`. Otherwise records the request (`creating`), asks the server's
   * agent to create and start it, and waits up to `provisionWaitMs` for the outcome: `running` (or
   * `failed`, with the reason), or `creating` while provisioning finishes in the background.
   */
  async create(caller: common.Principal, input: CreateContainerInput, metadata: EventMetadata): Promise<ContainerRow> {
    const project = await this.visibleProject(caller, input.projectId);
    const poolRole = (poolId: string, userId: string) => this.queries.poolRole(poolId, userId);
    let server = this.queries.server(input.serverId);
    if (!server || (!caller.isAdmin && server.ownerId !== caller.userId)) {
      // Placing through a pool rests on the auth service's pools: decide on everything stored so
      // far, so that an accepted invitation, a removal or a deleted pool counts at once.
      await this.commands.catchUp();
      server = this.queries.server(input.serverId);
    }
    if (!visibility.placeOn(caller, server, poolRole)) throw rpcError(status.NOT_FOUND, 'SERVER_NOT_FOUND', 'server not found');
    if (server.status !== 'online') throw new CommandRejected('SERVER_OFFLINE', `server ${server.name} is offline: its agent has stopped sending heartbeats`);

    const newId = this.commands.newId();
    const name = input.name || `container-${newId.slice(0, 8)}`;
    // Counting and recording under one lock: two creates cannot both take the last place.
    const claimed = await this.locks.run('placement', async () => {
      const inProject = this.queries.projectContainerCount(project.id);
      if (project.maxContainers !== null && inProject >= project.maxContainers) {
        throw new CommandRejected(
          'CONTAINER_LIMIT_REACHED',
          `project ${project.alias} allows at most ${project.maxContainers} container${project.maxContainers === 1 ? '' : 's'} (max_containers)`,
        );
      }
      if (!input.spec.bypassPrespawn) {
        // A warm container already holds its place on the server: no capacity check. Taking someone
        // else's is a new placement on a pool's server: the member's own warm containers there give
        // their places up to it, once it is taken.
        const settings = { ...input.settings, name };
        const roomForNew = () => {
          const room = this.memberRoom(server, caller.userId, input.spec);
          return 'giving' in room ? room.giving.map((w) => w.id) : undefined;
        };
        const warm = await this.claims.claim(caller, { projectId: project.id, server, settings, spec: input.spec, triggeredBy: triggeredBy(caller), roomForNew }, metadata);
        if (warm) {
          await this.yieldPlaces(warm.giving);
          return warm.id;
        }
      }
      // The name's reservation decides, with the request; refused here first, a taken name costs no warm container its place.
      if (this.queries.containerNamed(project.id, name)) throw new CommandRejected('NAME_TAKEN', containerNameTaken(name));
      // Everything that must give way is found before anything does: a create refused gives nothing up.
      const room = this.memberRoom(server, caller.userId, input.spec);
      if ('refused' in room) throw new CommandRejected('POOL_MEMBER_LIMIT_REACHED', room.refused);
      const { giving } = room;
      // Warm containers hold places only while nobody needs them: a full server gives one up.
      const onServer = (this.queries.server(server.id)?.containersUsed ?? 0) - giving.filter((w) => w.serverId === server.id).length;
      const forPlace = onServer >= server.maxContainers ? this.claims.placeToYield(server.id, giving.map((w) => w.id)) : undefined;
      if (onServer >= server.maxContainers && !forPlace) {
        throw new CommandRejected('SERVER_CAPACITY_REACHED', `server ${server.name} holds at most ${server.maxContainers} containers`);
      }
      await this.yieldPlaces([...giving.map((w) => w.id), ...(forPlace ? [forPlace] : [])]);
      await this.commands.requestContainer(
        { containerId: newId, projectId: project.id, serverId: server.id, settings: { ...input.settings, name }, spec: input.spec, triggeredBy: triggeredBy(caller) },
        metadata,
      );
      return undefined;
    });
    if (claimed) return this.mustExist(claimed);
    await waitAtMost(this.provision(newId), this.options.provisionWaitMs);
    return this.mustExist(newId);
  }

  /** A pool member's placements on others' servers of the pool stay within the pool's per-member limits. */
  private checkPoolLimits(server: ServerRow, userId: string, spec: { cpu: number; memory: number }): void {
    const binding = this.queries.memberLimitsOn(server, userId);
    const refusal = binding && limitRefusal(binding.limits, this.queries.memberUsage(binding.poolId, userId), spec);
    if (refusal) throw new CommandRejected('POOL_MEMBER_LIMIT_REACHED', refusal);
  }

  /**
   * What a member's new container on `server` needs to give way within the pool's limits: nothing
   * when it fits, or off others' servers of a pool; else the member's own warm containers on the
   * pool's servers, in yield order, as many as it takes; refused when even all of them would not do.
   */
  private memberRoom(server: ServerRow, userId: string, spec: { cpu: number; memory: number }): { giving: WarmToYield[] } | { refused: string } {
    const binding = this.queries.memberLimitsOn(server, userId);
    if (!binding) return { giving: [] };
    const used = this.queries.memberUsage(binding.poolId, userId);
    const refused = limitRefusal(binding.limits, used, spec);
    if (!refused) return { giving: [] };
    const candidates = this.claims.memberPlacesToYield(binding.poolId, userId);
    const n = retirementsToFit(binding.limits, used, spec, candidates);
    return n === undefined ? { refused } : { giving: candidates.slice(0, n) };
  }

  async operate(caller: common.Principal, containerId: string, operation: ContainerOperation, metadata: EventMetadata): Promise<ContainerRow> {
    const row = this.visibleContainer(caller, containerId);
    const rule = OPERATION_RULES[operation];
    if (row.projectId === '') throw new CommandRejected('INVALID_STATE', 'a warm container waits in its prespawn pool: create a container to claim it');
    // Refused at once, without queueing behind a running provisioning.
    if (!rule.from.includes(row.status)) throw new CommandRejected('INVALID_STATE', `the container is ${row.status}: ${operation} needs it ${rule.from.join(' or ')}`);
    return this.locks.run(containerId, async () => {
      // Validate against the stream before acting; record only what the agent did.
      containerDecider.decide(operationCommand(operation, triggeredBy(caller), this.commands.now()), await this.commands.containerState(containerId));
      const server = this.reachableServerOf(row);
      let info: agent.ContainerInfo | undefined;
      try {
        info = (await AGENT_OPERATIONS[operation](this.agents.for(server.agentUrl), containerId)).container;
      } catch (error) {
        const failure = agentFailure(error);
        if (failure.errorCode === 'CONTAINER_NOT_FOUND' || failure.errorCode === 'INVALID_STATE') {
          // The engine disagrees with the store: record what it shows, then refuse.
          await this.observeNow(containerId, SYSTEM.runtime);
          const now = this.mustExist(containerId);
          throw new CommandRejected('INVALID_STATE', `the container is ${now.status}${now.statusReason ? ` (${now.statusReason})` : ''}: ${failure.message}`);
        }
        throw agentRpcError(failure, server.name);
      }
      await this.commands.container(containerId, operationCommand(operation, triggeredBy(caller), this.commands.now()), metadata);
      const observed = info && observedOf(info.state);
      if (info && observed !== rule.to) await this.recordReality(containerId, info, SYSTEM.runtime);
      return this.mustExist(containerId);
    });
  }

  async update(caller: common.Principal, containerId: string, changes: Partial<ContainerSettings>, metadata: EventMetadata): Promise<ContainerRow> {
    const row = this.visibleContainer(caller, containerId);
    return this.locks.run(containerId, async () => {
      await this.commands.updateContainer({ id: row.id, projectId: row.projectId, name: this.mustExist(containerId).name }, changes, metadata);
      return this.mustExist(containerId);
    });
  }

  /**
   * `deleting`, then the agent removes the Docker container and its kit, then `deleted` and the name
   * is free again. When the agent cannot be reached the container stays `deleting` and
   * reconciliation finishes the job once the server is back.
   */
  async delete(caller: common.Principal, containerId: string, metadata: EventMetadata): Promise<void> {
    const row = this.visibleContainer(caller, containerId);
    if (!DELETABLE_FROM.includes(row.status)) throw new CommandRejected('INVALID_STATE', `the container is ${row.status}: wait until it is created`);
    await this.locks.run(containerId, async () => {
      await this.commands.container(containerId, { type: 'DeleteContainer', triggeredBy: triggeredBy(caller), at: this.commands.now(), asSeenIn: row.projectId }, metadata);
      await this.removeNow(containerId, triggeredBy(caller), metadata);
    });
  }

  async exec(caller: common.Principal, containerId: string, request: { cmd: string[]; env: Record<string, string>; timeoutSeconds: number }): Promise<agent.ExecResponse> {
    const row = this.requireStatus(caller, containerId, ['running'], 'exec needs it running');
    const timeout = request.timeoutSeconds || 30;
    // The container's current environment_vars (an update cannot reach the running main process) under the call's own.
    const env = { ...row.environmentVars, ...request.env };
    return this.onAgent(row, (client) => client.exec({ containerId, cmd: request.cmd, env, timeoutSeconds: request.timeoutSeconds }, undefined, deadline(timeout * 1000 + AGENT_TIMEOUTS.quick)));
  }

  async logs(caller: common.Principal, containerId: string, tail: number): Promise<string[]> {
    const row = this.requireStatus(caller, containerId, ['running', 'paused', 'stopped'], 'it has no Docker container to read logs from');
    return (await this.onAgent(row, (client) => client.logs({ containerId, tail }, undefined, deadline(AGENT_TIMEOUTS.quick)))).lines;
  }

  async stats(caller: common.Principal, containerId: string): Promise<agent.StatsResponse> {
    const row = this.requireStatus(caller, containerId, ['running', 'paused'], 'stats need it running or paused');
    return this.onAgent(row, (client) => client.stats({ containerId }, undefined, deadline(AGENT_TIMEOUTS.quick)));
  }

  // ---- what the platform does on its own ----------------------------------------------------------

  isProvisioning(containerId: string): boolean {
    return this.provisioning.has(containerId);
  }

  /**
   * Asks the agent to create and start a `creating` container (idempotent on the agent: an existing
   * one is returned as it is) and records the outcome. An agent that does not answer leaves it
   * `creating`, for reconciliation to try again. Never rejects.
   */
  provision(containerId: string): Promise<void> {
    const running = this.provisioning.get(containerId);
    if (running) return running;
    const work = this.locks
      .run(containerId, () => this.provisionNow(containerId))
      .catch((error: Error) => this.options.log(`scheduler: provisioning ${containerId} failed: ${error.message}`))
      .finally(() => this.provisioning.delete(containerId));
    this.provisioning.set(containerId, work);
    return work;
  }

  /** Gives up on a container that has been `creating` for too long. */
  async abandonProvisioning(containerId: string, reason: string): Promise<void> {
    await this.locks.run(containerId, async () => {
      await this.commands.container(containerId, { type: 'RecordProvisioningFailed', reason, triggeredBy: SYSTEM.reconciler, at: this.commands.now() }, systemMetadata(SYSTEM.reconciler));
    });
  }

  /**
   * Looks at one container on its engine and records what differs (exited, started or paused
   * outside the platform, missing); finishes a pending deletion. Calls for a container that is
   * already waiting to be looked at are merged into that one.
   */
  observe(containerId: string, who: string): Promise<void> {
    if (this.observing.has(containerId)) return Promise.resolve();
    this.observing.add(containerId);
    return this.locks
      .run(containerId, () => {
        this.observing.delete(containerId);
        return this.observeNow(containerId, who);
      })
      .catch((error: Error) => this.options.log(`scheduler: looking at container ${containerId} failed: ${error.message}`));
  }

  /**
   * A container that was running when its server went away, and is stopped now that it is back:
   * the stop is recorded, then, its `autostart` being on, it is started again.
   */
  autostart(containerId: string): Promise<void> {
    return this.locks
      .run(containerId, async () => {
        await this.observeNow(containerId, SYSTEM.reconciler);
        const row = this.queries.container(containerId);
        if (!row || row.status !== 'stopped' || !row.autostart) return;
        const server = this.reachableServerOf(row);
        const { container } = await AGENT_OPERATIONS.start(this.agents.for(server.agentUrl), containerId);
        if (container) await this.recordReality(containerId, container, SYSTEM.autostart);
        this.options.log(`scheduler: container ${containerId} (${row.name}) started again on ${server.name} (autostart)`);
      })
      .catch((error: Error) => this.options.log(`scheduler: autostarting container ${containerId} failed: ${error.message}`));
  }

  /**
   * Warms a container for a prespawn template: recorded `creating`, then provisioned like any other.
   * Resolves once it is ready or failed; refused (SERVER_CAPACITY_REACHED) when the server is full.
   */
  async warm(input: { serverId: string; templateId: string; ownerId: string; generation: number; spec: ContainerSpec; environmentVars: Record<string, string> }): Promise<ContainerRow> {
    const containerId = this.commands.newId();
    // Counted and recorded under the lock cold creates take: a pool never takes a server's last place from under one.
    await this.locks.run('placement', async () => {
      const server = this.queries.server(input.serverId);
      if (!server || server.containersUsed >= server.maxContainers) throw new CommandRejected('SERVER_CAPACITY_REACHED', `server ${server?.name ?? input.serverId} is full`);
      // A pool member's warm containers on others' servers count against the member's limits there.
      this.checkPoolLimits(server, input.ownerId, input.spec);
      const { serverId, templateId, generation, spec, environmentVars } = input;
      const command = { type: 'RequestWarmContainer', containerId, serverId, templateId, generation, spec, environmentVars, triggeredBy: SYSTEM.prespawn, at: this.commands.now() } as const;
      await this.commands.container(containerId, command, systemMetadata(SYSTEM.prespawn));
    });
    await this.provision(containerId);
    return this.mustExist(containerId);
  }

  /**
   * Gives warm containers' places to a create: their retirements are recorded at once, and their
   * removal from the engine follows, outside the caller's lock. One the pool manager was retiring
   * meanwhile is on its way out all the same (and no claim can take one: claims hold that lock).
   */
  private async yieldPlaces(containerIds: string[]): Promise<void> {
    for (const containerId of containerIds) {
      if (!(await this.recordRetirement(containerId))) continue;
      void this.locks
        .run(containerId, () => this.removeNow(containerId, SYSTEM.prespawn, systemMetadata(SYSTEM.prespawn)))
        .catch((error: Error) => this.options.log(`scheduler: removing warm container ${containerId} failed: ${error.message}`));
    }
  }

  /** Removes a warm container nobody claimed (a claim that got there first keeps it). */
  retireWarm(containerId: string): Promise<void> {
    return this.locks
      .run(containerId, async () => {
        if (await this.recordRetirement(containerId)) await this.removeNow(containerId, SYSTEM.prespawn, systemMetadata(SYSTEM.prespawn));
      })
      .catch((error: Error) => this.options.log(`scheduler: retiring warm container ${containerId} failed: ${error.message}`));
  }

  /** `deleting` for a warm container nobody claimed; false when a claim got there first. */
  private async recordRetirement(containerId: string): Promise<boolean> {
    const events = await this.commands.container(containerId, { type: 'RetireWarmContainer', triggeredBy: SYSTEM.prespawn, at: this.commands.now() }, systemMetadata(SYSTEM.prespawn));
    return events.length > 0;
  }

  /** A project's deletion cascades to its containers (the auth service deletes projects; this follows). */
  async cascadeDeletedProjects(): Promise<void> {
    for (const row of this.queries.containersOfDeletedProjects()) {
      if (row.status === 'creating') continue; // once created
      await this.locks
        .run(row.id, async () => {
          const events = await this.commands.container(row.id, { type: 'DeleteContainer', triggeredBy: SYSTEM.reconciler, at: this.commands.now() }, systemMetadata(SYSTEM.reconciler));
          if (events.length > 0) this.options.log(`scheduler: deleting container ${row.id} (${row.name}): its project ${row.projectId} was deleted`);
          await this.removeNow(row.id, SYSTEM.reconciler, systemMetadata(SYSTEM.reconciler));
        })
        .catch((error: Error) => this.options.log(`scheduler: deleting container ${row.id} of a deleted project failed: ${error.message}`));
    }
  }

  /** Resolves once all queued work has run (shutdown, tests). */
  idle(): Promise<void> {
    return this.locks.idle();
  }

  // ------------------------------------------------------------------------------------------------

  private async provisionNow(containerId: string): Promise<void> {
    const row = this.queries.container(containerId);
    if (!row || row.status !== 'creating') return;
    const server = this.queries.server(row.serverId);
    const record = (reason: string) =>
      this.commands.container(containerId, { type: 'RecordProvisioningFailed', reason, triggeredBy: SYSTEM.provisioner, at: this.commands.now() }, systemMetadata(SYSTEM.provisioner));
    if (!server) return void (await record(`server ${row.serverId} is not registered`));
    try {
      const created = await this.agents.for(server.agentUrl).createContainer(
        agent.CreateContainerRequest.fromPartial({
          containerId,
          projectId: row.projectId,
          name: row.name,
          image: row.containerImage,
          env: row.environmentVars,
          hoodyKit: row.hoodyKit,
          cpu: row.cpu,
          memory: row.memory,
        }),
        undefined,
        deadline(AGENT_TIMEOUTS.create),
      );
      await this.commands.container(
        containerId,
        { type: 'RecordContainerProvisioned', dockerId: created.dockerId, observed: observedOf(created.state) ?? 'stopped', triggeredBy: SYSTEM.provisioner, at: this.commands.now() },
        systemMetadata(SYSTEM.provisioner),
      );
    } catch (error) {
      const failure = agentFailure(error);
      if (worthRetrying(failure)) {
        this.options.log(`scheduler: provisioning ${containerId} on ${server.name} is left for reconciliation: ${failure.message}`);
        return;
      }
      await record(`${failure.errorCode}: ${failure.message}`);
    }
  }

  private async observeNow(containerId: string, who: string): Promise<void> {
    const row = this.queries.container(containerId);
    if (!row || row.status === 'deleted' || row.status === 'creating') return;
    if (row.status === 'deleting') return this.removeNow(containerId, who, systemMetadata(who));
    const server = this.queries.server(row.serverId);
    if (!server) return;
    const { container } = await this.agents.for(server.agentUrl).inspectContainer({ containerId }, undefined, deadline(AGENT_TIMEOUTS.quick));
    if (container) await this.recordReality(containerId, container, who);
  }

  /** Records what the engine shows, where it differs from the store (the decider decides whether it does). */
  private async recordReality(containerId: string, info: agent.ContainerInfo, who: string): Promise<void> {
    const row = this.mustExist(containerId);
    const at = this.commands.now();
    const metadata = systemMetadata(who);
    const observed = observedOf(info.state);
    if (!observed) {
      const events = await this.commands.container(containerId, { type: 'RecordContainerMissing', triggeredBy: who, at }, metadata);
      if (events.length > 0) {
        this.options.metrics.containerMissing(row.serverName);
        this.options.log(`scheduler: container ${containerId} (${row.name}) is missing from server ${row.serverName}: now failed`);
      }
    } else if (observed === 'stopped' && (row.status === 'running' || row.status === 'paused')) {
      await this.commands.container(containerId, { type: 'RecordContainerExited', exitCode: info.exitCode ?? null, triggeredBy: who, at }, metadata);
    } else {
      await this.commands.container(containerId, { type: 'RecordContainerObserved', observed, dockerId: info.dockerId, triggeredBy: who, at }, metadata);
    }
  }

  private async removeNow(containerId: string, who: string, metadata: EventMetadata): Promise<void> {
    const row = this.queries.container(containerId);
    if (!row || row.status !== 'deleting') return;
    const server = this.queries.server(row.serverId);
    if (server?.status === 'offline') return; // reconciliation removes it once the server is back
    if (server) {
      try {
        await this.agents.for(server.agentUrl).removeContainer({ containerId }, undefined, deadline(AGENT_TIMEOUTS.operation));
      } catch (error) {
        const failure = agentFailure(error);
        if (failure.errorCode !== 'CONTAINER_NOT_FOUND') {
          this.options.log(`scheduler: container ${containerId} stays deleting until server ${server.name} removes it: ${failure.message}`);
          return;
        }
      }
    }
    await this.commands.container(containerId, { type: 'RecordContainerDeleted', triggeredBy: who, at: this.commands.now() }, metadata);
    await this.commands.releaseContainerName(row, metadata);
  }

  private requireStatus(caller: common.Principal, containerId: string, allowed: ContainerRow['status'][], why: string): ContainerRow {
    const row = this.visibleContainer(caller, containerId);
    if (!allowed.includes(row.status)) throw new CommandRejected('INVALID_STATE', `the container is ${row.status}: ${why}`);
    return row;
  }

  /** A pass-through call to the container's agent; an engine that disagrees gets the container looked at. */
  private async onAgent<T>(row: ContainerRow, call: (client: AgentClient) => Promise<T>): Promise<T> {
    const server = this.reachableServerOf(row);
    try {
      return await call(this.agents.for(server.agentUrl));
    } catch (error) {
      const failure = agentFailure(error);
      if (failure.errorCode === 'CONTAINER_NOT_FOUND' || failure.errorCode === 'INVALID_STATE') {
        void this.observe(row.id, SYSTEM.runtime);
        throw new CommandRejected('INVALID_STATE', failure.message);
      }
      throw agentRpcError(failure, server.name);
    }
  }

  private serverOf(row: ContainerRow): ServerRow {
    const server = this.queries.server(row.serverId);
    if (!server) throw rpcError(status.FAILED_PRECONDITION, 'INVALID_STATE', `the container's server ${row.serverId} is not registered`);
    return server;
  }

  /** An offline server is not called: its agent stopped heartbeating, a call would wait for its deadline. */
  private reachableServerOf(row: ContainerRow): ServerRow {
    const server = this.serverOf(row);
    if (server.status !== 'online') throw new CommandRejected('SERVER_OFFLINE', `server ${server.name} is offline: its agent has stopped sending heartbeats`);
    return server;
  }

  private mustExist(containerId: string): ContainerRow {
    const row = this.queries.container(containerId);
    if (!row) throw new Error(`the read model lost container ${containerId}`);
    return row;
  }
}

/** Why one more container of `spec` would take a member past a pool's limits, beside what is `used`; undefined when it fits. */
function limitRefusal(limits: MemberLimits, used: Footprint, spec: { cpu: number; memory: number }): string | undefined {
  const fits = fitsPerLimit(limits, used, spec);
  const allows = (what: string) => `this server's pool allows each member ${what}`;
  if (fits.containers < 1) {
    return allows(`at most ${limits.maxContainersPerMember} container${limits.maxContainersPerMember === 1 ? '' : 's'} (max_containers_per_member)`);
  }
  if (fits.cpu < 1) return allows(`at most ${limits.maxCpuPerMember} CPU cores (max_cpu_per_member; ${used.cpu} in use, ${spec.cpu} asked)`);
  if (fits.memory < 1) return allows(`at most ${limits.maxMemoryPerMember} GiB of memory (max_memory_per_member; ${used.memory} in use, ${spec.memory} asked)`);
  return undefined;
}
