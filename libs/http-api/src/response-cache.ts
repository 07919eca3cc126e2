export interface ResponseCacheOptions {
  /** How long an answer may be reused when no change notice arrives (default 1,000 ms; 0 turns the cache off). */
  ttlMs?: number;
  /** Entries kept at most (default 10,000; the oldest go first). */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry {
  generation: number;
  expires: number;
  body: string;
}

/**
 * Serialized answers of read routes, reused until the data behind them may have changed. Every
 * change notice (`invalidate()`: a read model moved, or a write went through this gateway) starts
 * a new generation, and an answer is only kept when no notice arrived while it was being computed:
 * callers take `generation` before asking the service and hand it back to `store`. While notices
 * cannot be trusted to arrive (`disable()`, e.g. the message bus is unreachable) nothing is served
 * from the cache; the TTL bounds staleness should a notice be lost anyway.
 */
export class ResponseCache {
  private readonly ttl: number;
  private readonly max: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private current = 0;
  private enabled: boolean;
  hits = 0;
  misses = 0;

  constructor(options: ResponseCacheOptions = {}) {
    this.ttl = options.ttlMs ?? 1000;
    this.max = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.enabled = this.ttl > 0;
  }

  /** Take it before computing an answer; pass it to `store`. */
  get generation(): number {
    return this.current;
  }

  lookup(key: string): string | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(key);
    if (entry && entry.generation === this.current && entry.expires > this.now()) {
      this.hits++;
      return entry.body;
    }
    if (entry) this.entries.delete(key);
    this.misses++;
    return undefined;
  }

  /** Keeps `body` unless a change notice arrived since `generation` was taken. */
  store(key: string, generation: number, body: string): void {
    if (!this.enabled || generation !== this.current) return;
    this.entries.delete(key);
    this.entries.set(key, { generation, expires: this.now() + this.ttl, body });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Something may have changed: nothing cached so far is served again. */
  invalidate(): void {
    this.current++;
    this.entries.clear();
  }

  /** Change notices cannot be relied on: serve nothing from the cache until `enable()`. */
  disable(): void {
    this.enabled = false;
    this.invalidate();
  }

  enable(): void {
    this.invalidate();
    this.enabled = this.ttl > 0;
  }
}
