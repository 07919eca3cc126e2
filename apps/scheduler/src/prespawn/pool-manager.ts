import type { common } from '@hoody/contracts';
import { CommandRejected } from '@hoody/decider';
import { placesWithin, planPool, poolTarget, sharePlaces, shareWarmUps, type Footprint, type WarmContainerView } from '@hoody/scheduler-domain';
import type { SchedulerCommands } from '../commands/scheduler-commands';
import { SYSTEM, systemMetadata, type ContainerLifecycle } from '../containers/container-lifecycle';
import type { SchedulerMetrics } from '../metrics';
import type { PrespawnQueries, TemplateRow, WarmRow } from '../read-model/prespawn-queries';
import type { SchedulerQueries, ServerRow } from '../read-model/scheduler-queries';
import { visibility } from '../visibility';
import { DEMAND_WINDOW_MS, type PrespawnStats } from './prespawn-stats';
import { templateOn } from './template-placement';

export interface PoolManagerOptions {
  /** How often every pool is looked at (a claim also triggers a look at once). */
  tickMs: number;
  /** Warm containers being created at once, per server. */
  concurrencyPerServer: number;
  /** Consecutive failures after which a template is marked degraded. */
  degradeAfter: number;
  /** First back-off after a failure; doubled per consecutive failure, up to 60 s. */
  backoffMs: number;
  log(line: string): void;
  metrics: SchedulerMetrics;
}

const MAX_BACKOFF_MS = 60_000;

/** Failures and back-off of one (template, server) pool. */
interface PoolHealth {
  failures: number;
  retryAt: number;
  /** Set while it waits after a warm-up refused for room: what it waits for. */
  waitingFor?: PoolLimit;
}

/** One (template, server) pool during a look. */
interface Pool {
  template: TemplateRow;
  server: ServerRow;
  views: WarmContainerView[];
  ready: number;
  warming: number;
  /** Not paused, degraded, backing off or waiting for room, on a server online. */
  refill: boolean;
  /** What it waits for after a warm-up was refused for room, while it waits. */
  waitingFor?: PoolLimit;
  /** Its target from demand alone. */
  wanted: number;
  /** That target within what its owner may place there; no more than it holds while it may not refill. */
  wants: number;
}

/** Why a pool is kept below its target from demand: the server's places (shared fairly), or its owner's limits on a server pool. */
export type PoolLimit = 'server_capacity' | 'member_limits';

/** The figures of one pool at the last look. */
export interface PoolFigures {
  ready: number;
  warming: number;
  target: number;
  limitedBy: PoolLimit | null;
}

/**
 * How long the look after a claim waits: the claim's answer goes back through gRPC and the gateway
 * in a few ms, and the refill's engine work (the agent, dockerd) would take the same 2 cores from it.
 * Next to a warm-up of hundreds of ms, the wait costs the refill nothing that matters.
 */
const LOOK_AFTER_CLAIM_MS = 20;

/**
 * Keeps every (template, server) pool at its target: a reconciliation loop over the read model.
 * Each look retires what cannot be claimed any more (stopped or failed warm containers, an older
 * generation of the template, containers of deleted templates or of servers the template left,
 * those past the ttl, the oldest beyond the target) and warms the difference (planPool, poolTarget);
 * the pools on one server share its places and its warm-up slots fairly (sharePlaces, shareWarmUps).
 * A warming that fails backs the pool off exponentially; after `degradeAfter` failures in a row the
 * template is recorded degraded with the reason, and is not refilled until it is changed or resumed.
 * Everything it decides on is in the store, so a restarted scheduler carries on where it stopped:
 * warm containers still `creating` are provisioned again by reconciliation, retirements still
 * `deleting` are finished there too.
 */
export class PoolManager {
  private timer?: NodeJS.Timeout;
  private looking?: Promise<void>;
  private lookAgain = false;
  private stopped = false;
  private readonly health = new Map<string, PoolHealth>();
  private readonly inFlight = new Map<string, number>();
  /** When each pool's last warm-up started (epoch ms): who waited longest gets a tied warm-up slot. */
  private readonly lastWarmUp = new Map<string, number>();
  private readonly warmings = new Set<Promise<unknown>>();
  private readonly retiring = new Set<string>();
  private figures = new Map<string, PoolFigures>();

