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
}

/**
 * Enough ready containers to cover the claims expected while one is being warmed (the recent claim
 * rate times the refill time, with headroom), never below `minReady` or above `maxReady`. When
 * claims stop, the window empties and the target falls back to `minReady`. What the server has room
 * for is shared out afterwards (sharePlaces).
 */
export function poolTarget(d: PoolDemand): number {
  // One division, last: a demand that comes out whole stays whole (no float noise rounded up to one more).
  const expected = d.windowMs > 0 ? (d.recentClaims * d.refillMs * DEMAND_HEADROOM) / d.windowMs : 0;
  const wanted = Math.max(d.minReady, Math.ceil(expected));
  return Math.max(0, Math.min(wanted, d.maxReady));
}

/** One pool on a server, as sharePlaces sees it. */
export interface PoolClaimOnPlaces {
  /** Its target from demand (poolTarget). */
  wants: number;
  /** The warm containers it holds now (ready or warming). */
  holds: number;
}

/**
 * Shares the places a server has for warm containers (its free places plus those its pools hold)
 * among its pools, max-min fair: one place at a time to each pool that wants more, round and
 * round, so a pool asking for little gets all of it and the rest is split evenly. A newer pool
 * thus gets its share while an older one wants every place, and the one above its share gives
 * back its oldest (planPool). When a round cannot go all the way round, the odd places go to the
 * pools holding most (then to those listed first), so that no pool gives back a warm container
 * only to see another warm one in its place. The result: the target each pool may keep.
 */
export function sharePlaces(pools: readonly PoolClaimOnPlaces[], places: number): number[] {
  const shares = pools.map(() => 0);
  let left = Math.max(0, places);
  const byHolding = pools.map((_, i) => i).sort((a, b) => pools[b].holds - pools[a].holds || a - b);
  let open = byHolding.filter((i) => pools[i].wants > 0);
  while (left > 0 && open.length > 0) {
    for (const i of open) {
      if (left === 0) break;
      shares[i]++;
      left--;
    }
    open = open.filter((i) => shares[i] < pools[i].wants);
  }
  return shares;
}

/**
 * Shares the warm-ups a server can start now (its free warm-up slots) among its pools that want to
 * warm (`wants`: what planPool says to warm): one at a time to the pool holding fewest (`holds`,
 * with those given so far); on a tie, to the one whose last warm-up started longest ago
 * (`lastWarmUp`, epoch ms, 0 for never), then the first listed. So a pool claimed from as fast as
 * it warms does not keep the others on the server from refilling.
 */
export function shareWarmUps(pools: ReadonlyArray<PoolClaimOnPlaces & { lastWarmUp: number }>, slots: number): number[] {
  const given = pools.map(() => 0);
  const before = (i: number, j: number) => {
    const fewer = pools[i].holds + given[i] - (pools[j].holds + given[j]);
    return fewer < 0 || (fewer === 0 && pools[i].lastWarmUp < pools[j].lastWarmUp);
  };
  for (let left = Math.max(0, slots); left > 0; left--) {
    let neediest = -1;
    pools.forEach((p, i) => {
      if (given[i] < p.wants && (neediest === -1 || before(i, neediest))) neediest = i;
    });
    if (neediest === -1) break;
    given[neediest]++;
  }
  return given;
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
