import { ApiError, type AuthContext, cachedAuthenticator, type Principal, realmFromHost, tokenFromHeader } from './index';
import { REALM_ID, USER } from './testing/fixtures';

describe('tokenFromHeader', () => {
  it.each([
    ['Bearer hdy_abc', 'hdy_abc'],
    ['bearer hdy_abc', 'hdy_abc'],
    ['BEARER   hdy_abc  ', 'hdy_abc'],
    ['hdy_abc', 'hdy_abc'],
    [' hdy_abc ', 'hdy_abc'],
    ['Bearer other-token', 'other-token'],
    [['Bearer hdy_first', 'Bearer hdy_second'], 'hdy_first'],
  ])('reads %j as %s', (header, token) => {
    expect(tokenFromHeader(header)).toBe(token);
  });

  it.each([undefined, '', '   ', 'Bearer', 'Bearer  '])('finds no token in %j', (header) => {
    expect(tokenFromHeader(header)).toBeUndefined();
  });

  it.each(['Basic dXNlcg==', 'abc', 'Token hdy_abc', 'Bearer a b'])('refuses %j with 401 INVALID_TOKEN', (header) => {
    expect(() => tokenFromHeader(header)).toThrow(expect.objectContaining({ statusCode: 401, code: 'INVALID_TOKEN' }));
  });
});

describe('realmFromHost', () => {
  it.each([
    [`${REALM_ID}.api.localhost`, 'api.localhost', REALM_ID],
    [`${REALM_ID}.api.localhost:8080`, 'api.localhost', REALM_ID],
    [`${REALM_ID}.api.localhost.`, 'api.localhost', REALM_ID],
    [`${REALM_ID}.API.LOCALHOST`, 'api.localhost', REALM_ID],
    [`${REALM_ID}.api.hoody.icu`, 'API.hoody.icu:443', REALM_ID],
    ['api.localhost', 'api.localhost', undefined],
    [`${REALM_ID}.api.localhostx`, 'api.localhost', undefined],
    [`${REALM_ID}.xapi.localhost`, 'api.localhost', undefined],
    [`${REALM_ID.toUpperCase()}.api.localhost`, 'api.localhost', undefined],
    [`${REALM_ID.slice(1)}.api.localhost`, 'api.localhost', undefined],
    [`${REALM_ID}0.api.localhost`, 'api.localhost', undefined],
    [`www.${REALM_ID}.api.localhost`, 'api.localhost', undefined],
    ['[::1]:8080', 'api.localhost', undefined],
    ['', 'api.localhost', undefined],
    [undefined, 'api.localhost', undefined],
  ])('reads %j (api domain %s) as %s', (host, domain, realm) => {
    expect(realmFromHost(host, domain)).toBe(realm);
  });
});

describe('cachedAuthenticator', () => {
  const context: AuthContext = { ip: '10.0.0.1', host: 'api.localhost', realmHost: undefined };
  let clock = 0;
  let calls = 0;
  let fail = false;
  const inner = async (): Promise<Principal> => {
    calls++;
    if (fail) throw new ApiError(401, 'INVALID_TOKEN', 'Invalid token');
    return USER;
  };
  beforeEach(() => {
    clock = 0;
    calls = 0;
    fail = false;
  });

  it('reuses a principal for ttlMs, per token, ip and realm host', async () => {
    const auth = cachedAuthenticator(inner, { ttlMs: 500, now: () => clock });
    await Promise.all([auth('hdy_a', context), auth('hdy_a', context)]);
    expect(calls).toBe(1);
    clock = 249;
    await auth('hdy_a', context);
    expect(calls).toBe(1);
    await auth('hdy_b', context);
    await auth('hdy_a', { ...context, ip: '10.0.0.2' });
    await auth('hdy_a', { ...context, realmHost: REALM_ID });
    expect(calls).toBe(4);
    clock = 500;
    await auth('hdy_a', context);
    expect(calls).toBe(5);
  });

  /** An auth service that answers when the test says so (`answer` settles the latest call). */
  const answeredByHand = () => {
    let settle: (p: Principal) => void = () => undefined;
    const manual = () => {
      calls++;
      return new Promise<Principal>((resolve) => (settle = resolve));
    };
    return { auth: cachedAuthenticator(manual, { ttlMs: 500, now: () => clock }), answer: (p: Principal) => settle(p) };
  };

  it('given steady use, rechecks the token in the background past half of ttlMs: no request waits for it', async () => {
    const { auth, answer } = answeredByHand();
    const first = auth('hdy_a', context);
    answer(USER);
    await first;
    clock = 300;
    await expect(auth('hdy_a', context)).resolves.toBe(USER); // answered while the recheck is pending
    expect(calls).toBe(2);
    await auth('hdy_a', context);
    expect(calls).toBe(2); // one recheck at a time
    answer({ ...USER, realmIds: ['rechecked'] });
    await new Promise((r) => setImmediate(r));
    clock = 540; // past the first answer's ttl, within the recheck's (dated from 300), before its own recheck
    await expect(auth('hdy_a', context)).resolves.toMatchObject({ realmIds: ['rechecked'] });
    expect(calls).toBe(2);
  });

  it('given a first check slower than half of ttlMs, then no recheck doubles it', async () => {
    const { auth, answer } = answeredByHand();
    const first = auth('hdy_a', context);
    clock = 300;
    const second = auth('hdy_a', context);
    answer(USER);
    await Promise.all([first, second]);
    expect(calls).toBe(1);
  });

  it('given maxEntries, then a token in steady use is not the first evicted', async () => {
    const auth = cachedAuthenticator(inner, { ttlMs: 500, maxEntries: 2, now: () => clock });
    await auth('hdy_busy', context);
    await auth('hdy_other', context);
    clock = 300;
    await auth('hdy_busy', context); // rechecked in the background: in use
    await new Promise((r) => setImmediate(r));
    await auth('hdy_new', context); // one over the limit: the least recently checked goes
    const before = calls;
    await auth('hdy_busy', context);
    expect(calls).toBe(before);
  });

  it('given a recheck that fails (the token was revoked), the next request asks again and is refused', async () => {
    const auth = cachedAuthenticator(inner, { ttlMs: 500, now: () => clock });
    await auth('hdy_a', context);
    fail = true;
    clock = 300;
    await expect(auth('hdy_a', context)).resolves.toBe(USER); // the recheck runs behind this answer
    await new Promise((r) => setImmediate(r));
    await expect(auth('hdy_a', context)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect(calls).toBe(3);
  });

  it('does not cache failures', async () => {
    const auth = cachedAuthenticator(inner, { now: () => clock });
    fail = true;
    await expect(auth('hdy_a', context)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    fail = false;
    await expect(auth('hdy_a', context)).resolves.toBe(USER);
    expect(calls).toBe(2);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const auth = cachedAuthenticator(inner, { maxEntries: 2, now: () => clock });
    await auth('hdy_1', context);
    await auth('hdy_2', context);
    await auth('hdy_3', context);
    await auth('hdy_3', context);
    await auth('hdy_2', context);
    expect(calls).toBe(3);
    await auth('hdy_1', context);
    expect(calls).toBe(4);
    auth.clear();
    await auth('hdy_1', context);
    expect(calls).toBe(5);
  });
});