  constructor(
    private readonly commands: SchedulerCommands,
    private readonly queries: SchedulerQueries,
    private readonly prespawn: PrespawnQueries,
    private readonly lifecycle: ContainerLifecycle,
    private readonly stats: PrespawnStats,
    private readonly options: PoolManagerOptions,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.poke(), this.options.tickMs);
    this.poke();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.looking;
    await Promise.all([...this.warmings]);
  }

  /** A claim took a warm container: look once its answer is on its way. */
  claimed(): void {
    setTimeout(() => this.poke(), LOOK_AFTER_CLAIM_MS).unref();
  }

  /** Looks at every pool soon (or right after the look in progress): on the next turn of the event loop. */
  poke(): void {
    if (this.stopped) return;
    if (this.looking) {
      this.lookAgain = true;
      return;
    }
    this.looking = new Promise<void>((next) => setImmediate(next))
      .then(() => this.lookAtAll())
      .catch((error: Error) => this.options.log(`scheduler: prespawn pool manager: ${error.message}`))
      .finally(() => {
        this.looking = undefined;
        if (this.lookAgain) {
          this.lookAgain = false;
          this.poke();
        }
      });
  }

  /** A pool's figures at the last look; undefined before its first. */
  poolFigures(templateId: string, serverId: string): PoolFigures | undefined {
    return this.figures.get(key(templateId, serverId));
  }

  /** The servers a template keeps pools on now (of `servers`): named or in its pool, registered, and usable by its owner. */
  serversOf(template: TemplateRow, servers: ServerRow[] = this.queries.allServers()): ServerRow[] {
    const owner = this.owner(template.ownerId);
    const poolRole = (poolId: string, userId: string) => this.queries.poolRole(poolId, userId);
    return servers.filter((server) => templateOn(template, server) && visibility.placeOn(owner, server, poolRole));
  }

  private lookAtAll(): void {
    const templates = this.prespawn.liveTemplates();
    const warm = this.prespawn.warmContainers();
    const servers = this.queries.allServers();
    // What each owner's pools on others' servers of a server pool ask for beyond what they hold, so
    // far in this look: one owner's room within the pool's limits is shared by all their pools there.
    const asked = new Map<string, Footprint>();
    const pools: Pool[] = [];
    for (const template of templates) {
      for (const server of this.serversOf(template, servers)) {
        const mine = warm.filter((w) => w.templateId === template.id && w.serverId === server.id);
        pools.push(this.poolOf(template, server, mine, asked));
      }
    }
    const figures = new Map<string, PoolFigures>();
    const series: Array<{ template: string; server: string; figures: PoolFigures }> = [];
    for (const server of servers) {
      const on = pools.filter((p) => p.server.id === server.id);
      this.stepOn(server, on).forEach((looked, i) => {
        figures.set(key(on[i].template.id, server.id), looked);
        series.push({ template: on[i].template.id, server: server.name, figures: looked });
      });
    }
    // Warm containers no pool accounts for: of deleted templates, or of servers their template left.
    for (const w of warm) if (!figures.has(key(w.templateId, w.serverId))) this.retire(w.id);
    for (const gone of [...this.health.keys(), ...this.lastWarmUp.keys()].filter((k) => !figures.has(k))) {
      this.health.delete(gone);
      this.lastWarmUp.delete(gone);
    }
    this.figures = figures;
    this.options.metrics.prespawnPools(series);
  }

  /**
   * One step of every pool on a server: each keeps its fair share of the server's places, retires
   * what it must, and warms toward its share as far as the server's free warm-up slots go, shared
   * out too. Answers each pool's figures.
   */
  private stepOn(server: ServerRow, pools: Pool[]): PoolFigures[] {
    const held = pools.reduce((sum, p) => sum + p.ready + p.warming, 0);
    const free = Math.max(0, server.maxContainers - server.containersUsed);
    const targets = sharePlaces(pools.map((p) => ({ wants: p.wants, holds: p.ready + p.warming })), free + held);
    const plans = pools.map((p, i) => planPool({ target: targets[i], containers: p.views, ttlSeconds: p.template.settings.ttlSeconds, refill: p.refill, now: Date.now() }));
    const slots = Math.min(this.options.concurrencyPerServer - (this.inFlight.get(server.id) ?? 0), free);
    const warmUps = shareWarmUps(
      pools.map((p, i) => ({ wants: plans[i].warm, holds: p.ready + p.warming, lastWarmUp: this.lastWarmUp.get(key(p.template.id, server.id)) ?? 0 })),
      slots,
    );
    return pools.map((pool, i) => {
      for (const id of plans[i].retire) this.retire(id);
      for (let n = 0; n < warmUps[i]; n++) this.warmOne(pool.template, server);
      const limitedBy = pool.waitingFor ?? (!pool.refill ? null : pool.wants < pool.wanted ? 'member_limits' : targets[i] < pool.wants ? 'server_capacity' : null);
      return { ready: pool.ready, warming: pool.warming + warmUps[i], target: targets[i], limitedBy };
    });
  }

  /** One pool as it is, and the target it wants; one that may not refill now wants no more than it holds. */
  private poolOf(template: TemplateRow, server: ServerRow, containers: WarmRow[], asked: Map<string, Footprint>): Pool {
    const views: WarmContainerView[] = containers.map((w) => ({
      containerId: w.id,
      ready: w.status === 'running' && w.generation === template.generation,
      warming: w.status === 'creating' && w.generation === template.generation,
      since: w.statusChangedAt,
    }));
    const ready = views.filter((v) => v.ready).length;
    const warming = views.filter((v) => v.warming).length;
    const wanted = poolTarget({
      minReady: template.settings.minReady,
      maxReady: template.settings.maxReady,
      recentClaims: this.stats.recentClaims(template.id, server.id),
      windowMs: DEMAND_WINDOW_MS,
      refillMs: this.stats.refillTime(template.id, server.id),
    });
    const health = this.health.get(key(template.id, server.id));
    const refill = template.state === 'active' && server.status === 'online' && (health === undefined || Date.now() >= health.retryAt);
    const wants = refill ? this.withinOwnersRoom(template, server, wanted, ready + warming, asked) : Math.min(wanted, ready + warming);
    const waitingFor = health && Date.now() < health.retryAt ? health.waitingFor : undefined;
    return { template, server, views, ready, warming, refill, waitingFor, wanted, wants };
  }

  /**
   * A pool's target on another's server of a server pool: no more than its owner may still place
   * there (placesWithin), beside what the owner's other pools there asked for in this look.
   */
  private withinOwnersRoom(template: TemplateRow, server: ServerRow, wanted: number, held: number, asked: Map<string, Footprint>): number {
    const binding = this.queries.memberLimitsOn(server, template.ownerId);
    if (!binding) return wanted;
    const budget = `${binding.poolId}/${template.ownerId}`;
    const before = asked.get(budget) ?? { containers: 0, cpu: 0, memory: 0 };
    const used = this.queries.memberUsage(binding.poolId, template.ownerId);
    const { cpu, memory } = template.settings;
    const wants = Math.min(wanted, held + placesWithin(binding.limits, { containers: used.containers + before.containers, cpu: used.cpu + before.cpu, memory: used.memory + before.memory }, { cpu, memory }));
    const more = Math.max(0, wants - held);
    asked.set(budget, { containers: before.containers + more, cpu: before.cpu + more * cpu, memory: before.memory + more * memory });
    return wants;
  }

  private warmOne(template: TemplateRow, server: ServerRow): void {
    const poolKey = key(template.id, server.id);
    const started = Date.now();
    this.inFlight.set(server.id, (this.inFlight.get(server.id) ?? 0) + 1);
    this.lastWarmUp.set(poolKey, started);
    const s = template.settings;
    const work = this.lifecycle
      .warm({
        serverId: server.id,
        templateId: template.id,
        ownerId: template.ownerId,
        generation: template.generation,
        spec: { containerImage: s.containerImage, hoodyKit: s.hoodyKit, devKit: s.devKit, ramdisk: false, prespawn: true, bypassPrespawn: false, cpu: s.cpu, memory: s.memory },
        environmentVars: s.environmentVars,
      })
      .then(async (row) => {
        if (row.status === 'running') {
          this.stats.warmed(template.id, server.id, Date.now() - started);
          this.health.delete(poolKey);
          return;
        }
        if (row.status === 'failed') await this.failed(template, server, row.statusReason ?? 'failed');
        // still `creating`: the agent did not answer; reconciliation provisions it again
      })
      .catch((error: Error) => {
        // The server filled meanwhile, or the template's owner reached a pool's limits: nothing failed, the pool waits a tick for room.
        if (error instanceof CommandRejected && (error.code === 'SERVER_CAPACITY_REACHED' || error.code === 'POOL_MEMBER_LIMIT_REACHED')) {
          this.options.metrics.prespawnRefusal(template.id);
          const health = this.health.get(poolKey);
          const waitingFor = error.code === 'SERVER_CAPACITY_REACHED' ? 'server_capacity' : 'member_limits';
          this.health.set(poolKey, { failures: health?.failures ?? 0, retryAt: Math.max(health?.retryAt ?? 0, Date.now() + this.options.tickMs), waitingFor });
          return;
        }
        return this.failed(template, server, error.message);
      })
      .catch((error: Error) => this.options.log(`scheduler: prespawn: ${error.message}`))
      .finally(() => {
        this.inFlight.set(server.id, (this.inFlight.get(server.id) ?? 1) - 1);
        this.warmings.delete(work);
        this.poke();
      });
    this.warmings.add(work);
  }

  private async failed(template: TemplateRow, server: ServerRow, reason: string): Promise<void> {
    const poolKey = key(template.id, server.id);
    const failures = (this.health.get(poolKey)?.failures ?? 0) + 1;
    const backoff = Math.min(MAX_BACKOFF_MS, this.options.backoffMs * 2 ** (failures - 1));
    this.health.set(poolKey, { failures, retryAt: Date.now() + backoff });
    this.stats.failed(template.id, server.id, reason);
    this.options.log(`scheduler: prespawn: warming for template ${template.id} on ${server.name} failed (${failures} in a row, next try in ${backoff} ms): ${reason}`);
    if (failures >= this.options.degradeAfter) {
      const why = `${failures} warm containers in a row failed on server ${server.name}: ${reason}`;
      await this.commands.template(template.id, { type: 'RecordTemplateDegraded', reason: why, at: this.commands.now() }, systemMetadata(SYSTEM.prespawn));
      this.health.delete(poolKey);
    }
  }

  private retire(containerId: string): void {
    if (this.retiring.has(containerId)) return;
    this.retiring.add(containerId);
    void this.lifecycle.retireWarm(containerId).finally(() => this.retiring.delete(containerId));
  }

  /** The template owner, as the principal its pools are placed for. */
  private owner(userId: string): common.Principal {
    return { userId, isAdmin: this.queries.isAdmin(userId) } as common.Principal;
  }
}

const key = (templateId: string, serverId: string) => `${templateId}/${serverId}`;
