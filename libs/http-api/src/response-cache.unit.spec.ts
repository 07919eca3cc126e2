import { ResponseCache } from './response-cache';

describe('ResponseCache', () => {
  let clock = 0;
  const cache = (ttlMs = 1000, maxEntries = 10) => new ResponseCache({ ttlMs, maxEntries, now: () => clock });
  beforeEach(() => (clock = 0));

  it('given a stored answer, when asked again before any change notice, then serves it', () => {
    const c = cache();
    c.store('k', c.generation, '{"a":1}');
    expect(c.lookup('k')).toBe('{"a":1}');
    expect([c.hits, c.misses]).toEqual([1, 0]);
  });

  it('given a stored answer, when a change notice arrives, then it is not served again', () => {
    const c = cache();
    c.store('k', c.generation, 'old');
    c.invalidate();
    expect(c.lookup('k')).toBeUndefined();
  });

  it('given an answer computed while a change notice arrived, when stored, then it is dropped', () => {
    const c = cache();
    const generation = c.generation;
    c.invalidate(); // the read model moved while the service was answering
    c.store('k', generation, 'maybe stale');
    expect(c.lookup('k')).toBeUndefined();
  });

  it('given no change notice, when the TTL passes, then the answer is no longer served', () => {
    const c = cache(1000);
    c.store('k', c.generation, 'v');
    clock = 999;
    expect(c.lookup('k')).toBe('v');
    clock = 1000;
    expect(c.lookup('k')).toBeUndefined();
  });

  it('given notices cannot be relied on (disabled), then nothing is stored or served until enabled again', () => {
    const c = cache();
    c.store('k', c.generation, 'v');
    c.disable();
    c.store('k', c.generation, 'v');
    expect(c.lookup('k')).toBeUndefined();
    c.enable();
    expect(c.lookup('k')).toBeUndefined();
    c.store('k', c.generation, 'w');
    expect(c.lookup('k')).toBe('w');
  });

  it('given a TTL of 0, then the cache is off', () => {
    const c = cache(0);
    c.enable();
    c.store('k', c.generation, 'v');
    expect(c.lookup('k')).toBeUndefined();
  });

  it('given more entries than the maximum, then the oldest go first', () => {
    const c = cache(1000, 2);
    for (const k of ['a', 'b', 'c']) c.store(k, c.generation, k);
    expect([c.lookup('a'), c.lookup('b'), c.lookup('c')]).toEqual([undefined, 'b', 'c']);
  });
});
