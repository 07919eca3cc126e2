import Database from 'better-sqlite3';
import { realmInSight, realmsOnCreate, realmsOnUpdate, realmVisible, realmVisibleSql, tokenWithinReach, type Viewer } from './index';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccccccccccc';

const viewer = (realmIds: string[], allowNoRealm: boolean, activeRealmId = ''): Viewer => ({ realmIds, allowNoRealm, activeRealmId });
const unrestricted = viewer([], true);

describe('realmVisible', () => {
  it.each([
    ['an unrestricted token on the base host sees everything', unrestricted, [[], [A], [A, B]], []],
    ['an unrestricted token on realm host A sees only what carries A', viewer([], true, A), [[A], [A, B]], [[], [B]]],
    ['a token restricted to A sees what carries A, and no realm-less resource', viewer([A], false), [[A], [A, B]], [[], [B], [C]]],
    ['with allow_no_realm it sees realm-less resources too', viewer([A], true), [[], [A]], [[B]]],
    ['restricted to A and B, on realm host B: what carries B', viewer([A, B], true, B), [[B], [A, B]], [[], [A], [C]]],
    ['restricted to A, on realm host C (not its own): nothing of C alone', viewer([A], true, C), [[A, C]], [[C], [], [A]]],
  ])('%s', (_what, who, seen, unseen) => {
    for (const realmIds of seen) expect(realmVisible(who, { realmIds })).toBe(true);
    for (const realmIds of unseen) expect(realmVisible(who, { realmIds })).toBe(false);
  });

  it('says the same in SQL as in code, for every viewer and resource', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE r (id INTEGER PRIMARY KEY, realm_ids TEXT NOT NULL)');
    const labels = [[], [A], [B], [C], [A, B], [B, C], [A, B, C]];
    labels.forEach((realmIds, id) => db.prepare('INSERT INTO r VALUES (?, ?)').run(id, JSON.stringify(realmIds)));
    const realmSets = [[], [A], [B], [A, B]];
    for (const realmIds of realmSets) {
      for (const allowNoRealm of [true, false]) {
        for (const active of ['', A, B, C]) {
          const who = viewer(realmIds, allowNoRealm, active);
          const scope = realmVisibleSql(who, 'realm_ids');
          const inSql = (db.prepare(`SELECT id FROM r WHERE ${scope.sql} ORDER BY id`).all(...scope.params) as { id: number }[]).map((r) => r.id);
          const inCode = labels.flatMap((l, id) => (realmVisible(who, { realmIds: l }) ? [id] : []));
          expect({ who, ids: inSql }).toEqual({ who, ids: inCode });
        }
      }
    }
  });
});

describe('realmInSight', () => {
  it('names every realm to an unrestricted token, its own to a restricted one, the host realm on a realm host', () => {
    expect([A, B].map((r) => realmInSight(unrestricted, r))).toEqual([true, true]);
    expect([A, B].map((r) => realmInSight(viewer([A], true), r))).toEqual([true, false]);
    expect([A, B].map((r) => realmInSight(viewer([], true, B), r))).toEqual([false, true]);
  });
});

describe('labels on create and update', () => {
  it('given a realm host, when creating, then the host realm is added to what was asked', () => {
    expect(realmsOnCreate(viewer([], true, A), [B])).toEqual([B, A]);
    expect(realmsOnCreate(viewer([], true, A), [A])).toEqual([A]);
    expect(realmsOnCreate(unrestricted)).toEqual([]);
  });

  it('given a restricted token, when it labels with a realm not its own, then it is refused', () => {
    expect(realmsOnCreate(viewer([A], true), [A])).toEqual([A]);
    expect(() => realmsOnCreate(viewer([A], true), [B])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_PERMISSIONS' }));
    expect(() => realmsOnCreate(viewer([A], true, C))).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_PERMISSIONS' }));
  });

  it('given a restricted token, when it changes realm_ids, then it is refused; leaving them alone is fine', () => {
    expect(() => realmsOnUpdate(viewer([A], true), [A])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_PERMISSIONS' }));
    expect(realmsOnUpdate(viewer([A], true), undefined)).toBeUndefined();
  });

  it('given a realm host, when an unrestricted token replaces realm_ids, then the host realm stays', () => {
    expect(realmsOnUpdate(viewer([], true, A), [B])).toEqual([B, A]);
    expect(realmsOnUpdate(unrestricted, [])).toEqual([]);
  });
});

describe('tokenWithinReach', () => {
  it('given an unrestricted caller, then every token is within reach (on a realm host: those carrying it)', () => {
    expect(tokenWithinReach(unrestricted, { realmIds: [], allowNoRealm: true })).toBe(true);
    expect(tokenWithinReach(viewer([], true, A), { realmIds: [], allowNoRealm: true })).toBe(false);
    expect(tokenWithinReach(viewer([], true, A), { realmIds: [A], allowNoRealm: false })).toBe(true);
  });

  it('given a restricted caller, then only tokens no wider than itself', () => {
    const me = viewer([A, B], false);
    expect(tokenWithinReach(me, { realmIds: [A], allowNoRealm: false })).toBe(true);
    expect(tokenWithinReach(me, { realmIds: [A, B], allowNoRealm: false })).toBe(true);
    expect(tokenWithinReach(me, { realmIds: [], allowNoRealm: true })).toBe(false); // unrestricted: wider
    expect(tokenWithinReach(me, { realmIds: [A, C], allowNoRealm: false })).toBe(false);
    expect(tokenWithinReach(me, { realmIds: [A], allowNoRealm: true })).toBe(false); // realm-less access it lacks
    expect(tokenWithinReach(viewer([A], true), { realmIds: [A], allowNoRealm: true })).toBe(true);
  });
});
