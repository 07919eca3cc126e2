import type { MetricsRegistry } from '@hoody/service-kit';
import type { Counter, Gauge } from 'prom-client';

/**
 * The scheduler's own series on `/metrics`. Created before the service's registry exists (the
 * parts that report are built first), so it counts nothing until `attach`.
 */
export class SchedulerMetrics {
  private missing?: Counter<'server'>;
  private orphans?: Gauge<'server'>;
  private reconciliations?: Counter<'outcome'>;

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
