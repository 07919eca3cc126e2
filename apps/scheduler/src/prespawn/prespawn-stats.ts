import type { SchedulerMetrics } from '../metrics';

/** Claims counted toward a pool's demand within this window. */
export const DEMAND_WINDOW_MS = 30_000;
const LATENCY_SAMPLES = 1_000;
const RECENT_FAILURES = 10;
/** Until a pool has warmed a container, refilling one is assumed to take this long. */
const DEFAULT_REFILL_MS = 2_000;

export interface PrespawnFailure {
  serverId: string;
  reason: string;
  at: string;
}

interface TemplateFigures {
  hits: number;
  misses: number;
  /** Claim latencies in ms, the last LATENCY_SAMPLES. */
  latencies: number[];
  failures: PrespawnFailure[];
}

/**
 * What prespawn did since this scheduler started, kept in memory: hits, misses and claim latency
 * per template (the status API and `/metrics`), claim times per pool (the pool manager's demand),
 * how long warming takes per pool, and recent failures with their reasons.
 */
export class PrespawnStats {
  private readonly templates = new Map<string, TemplateFigures>();
  private readonly claimTimes = new Map<string, number[]>();
  private readonly refillMs = new Map<string, number>();

  constructor(
    private readonly metrics: SchedulerMetrics,
    private readonly now: () => number = Date.now,
  ) {}

  hit(templateId: string, serverId: string, latencyMs: number): void {
    const t = this.figures(templateId);
    t.hits += 1;
    t.latencies.push(latencyMs);
    if (t.latencies.length > LATENCY_SAMPLES) t.latencies.shift();
    const times = this.claimTimes.get(pool(templateId, serverId)) ?? [];
    times.push(this.now());
    this.claimTimes.set(pool(templateId, serverId), times);
    this.metrics.prespawnClaim(templateId, 'hit', latencyMs / 1000);
  }

  miss(templateId: string): void {
    this.figures(templateId).misses += 1;
    this.metrics.prespawnClaim(templateId, 'miss');
  }

  /** Claims from the pool within the demand window. */
  recentClaims(templateId: string, serverId: string): number {
    const times = this.claimTimes.get(pool(templateId, serverId));
    if (!times) return 0;
    const since = this.now() - DEMAND_WINDOW_MS;
    while (times.length > 0 && times[0] < since) times.shift();
    return times.length;
  }

  /** A warm container became ready after `ms`: a moving average of the pool's refill time. */
  warmed(templateId: string, serverId: string, ms: number): void {
    const key = pool(templateId, serverId);
    const previous = this.refillMs.get(key);
    this.refillMs.set(key, previous === undefined ? ms : previous * 0.7 + ms * 0.3);
  }

  refillTime(templateId: string, serverId: string): number {
    return this.refillMs.get(pool(templateId, serverId)) ?? DEFAULT_REFILL_MS;
  }

  failed(templateId: string, serverId: string, reason: string): void {
    const t = this.figures(templateId);
    t.failures.unshift({ serverId, reason, at: new Date(this.now()).toISOString() });
    t.failures.length = Math.min(t.failures.length, RECENT_FAILURES);
    this.metrics.prespawnFailure(templateId);
  }

  of(templateId: string): { hits: number; misses: number; hitRate: number; p50: number; p99: number; failures: PrespawnFailure[] } {
    const t = this.figures(templateId);
    const sorted = [...t.latencies].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]);
    const total = t.hits + t.misses;
    return { hits: t.hits, misses: t.misses, hitRate: total === 0 ? 0 : t.hits / total, p50: at(0.5), p99: at(0.99), failures: [...t.failures] };
  }

  private figures(templateId: string): TemplateFigures {
    let t = this.templates.get(templateId);
    if (!t) this.templates.set(templateId, (t = { hits: 0, misses: 0, latencies: [], failures: [] }));
    return t;
  }
}

const pool = (templateId: string, serverId: string) => `${templateId}/${serverId}`;
