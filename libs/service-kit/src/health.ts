/** What a health check returns: true/false, or a result with a detail. Throwing counts as failing. */
export type HealthCheckResult = boolean | { ok: boolean; detail?: string };
export type HealthCheck = () => HealthCheckResult | Promise<HealthCheckResult>;

export interface HealthCheckReport {
  status: 'ok' | 'fail';
  detail?: string;
  durationMs: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, HealthCheckReport>;
}

interface RegisteredCheck {
  check: HealthCheck;
  timeoutMs: number;
}

/**
 * The checks behind `GET /health`: the service is `ok` (200) when every check passes and `degraded`
 * (503) otherwise. Inject it (it is provided globally) and register checks, e.g. in onModuleInit:
 *
 *   health.register('nats', () => nats.isConnected());
 */
export class HealthRegistry {
  private readonly checks = new Map<string, RegisteredCheck>();

  /** Adds (or replaces) a check; returns a function that removes it. */
  register(name: string, check: HealthCheck, options: { timeoutMs?: number } = {}): () => void {
    const entry = { check, timeoutMs: options.timeoutMs ?? 2_000 };
    this.checks.set(name, entry);
    return () => {
      if (this.checks.get(name) === entry) this.checks.delete(name);
    };
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  /** Runs every check concurrently, each bounded by its timeout. */
  async run(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, entry]) => [name, await runCheck(entry)] as const),
    );
    const checks = Object.fromEntries(entries);
    const status = entries.every(([, r]) => r.status === 'ok') ? 'ok' : 'degraded';
    return { status, checks };
  }
}

async function runCheck({ check, timeoutMs }: RegisteredCheck): Promise<HealthCheckReport> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(check), timeout]);
    const ok = typeof result === 'boolean' ? result : result.ok;
    const detail = typeof result === 'boolean' ? undefined : result.detail;
    return { status: ok ? 'ok' : 'fail', ...(detail ? { detail } : {}), durationMs: elapsed(started) };
  } catch (error) {
    return { status: 'fail', detail: error instanceof Error ? error.message : String(error), durationMs: elapsed(started) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
