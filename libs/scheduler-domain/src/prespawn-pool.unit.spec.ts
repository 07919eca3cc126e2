import { DEMAND_HEADROOM, planPool, poolTarget, sharePlaces, shareWarmUps, type PoolDemand, type WarmContainerView } from './prespawn-pool';

const now = Date.parse('2026-11-29T10:00:00.000Z');
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();
const ready = (containerId: string, secondsAgo = 60): WarmContainerView => ({ containerId, ready: true, warming: false, since: ago(secondsAgo) });
const warming = (containerId: string, secondsAgo = 5): WarmContainerView => ({ containerId, ready: false, warming: true, since: ago(secondsAgo) });
/** Stopped, failed or of an older generation: neither claimable nor on its way to be. */
const unusable = (containerId: string, secondsAgo = 60): WarmContainerView => ({ containerId, ready: false, warming: false, since: ago(secondsAgo) });

/** A quiet pool: no claims in the last minute, 20 s to warm one container. */
const quiet: PoolDemand = { minReady: 2, maxReady: 10, recentClaims: 0, windowMs: 60_000, refillMs: 20_000 };

describe('poolTarget: how many ready containers a pool keeps', () => {
  it('keeps min_ready while nobody claims (and nothing at all for min_ready 0)', () => {
    expect(poolTarget(quiet)).toBe(2);
    expect(poolTarget({ ...quiet, minReady: 0 })).toBe(0);
    // no window to measure a rate over: the floor alone
    expect(poolTarget({ ...quiet, recentClaims: 30, windowMs: 0 })).toBe(2);
  });

  it('rises with the claim rate: claims expected during one refill, times the headroom', () => {
    expect(DEMAND_HEADROOM).toBe(2);
    // 6 claims a minute, 20 s to refill: 2 claims arrive while one container warms → 4 ready
    expect(poolTarget({ ...quiet, recentClaims: 6 })).toBe(4);
    // 9 a minute: 3 per refill → 6
    expect(poolTarget({ ...quiet, recentClaims: 9 })).toBe(6);
    // a slower refill needs more in stock for the same rate: 6 a minute, 40 s → 8
    expect(poolTarget({ ...quiet, recentClaims: 6, refillMs: 40_000 })).toBe(8);
    // a fraction of a container is a whole one: 1 claim a minute, 20 s → 2/3 → 1
    expect(poolTarget({ ...quiet, minReady: 0, recentClaims: 1 })).toBe(1);
  });

  it('never drops below min_ready for a low rate', () => {
    expect(poolTarget({ ...quiet, minReady: 3, recentClaims: 3 })).toBe(3);
  });

  it('asks for exactly what the rate needs when it comes out whole (no rounding up of float noise)', () => {
    // 35 claims a minute, 6 s to refill: 3.5 claims per refill, twice that is 7
    expect(poolTarget({ ...quiet, minReady: 0, maxReady: 100, recentClaims: 35, refillMs: 6_000 })).toBe(7);
    // 25 a minute, 18 s: 7.5 per refill → 15
    expect(poolTarget({ ...quiet, minReady: 0, maxReady: 100, recentClaims: 25, refillMs: 18_000 })).toBe(15);
  });

  it('is capped by max_ready however busy the pool is', () => {
    expect(poolTarget({ ...quiet, recentClaims: 600 })).toBe(10);
  });

});

describe("sharePlaces: a server's places for warm containers, among the pools on it", () => {
  /** Pools wanting `wants`, holding nothing yet. */
  const fresh = (...wants: number[]) => wants.map((w) => ({ wants: w, holds: 0 }));

  it('gives every pool its whole target when there is room for all', () => {
    expect(sharePlaces(fresh(2, 5, 0), 20)).toEqual([2, 5, 0]);
  });

  it('splits a server too small for all evenly, even below min_ready, the first pool taking the odd place', () => {
    expect(sharePlaces(fresh(2, 2), 2)).toEqual([1, 1]);
    expect(sharePlaces(fresh(10, 10), 5)).toEqual([3, 2]);
    expect(sharePlaces(fresh(4, 4, 4), 1)).toEqual([1, 0, 0]);
  });

  it('makes an older pool that holds every place give a newer one its share', () => {
    expect(sharePlaces([{ wants: 2, holds: 2 }, { wants: 2, holds: 0 }], 2)).toEqual([1, 1]);
    expect(sharePlaces([{ wants: 10, holds: 6 }, { wants: 10, holds: 0 }], 6)).toEqual([3, 3]);
  });

  it('gives an odd place to the pool that holds it, rather than retire a warm container to warm another', () => {
    // a create took the first pool's container: the second keeps the one place left
    expect(sharePlaces([{ wants: 2, holds: 0 }, { wants: 2, holds: 1 }], 1)).toEqual([0, 1]);
    expect(sharePlaces([{ wants: 4, holds: 1 }, { wants: 4, holds: 2 }, { wants: 4, holds: 2 }], 5)).toEqual([1, 2, 2]);
  });

  it('gives a pool that wants little all of it, and what it leaves to the others', () => {
    // an older pool wanting 10 cannot keep a newer pool wanting 1 out
    expect(sharePlaces(fresh(10, 1), 6)).toEqual([5, 1]);
    expect(sharePlaces(fresh(1, 10, 3), 9)).toEqual([1, 5, 3]);
  });

  it('gives nothing on a full server or to a pool that wants nothing', () => {
    expect(sharePlaces(fresh(3, 3), 0)).toEqual([0, 0]);
    expect(sharePlaces(fresh(3, 3), -1)).toEqual([0, 0]);
    expect(sharePlaces(fresh(0, 3), 2)).toEqual([0, 2]);
    expect(sharePlaces([], 4)).toEqual([]);
  });
});

