import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { auth, common, createGrpcClient, ERROR_CODE_METADATA_KEY, setPrincipal } from '@hoody/contracts';
import { openEventStore } from '@hoody/event-store';
import { freePort, ServiceProcess } from '@hoody/test-support';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const codeOf = (error: unknown) => (error as ServiceError).metadata?.get(ERROR_CODE_METADATA_KEY)[0];
/** How a call failed: gRPC status, machine code and message; fails the test if the call succeeded. */
const failure = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: ServiceError) => ({ code: error.code, error: codeOf(error), message: error.details }),
  );

const { OWNER, ADMIN, USER } = auth.PoolRole;
const { ACTIVE, PENDING } = auth.PoolMemberStatus;
const UNKNOWN_ID = 'f'.repeat(24);
const poolNotFound = { code: status.NOT_FOUND, error: 'POOL_NOT_FOUND', message: 'pool not found' };
const forbidden = { code: status.PERMISSION_DENIED, error: 'INSUFFICIENT_PERMISSIONS' };

describe('server pools over gRPC (auth service process)', () => {
  const home = mkdtempSync(join(tmpdir(), 'hoody-auth-pools-'));
  let grpcPort: number;
  let tokens: ReturnType<typeof createGrpcClient<typeof auth.TokenServiceService>>;
  let users: ReturnType<typeof createGrpcClient<typeof auth.UserServiceService>>;
  let pools: ReturnType<typeof createGrpcClient<typeof auth.PoolServiceService>>;
  let alice: common.Principal;
  let bob: common.Principal;
  let carol: common.Principal;
  let dave: common.Principal;

  const service = new ServiceProcess('auth', 'apps/auth/src/main.ts', /auth: gRPC/, () => ({ HOODY_HOME: home, HOODY_GRPC_PORT: String(grpcPort) }));
  const start = () => service.start();
  const stop = () => service.stop();

  const as = (principal: common.Principal) => setPrincipal(new Metadata(), principal);
  async function principalOf(secret: string): Promise<common.Principal> {
    const { principal } = await tokens.authenticateToken({ secret, clientIp: '127.0.0.1', hostRealmId: '' });
    if (!principal) throw new Error('no principal');
    return principal;
  }

  const create = (who: common.Principal, name = 'engineering-team', settings: auth.PoolSettings | undefined = undefined, description?: string) =>
    pools.createPool({ name, description, settings }, as(who)).then((r) => r.pool as auth.Pool);
  const get = (who: common.Principal, id: string) => pools.getPool({ id }, as(who));
  const invite = (who: common.Principal, poolId: string, username: string, role: auth.PoolRole) => pools.inviteMember({ poolId, username, role }, as(who));
  const accept = (who: common.Principal, id: string) => pools.acceptInvitation({ id }, as(who));
  const reject = (who: common.Principal, id: string) => pools.rejectInvitation({ id }, as(who));
  const remove = (who: common.Principal, poolId: string, userId: string) => pools.removeMember({ poolId, userId }, as(who));
  const setRole = (who: common.Principal, poolId: string, userId: string, role: auth.PoolRole) => pools.updateMemberRole({ poolId, userId, role }, as(who));
  const update = (who: common.Principal, request: Partial<auth.UpdatePoolRequest> & { id: string }) =>
    pools.updatePool(auth.UpdatePoolRequest.fromPartial(request), as(who)).then((r) => r.pool as auth.Pool);
  const listed = (who: common.Principal) => pools.listPools({}, as(who)).then((r) => r.pools.map((p) => p.id));
  const pending = (who: common.Principal) => pools.listPendingInvitations({}, as(who)).then((r) => r.invitations);
  const members = (who: common.Principal, id: string) =>
    get(who, id).then((r) => r.members.map((m) => ({ username: m.username, role: m.role, status: m.status })));
  /** A pool of alice's with bob as an accepted admin and carol as an accepted user. */
  async function team(): Promise<auth.Pool> {
    const pool = await create(alice, 'team');
    await invite(alice, pool.id, 'bob', ADMIN);
    await accept(bob, pool.id);
    await invite(alice, pool.id, 'carol', USER);
    await accept(carol, pool.id);
    return pool;
  }

  beforeAll(async () => {
    grpcPort = await freePort();
    await start();
    const address = `127.0.0.1:${grpcPort}`;
    tokens = createGrpcClient(auth.TokenServiceService, address);
    users = createGrpcClient(auth.UserServiceService, address);
    pools = createGrpcClient(auth.PoolServiceService, address);
    const admin = await principalOf(readFileSync(join(home, 'admin-token'), 'utf8').trim());
    const user = async (username: string) => principalOf((await users.createUser({ username }, as(admin))).secret);
    [alice, bob, carol, dave] = [await user('alice'), await user('bob'), await user('carol'), await user('dave')];
  }, 30_000);
  afterAll(async () => {
    await stop();
    for (const c of [tokens, users, pools]) c.$close();
    rmSync(home, { recursive: true, force: true });
  });

  it('creates a pool owned by its creator; names need not be unique and are at most 100 characters', async () => {
    const settings = { maxContainersPerMember: 5, maxCpuPerMember: 2.5, maxMemoryPerMember: 4 };
    const pool = await create(alice, 'engineering-team', settings, 'the team');
    expect(pool).toMatchObject({ name: 'engineering-team', description: 'the team', ownerId: alice.userId, settings, userRole: OWNER, memberCount: 1, serverCount: 0 });
    expect(pool.id).toMatch(/^[0-9a-f]{24}$/);
    expect(pool.createdAt?.seconds).toBeGreaterThan(0);
    const { pool: read, members: listedMembers } = await get(alice, pool.id);
    expect(read).toEqual(pool);
    expect(listedMembers).toEqual([expect.objectContaining({ userId: alice.userId, username: 'alice', role: OWNER, status: ACTIVE })]);

    const twin = await create(alice, 'engineering-team');
    expect(twin.id).not.toBe(pool.id);
    expect(twin.description).toBeUndefined(); // no description, no limits
    expect(twin.settings).toEqual({});
    expect(await listed(alice)).toEqual(expect.arrayContaining([pool.id, twin.id]));

    expect((await create(bob, 'x'.repeat(100))).name).toHaveLength(100);
    expect(await failure(create(bob, 'x'.repeat(101)))).toMatchObject({ code: status.INVALID_ARGUMENT, error: 'VALIDATION_FAILED' });
    expect(await failure(create(bob, 'limits', { maxContainersPerMember: undefined, maxCpuPerMember: 0, maxMemoryPerMember: undefined }))).toMatchObject({
      error: 'VALIDATION_FAILED',
    });
  });

  it("answers anyone but the owner and accepted members exactly as for an unknown id", async () => {
    const pool = await create(alice, 'private');
    expect(await failure(get(bob, UNKNOWN_ID))).toEqual(poolNotFound);
    expect(await failure(get(bob, pool.id))).toEqual(poolNotFound);
    expect(await failure(update(bob, { id: pool.id, description: 'mine' }))).toEqual(poolNotFound);
    expect(await failure(pools.deletePool({ id: pool.id }, as(bob)))).toEqual(poolNotFound);
    expect(await failure(invite(bob, pool.id, 'carol', USER))).toEqual(poolNotFound);
    expect(await failure(setRole(bob, pool.id, alice.userId, USER))).toEqual(poolNotFound);
    expect(await failure(remove(bob, pool.id, alice.userId))).toEqual(poolNotFound);
    expect(await failure(accept(bob, pool.id))).toEqual(poolNotFound);
    expect(await failure(reject(bob, pool.id))).toEqual(poolNotFound);
    expect(await failure(accept(bob, UNKNOWN_ID))).toEqual(poolNotFound);
    expect(await listed(bob)).not.toContain(pool.id);
  });

  it('gives an invitee nothing until it accepts; it sees its pending invitation and may accept it', async () => {
    const pool = await create(alice, 'invitations', undefined, 'come in');
    const invited = await invite(alice, pool.id, 'bob', ADMIN);
    expect(invited.member).toMatchObject({ userId: bob.userId, username: 'bob', role: ADMIN, status: PENDING, invitedBy: alice.userId });

    expect(await failure(get(bob, pool.id))).toEqual(poolNotFound);
    expect(await failure(update(bob, { id: pool.id, description: 'mine' }))).toEqual(poolNotFound);
    expect(await failure(invite(bob, pool.id, 'carol', USER))).toEqual(poolNotFound);
    expect(await failure(remove(bob, pool.id, alice.userId))).toEqual(poolNotFound);
    expect(await listed(bob)).not.toContain(pool.id);
    expect(await failure(accept(carol, pool.id))).toEqual(poolNotFound);
    expect((await get(alice, pool.id)).pool?.memberCount).toBe(1);

    const waiting = (await pending(bob)).find((i) => i.poolId === pool.id);
    expect(waiting).toMatchObject({
      poolName: 'invitations',
      description: 'come in',
      ownerId: alice.userId,
      ownerUsername: 'alice',
      role: ADMIN,
      invitedBy: alice.userId,
      invitedByUsername: 'alice',
    });
    expect(waiting?.invitedAt?.seconds).toBeGreaterThan(0);
    expect(await pending(alice)).toEqual([]);

    const joined = await accept(bob, pool.id);
    expect(joined.pool).toMatchObject({ id: pool.id, userRole: ADMIN, memberCount: 2 });
    expect((await pending(bob)).map((i) => i.poolId)).not.toContain(pool.id);
    expect(await listed(bob)).toContain(pool.id);
    expect(await members(bob, pool.id)).toEqual([
      { username: 'alice', role: OWNER, status: ACTIVE },
      { username: 'bob', role: ADMIN, status: ACTIVE },
    ]);
    expect(await failure(accept(bob, pool.id))).toMatchObject({ code: status.FAILED_PRECONDITION, error: 'INVALID_STATE' });
    expect(await failure(accept(alice, pool.id))).toMatchObject({ error: 'INVALID_STATE' });
  });

  it('lets the invitee reject; it may be invited again', async () => {
    const pool = await create(alice, 'rejections');
    await invite(alice, pool.id, 'carol', USER);
    await reject(carol, pool.id);
    expect((await pending(carol)).map((i) => i.poolId)).not.toContain(pool.id);
    expect(await failure(get(carol, pool.id))).toEqual(poolNotFound);
    expect(await failure(accept(carol, pool.id))).toEqual(poolNotFound);
    expect(await members(alice, pool.id)).toEqual([{ username: 'alice', role: OWNER, status: ACTIVE }]);
    await invite(alice, pool.id, 'carol', USER);
    expect((await accept(carol, pool.id)).pool).toMatchObject({ userRole: USER, memberCount: 2 });
  });

  it('invites by username: unknown users, members, invitees, the owner and the owner role are refused', async () => {
    const pool = await team();
    await invite(alice, pool.id, 'dave', USER);
    expect(await failure(invite(alice, pool.id, 'nobody', USER))).toMatchObject({ code: status.NOT_FOUND, error: 'USER_NOT_FOUND' });
    const alreadyMember = { code: status.FAILED_PRECONDITION, error: 'ALREADY_MEMBER' };
    for (const username of ['alice', 'bob', 'carol', 'dave']) expect(await failure(invite(alice, pool.id, username, USER))).toMatchObject(alreadyMember);
    expect(await failure(invite(bob, pool.id, 'dave', USER))).toMatchObject(alreadyMember);
    const fresh = await create(alice, 'roles');
    for (const role of [OWNER, auth.PoolRole.UNSPECIFIED]) {
      expect(await failure(invite(alice, fresh.id, 'bob', role))).toMatchObject({ code: status.INVALID_ARGUMENT, error: 'VALIDATION_FAILED' });
    }
  });

  it('lets the owner and admins invite, admins only users; users invite nobody', async () => {
    const pool = await team();
    expect((await invite(bob, pool.id, 'dave', USER)).member).toMatchObject({ role: USER, status: PENDING, invitedBy: bob.userId });
    await remove(alice, pool.id, dave.userId);
    expect(await failure(invite(bob, pool.id, 'dave', ADMIN))).toMatchObject(forbidden);
    expect(await failure(invite(carol, pool.id, 'dave', USER))).toMatchObject(forbidden);
    expect((await invite(alice, pool.id, 'dave', ADMIN)).member).toMatchObject({ role: ADMIN, status: PENDING });
  });

  it('lets only the owner update and delete the pool, and change roles', async () => {
    const pool = await team();
    for (const who of [bob, carol]) {
      expect(await failure(update(who, { id: pool.id, description: 'mine' }))).toMatchObject(forbidden);
      expect(await failure(pools.deletePool({ id: pool.id }, as(who)))).toMatchObject(forbidden);
      expect(await failure(setRole(who, pool.id, carol.userId, ADMIN))).toMatchObject(forbidden);
    }
    expect((await setRole(alice, pool.id, carol.userId, ADMIN)).member).toMatchObject({ userId: carol.userId, role: ADMIN, status: ACTIVE });
    expect((await get(carol, pool.id)).pool?.userRole).toBe(ADMIN);
    expect((await setRole(alice, pool.id, bob.userId, USER)).member).toMatchObject({ role: USER });
    expect(await failure(invite(bob, pool.id, 'dave', USER))).toMatchObject(forbidden);
    expect(await failure(setRole(alice, pool.id, dave.userId, USER))).toMatchObject({ code: status.NOT_FOUND, error: 'MEMBER_NOT_FOUND' });
    expect(await failure(setRole(alice, pool.id, alice.userId, USER))).toMatchObject({ code: status.FAILED_PRECONDITION, error: 'INVALID_STATE' });
    expect(await failure(setRole(alice, pool.id, carol.userId, OWNER))).toMatchObject({ code: status.INVALID_ARGUMENT, error: 'VALIDATION_FAILED' });
  });

  it('changes description and limits, keeping what is not mentioned', async () => {
    const pool = await create(alice, 'limits', { maxContainersPerMember: 5, maxCpuPerMember: 2, maxMemoryPerMember: 4 }, 'before');
    const changed = await update(alice, { id: pool.id, settings: { maxMemoryPerMember: 8, clearMaxCpuPerMember: true } as auth.PoolSettingsUpdate });
    expect(changed.description).toBe('before');
    expect(changed.settings).toEqual({ maxContainersPerMember: 5, maxMemoryPerMember: 8 }); // no cpu limit any more
    const described = await update(alice, { id: pool.id, description: 'after' });
    expect(described).toMatchObject({ name: 'limits', description: 'after', settings: changed.settings });
    const cleared = await update(alice, { id: pool.id, clearDescription: true });
    expect([cleared.description, cleared.settings]).toEqual([undefined, changed.settings]);
    expect(await update(alice, { id: pool.id })).toEqual(cleared);
    const negative = { maxContainersPerMember: undefined, maxCpuPerMember: -1 } as auth.PoolSettingsUpdate;
    expect(await failure(update(alice, { id: pool.id, settings: negative }))).toMatchObject({ code: status.INVALID_ARGUMENT, error: 'VALIDATION_FAILED' });
  });

  it('lets the owner remove anyone, an admin remove users and invitees, and anyone but the owner leave', async () => {
    const pool = await team();
    await invite(alice, pool.id, 'dave', ADMIN);
    await accept(dave, pool.id);
    expect(await failure(remove(bob, pool.id, dave.userId))).toMatchObject(forbidden); // another admin
    expect(await failure(remove(bob, pool.id, alice.userId))).toMatchObject(forbidden); // the owner
    expect(await failure(remove(carol, pool.id, bob.userId))).toMatchObject(forbidden); // a user removes nobody else
    expect(await failure(remove(alice, pool.id, alice.userId))).toMatchObject({ code: status.FAILED_PRECONDITION, error: 'INVALID_STATE' });
    expect(await failure(remove(alice, pool.id, UNKNOWN_ID))).toMatchObject({ code: status.NOT_FOUND, error: 'MEMBER_NOT_FOUND' });

    await remove(bob, pool.id, carol.userId);
    expect(await failure(get(carol, pool.id))).toEqual(poolNotFound);
    expect(await listed(carol)).not.toContain(pool.id);
    await invite(bob, pool.id, 'carol', USER);
    await remove(bob, pool.id, carol.userId); // withdraws the invitation
    expect((await pending(carol)).map((i) => i.poolId)).not.toContain(pool.id);

    await remove(dave, pool.id, dave.userId); // leaves
    expect(await failure(get(dave, pool.id))).toEqual(poolNotFound);
    await remove(alice, pool.id, bob.userId);
    expect(await failure(invite(bob, pool.id, 'carol', USER))).toEqual(poolNotFound);
    expect(await members(alice, pool.id)).toEqual([{ username: 'alice', role: OWNER, status: ACTIVE }]);
    expect((await get(alice, pool.id)).pool?.memberCount).toBe(1);
  });

  it('deletes a pool for everyone: it takes no commands and its invitations vanish', async () => {
    const pool = await team();
    await invite(alice, pool.id, 'dave', USER);
    await pools.deletePool({ id: pool.id }, as(alice));
    for (const who of [alice, bob, carol]) {
      expect(await failure(get(who, pool.id))).toEqual(poolNotFound);
      expect(await listed(who)).not.toContain(pool.id);
    }
    expect((await pending(dave)).map((i) => i.poolId)).not.toContain(pool.id);
    expect(await failure(accept(dave, pool.id))).toEqual(poolNotFound);
    expect(await failure(update(alice, { id: pool.id, description: 'again' }))).toEqual(poolNotFound);
    expect(await failure(pools.deletePool({ id: pool.id }, as(alice)))).toEqual(poolNotFound);
    expect(await failure(invite(alice, pool.id, 'dave', USER))).toEqual(poolNotFound);
    expect(await failure(remove(alice, pool.id, bob.userId))).toEqual(poolNotFound);
  });

  it('records the contract events on pool-<id>, and rebuilds the same pools from them', async () => {
    const pool = await create(alice, 'recorded', { maxContainersPerMember: 3, maxCpuPerMember: undefined, maxMemoryPerMember: undefined }, 'events');
    await invite(alice, pool.id, 'bob', USER);
    await accept(bob, pool.id);
    await setRole(alice, pool.id, bob.userId, ADMIN);
    await invite(bob, pool.id, 'carol', USER);
    await reject(carol, pool.id);
    await update(alice, { id: pool.id, settings: { maxCpuPerMember: 1.5 } as auth.PoolSettingsUpdate });
    await remove(alice, pool.id, bob.userId);
    const before = await Promise.all([alice, bob, carol, dave].map(async (who) => ({
      pools: (await pools.listPools({}, as(who))).pools,
      pending: await pending(who),
    })));
    const detail = await get(alice, pool.id);
    await stop();

    const store = openEventStore({ eventStoreUrl: process.env['EVENTSTORE_URL'] || undefined, home });
    const recorded: Array<{ type: string; data: unknown }> = [];
    try {
      for await (const e of store.readStream(`pool-${pool.id}`)) recorded.push({ type: e.type, data: e.data });
    } finally {
      await store.close();
    }
    const at = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
    expect(recorded).toEqual([
      {
        type: 'PoolCreated',
        data: {
          poolId: pool.id,
          ownerId: alice.userId,
          name: 'recorded',
          description: 'events',
          settings: { maxContainersPerMember: 3, maxCpuPerMember: null, maxMemoryPerMember: null },
          at,
        },
      },
      { type: 'PoolMemberInvited', data: { userId: bob.userId, role: 'user', invitedBy: alice.userId, at } },
      { type: 'PoolInvitationAccepted', data: { userId: bob.userId, at } },
      { type: 'PoolMemberRoleChanged', data: { userId: bob.userId, role: 'admin', at } },
      { type: 'PoolMemberInvited', data: { userId: carol.userId, role: 'user', invitedBy: bob.userId, at } },
      { type: 'PoolInvitationRejected', data: { userId: carol.userId, at } },
      { type: 'PoolUpdated', data: { settings: { maxContainersPerMember: 3, maxCpuPerMember: 1.5, maxMemoryPerMember: null }, at } },
      { type: 'PoolMemberRemoved', data: { userId: bob.userId, at } },
    ]);

    // the read model, rebuilt from position zero, shows the same
    rmSync(join(home, 'read-models'), { recursive: true, force: true });
    await start();
    const after = await Promise.all([alice, bob, carol, dave].map(async (who) => ({
      pools: (await pools.listPools({}, as(who))).pools,
      pending: await pending(who),
    })));
    expect(after).toEqual(before);
    expect(await get(alice, pool.id)).toEqual(detail);
  }, 30_000);
});
