import type { MetricsRegistry } from '@hoody/service-kit';
import type { Counter, Gauge, Histogram } from 'prom-client';

const POOL_STATES = ['ready', 'warming', 'target'] as const;

/**
 * The scheduler's own series on `/metrics`. Created before the service's registry exists (the
 * parts that report are built first), so it counts nothing until `attach`.
 */
export class SchedulerMetrics {
  private missing?: Counter<'server'>;
  private orphans?: Gauge<'server'>;
  private reconciliations?: Counter<'outcome'>;
  private claims?: Counter<'template' | 'outcome'>;
  private claimSeconds?: Histogram<'template'>;
  private warmFailures?: Counter<'template'>;
  private warmRefusals?: Counter<'template'>;
  private pools?: Gauge<'template' | 'server' | 'state'>;
  private poolSeries = new Map<string, { template: string; server: string }>();

  attach(registry: MetricsRegistry): void {
    this.missing = registry.counter({
      name: 'hoody_scheduler_containers_missing_total',
      help: 'Platform containers found removed from their engine outside the platform',
      labelNames: ['server'],
    });
    this.orphans = registry.gauge({
      name: 'hoody_scheduler_orphan_containers',
      help: 'Platform-labelled Docker containers with no record, per server, at the last reconciliation',
      labelNames: ['server'],
    });
    this.reconciliations = registry.counter({
      name: 'hoody_scheduler_reconciliations_total',
      help: 'Reconciliations of a server with its engine, by outcome',
      labelNames: ['outcome'],
    });
    this.claims = registry.counter({
      name: 'hoody_prespawn_claims_total',
      help: 'Creates that matched a prespawn template: served from a warm container (hit) or cold, none being ready (miss)',
      labelNames: ['template', 'outcome'],
    });
    this.claimSeconds = registry.histogram({
      name: 'hoody_prespawn_claim_seconds',
      help: 'Time to claim a warm container, inside the scheduler',
      labelNames: ['template'],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    });
    this.warmFailures = registry.counter({
      name: 'hoody_prespawn_warm_failures_total',
      help: 'Warm containers that failed to come up',
      labelNames: ['template'],
    });
    this.warmRefusals = registry.counter({
      name: 'hoody_prespawn_warm_refusals_total',
      help: "Warm containers not started because the server filled or the template's owner reached a pool's limits meanwhile (the pool waits)",
      labelNames: ['template'],
    });
    this.pools = registry.gauge({
      name: 'hoody_prespawn_pool_containers',
      help: 'Warm containers per prespawn pool: ready, warming, and the target the pool manager keeps ready',
      labelNames: ['template', 'server', 'state'],
    });
  }

  prespawnClaim(template: string, outcome: 'hit' | 'miss', seconds?: number): void {
    this.claims?.inc({ template, outcome });
    if (seconds !== undefined) this.claimSeconds?.observe({ template }, seconds);
  }

  prespawnFailure(template: string): void {
    this.warmFailures?.inc({ template });
  }

  prespawnRefusal(template: string): void {
    this.warmRefusals?.inc({ template });
  }

  /** Every pool's figures at a look; the series of pools gone since the last one are removed. */
  prespawnPools(pools: Array<{ template: string; server: string; figures: { ready: number; warming: number; target: number } }>): void {
    const now = new Map(pools.map((p) => [`${p.template}\n${p.server}`, p]));
    for (const [key, gone] of this.poolSeries) {
      if (!now.has(key)) for (const state of POOL_STATES) this.pools?.remove({ template: gone.template, server: gone.server, state });
    }
    for (const { template, server, figures } of pools) for (const state of POOL_STATES) this.pools?.set({ template, server, state }, figures[state]);
    this.poolSeries = now;
  }

  containerMissing(server: string): void {
    this.missing?.inc({ server });
  }

  orphanContainers(server: string, count: number): void {
    this.orphans?.set({ server }, count);
  }

  reconciled(outcome: 'ok' | 'unreachable'): void {
    this.reconciliations?.inc({ outcome });
  }
}
