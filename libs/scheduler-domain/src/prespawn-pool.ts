/**
 * How big one (template, server) pool should be, and what to do about it: pure, so that the pool
 * manager's choices are tested without a clock or an engine.
 */

/** Claims arriving during one refill are covered this many times over. */
export const DEMAND_HEADROOM = 2;

export interface PoolDemand {
  minReady: number;
  maxReady: number;
  /** Claims served from this pool within the last `windowMs`. */
  recentClaims: number;
  windowMs: number;
  /** How long warming one container takes here, recently. */
  refillMs: number;
  /** How many warm containers this pool may hold at most on its server: what it holds plus the server's free places. */
  room: number;
}

/**
 * Enough ready containers to cover the claims expected while one is being warmed (the recent claim
 * rate times the refill time, with headroom), never below `minReady` or above `maxReady`, and
 * never beyond what the server has room for. When claims stop, the window empties and the target
 * falls back to `minReady`.
 */
export function poolTarget(d: PoolDemand): number {
  // One division, last: a demand that comes out whole stays whole (no float noise rounded up to one more).
  const expected = d.windowMs > 0 ? (d.recentClaims * d.refillMs * DEMAND_HEADROOM) / d.windowMs : 0;
  const wanted = Math.max(d.minReady, Math.ceil(expected));
  return Math.max(0, Math.min(wanted, d.maxReady, d.room));
}

export interface WarmContainerView {
  containerId: string;
  /** running and of the template's current generation: claimable. */
  ready: boolean;
  /** creating. */
  warming: boolean;
  /** When it became what it is now (ready: since when it waits). */
  since: string;
}

export interface PoolPlan {
  /** How many new warm containers to start. */
  warm: number;
  /** Warm containers to remove: unusable, too old, or more than the target. */
  retire: string[];
}

/**
 * One step toward the target. Unusable containers (neither ready nor warming: stopped, failed, of
 * an older generation) and ready ones waiting longer than the ttl are retired; a pool above its
 * target gives back its oldest ready container, one per step, so a brief dip in demand does not
 * throw away what was just warmed; a pool below it warms the difference, unless refilling is off
 * (paused, degraded, backing off after a failure).
 */
export function planPool(input: { target: number; containers: WarmContainerView[]; ttlSeconds: number; refill: boolean; now: number }): PoolPlan {
  const expired = (c: WarmContainerView) => input.ttlSeconds > 0 && input.now - Date.parse(c.since) >= input.ttlSeconds * 1000;
  const retire = input.containers.filter((c) => (!c.ready && !c.warming) || (c.ready && expired(c))).map((c) => c.containerId);
  const ready = input.containers.filter((c) => c.ready && !expired(c)).sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
  const warming = input.containers.filter((c) => c.warming).length;
  if (ready.length > input.target) retire.push(ready[0].containerId);
  const warm = input.refill ? Math.max(0, input.target - ready.length - warming) : 0;
  return { warm, retire };
}