describe("shareWarmUps: a server's warm-up slots, among the pools on it that want to warm", () => {
  const pool = (wants: number, holds: number, lastWarmUp = 0) => ({ wants, holds, lastWarmUp });

  it('gives the slots to the pool holding fewest first, so a pool emptied by claims does not keep the others from refilling', () => {
    // the first pool was claimed empty and wants 10; the second holds 1 and wants 1
    expect(shareWarmUps([pool(10, 0), pool(1, 1)], 3)).toEqual([2, 1]);
    expect(shareWarmUps([pool(10, 0), pool(3, 0)], 3)).toEqual([2, 1]);
  });

  it('on a tie, gives the slot to the pool whose last warm-up is oldest, so one slot goes round', () => {
    // both empty, one slot: the first got the last one, so the second's turn
    expect(shareWarmUps([pool(1, 0, 2_000), pool(2, 0, 1_000)], 1)).toEqual([0, 1]);
    expect(shareWarmUps([pool(1, 0, 1_000), pool(2, 0, 2_000)], 1)).toEqual([1, 0]);
  });

  it('gives no pool more than it wants, nor more than there are slots', () => {
    expect(shareWarmUps([pool(1, 0), pool(0, 0)], 3)).toEqual([1, 0]);
    expect(shareWarmUps([pool(2, 0), pool(2, 5)], 0)).toEqual([0, 0]);
    expect(shareWarmUps([], 3)).toEqual([]);
  });
});

describe('planPool: one step toward the target', () => {
  const plan = (input: Partial<Parameters<typeof planPool>[0]>) => planPool({ target: 2, containers: [], ttlSeconds: 0, refill: true, now, ...input });

  it('does nothing for a pool at its target', () => {
    expect(plan({ containers: [ready('a'), ready('b')] })).toEqual({ warm: 0, retire: [] });
  });

  it('warms a whole empty pool', () => {
    expect(plan({ target: 3 })).toEqual({ warm: 3, retire: [] });
  });

  it('retires unusable containers and warms their replacements', () => {
    expect(plan({ containers: [ready('a'), unusable('b'), unusable('c')] })).toEqual({ warm: 1, retire: ['b', 'c'] });
  });

  it('retires ready containers that waited the ttl, and replaces them', () => {
    const containers = [ready('old', 600), ready('young', 599)];
    expect(plan({ containers, ttlSeconds: 600 })).toEqual({ warm: 1, retire: ['old'] });
    // ttl 0: they wait forever
    expect(plan({ containers, ttlSeconds: 0 })).toEqual({ warm: 0, retire: [] });
  });

  it('lets a slow warming container finish, whatever the ttl', () => {
    expect(plan({ containers: [ready('a'), warming('w', 3600)], ttlSeconds: 600 })).toEqual({ warm: 0, retire: [] });
  });

  it('above the target, gives back only the oldest ready container per step', () => {
    const containers = [ready('middle', 120), ready('oldest', 300), ready('newest', 10), ready('newer', 60)];
    expect(plan({ target: 1, containers })).toEqual({ warm: 0, retire: ['oldest'] });
    expect(plan({ target: 1, containers: containers.filter((c) => c.containerId !== 'oldest') })).toEqual({ warm: 0, retire: ['middle'] });
  });

  it('counts warming containers toward the deficit', () => {
    expect(plan({ target: 4, containers: [ready('a'), warming('w1'), warming('w2')] })).toEqual({ warm: 1, retire: [] });
    expect(plan({ target: 2, containers: [warming('w1'), warming('w2'), warming('w3')] })).toEqual({ warm: 0, retire: [] });
  });

  it('warms nothing while refilling is off, but still retires and shrinks', () => {
    expect(plan({ target: 3, refill: false })).toEqual({ warm: 0, retire: [] });
    expect(plan({ target: 3, refill: false, containers: [ready('a'), unusable('b')] })).toEqual({ warm: 0, retire: ['b'] });
    expect(plan({ target: 0, refill: false, containers: [ready('a', 30), ready('b', 90)] })).toEqual({ warm: 0, retire: ['b'] });
  });
});
