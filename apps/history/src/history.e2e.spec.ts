import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { NO_POOL_LIMITS, type PoolEvent, type ProjectEvent, type TokenEvent, type UserEvent } from '@hoody/auth-domain';
import { common, createGrpcClient, ERROR_CODE_METADATA_KEY, history, setPrincipal, timestampFromDate } from '@hoody/contracts';
import { openEventStore, type EventStore } from '@hoody/event-store';
import type { ContainerEvent, ContainerStatus, ServerEvent } from '@hoody/scheduler-domain';
import { ServiceProcess } from '@hoody/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = (pair: string) => pair.repeat(12);

// people, realms, resources
const alice = hex('a1');
const bob = hex('b0');
const carol = hex('c0');
const A = hex('aa');
const B = hex('bb');
const web = hex('01'); // alice's project, realm A
const carols = hex('02'); // carol's project
const api = hex('03'); // a container in `web`, realm A
const ci = hex('04'); // alice's token, realm B
const team = hex('05'); // alice's pool
const box = hex('06'); // alice's server
const share = hex('07'); // of a category the history does not know

const SECRETS = ['hunter2', 'token-secret-hash-1', 'agent-secret-hash-1', 'join-secret-hash-1', 'sk-live-1'];

type Known = UserEvent | ProjectEvent | TokenEvent | PoolEvent | ContainerEvent | ServerEvent;

const codeOf = (error: unknown) => (error as ServiceError).metadata?.get(ERROR_CODE_METADATA_KEY)[0];

describe('history service process', () => {
  const home = mkdtempSync(join(tmpdir(), 'hoody-history-'));
  let store: EventStore;
  let grpcPort: number;
  let events: ReturnType<typeof createGrpcClient<typeof history.HistoryServiceService>>;
  let t0: Date;
  let t1: Date;

  const service = new ServiceProcess('history', 'apps/history/src/main.ts', /history: gRPC/, () => ({ HOODY_HOME: home, HOODY_GRPC_PORT: String(grpcPort) }));
  const start = () => service.start();
  const stop = () => service.stop();


  const now = () => new Date().toISOString();
  const record = (streamId: string, ...recorded: Known[]) => store.append(streamId, recorded);
  const recordOther = (streamId: string, type: string, data: unknown) => store.append(streamId, [{ type, data }]);
  const move = (from: ContainerStatus | null, to: ContainerStatus) => ({ from, to, triggeredBy: `user:${alice}`, at: now() });

  const principal = (userId: string, more: Partial<common.Principal> = {}) =>
    common.Principal.fromPartial({ kind: common.PrincipalKind.USER, userId, tokenId: hex('99'), ...more });
  const as = (who: common.Principal) => setPrincipal(new Metadata(), who);
  const list = (who: common.Principal, request: Partial<history.ListEventsRequest> = {}) =>
    events.listEvents(history.ListEventsRequest.fromPartial(request), as(who));
  const types = async (who: common.Principal, request: Partial<history.ListEventsRequest> = {}) => {
    const answer = await list(who, request);
    return { types: answer.events.map((e) => e.eventType), total: answer.pagination?.total };
  };
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => {
        throw new Error('the call succeeded');
      },
      (error: ServiceError) => ({ code: error.code, error: codeOf(error) }),
    );

  const ALICE_NEWEST_FIRST = [
    'share.created',
    'container.snapshot_created',
    'audit.request.refused',
    'pool.member.invited',
    'pool.created',
    'auth.token.created',
    'container.stopped',
    'container.running',
    'container.creating',
    'server.registered',
    'project.created',
    'user.created',
  ];

  beforeAll(async () => {
    grpcPort = await freePort();
    store = openEventStore({ home });
    // started on an empty store: everything below reaches it live
    await start();
    events = createGrpcClient(history.HistoryServiceService, `127.0.0.1:${grpcPort}`);

    t0 = new Date();
    await sleep(5);
    await record(`user-${alice}`, { type: 'UserCreated', data: { userId: alice, username: 'alice', isAdmin: false, createdAt: now() } });
    await record(`user-${bob}`, { type: 'UserCreated', data: { userId: bob, username: 'bob', isAdmin: false, createdAt: now() } });
    await record(`project-${web}`, {
      type: 'ProjectCreated',
      data: { projectId: web, userId: alice, isDefault: false, settings: { alias: 'web', color: null, maxContainers: null, realmIds: [A] }, createdAt: now() },
    });
    // internal: a name reservation (naming alice as its owner) and a join token
    await recordOther(`name-projectalias_${'e'.repeat(40)}`, 'ReserveName', { ownerId: alice, at: now() });
    await recordOther(`jointoken-${hex('08')}`, 'JoinTokenIssued', { tokenId: hex('08'), secretHash: 'join-secret-hash-1', name: null, poolId: null, issuedBy: alice, expiresAt: now(), issuedAt: now() });
    await record(`project-${carols}`, {
      type: 'ProjectCreated',
      data: { projectId: carols, userId: carol, isDefault: true, settings: { alias: 'default', color: null, maxContainers: null, realmIds: [] }, createdAt: now() },
    });
    await record(`server-${box}`, {
      type: 'ServerRegistered',
      data: {
        serverId: box,
        name: 'box',
        ownerId: alice,
        poolId: null,
        agent: { agentUrl: '127.0.0.1:7450', specs: { cpuCores: 4, ramGb: 8, diskGb: 100 }, maxContainers: 10 },
        joinTokenId: hex('08'),
        agentSecretHash: 'agent-secret-hash-1',
        registeredAt: now(),
      },
    });
    await record(`container-${api}`, {
      type: 'ContainerRequested',
      data: {
        containerId: api,
        projectId: web,
        serverId: box,
        settings: { name: 'api', color: null, autostart: true, environmentVars: { DB_PASSWORD: 'hunter2' }, comment: null, realmIds: [A] },
        spec: { containerImage: '', hoodyKit: true, devKit: false, ramdisk: false, prespawn: false, bypassPrespawn: false, cpu: 0, memory: 0 },
        transition: move(null, 'creating'),
      },
    });
    await sleep(5);
    t1 = new Date();
    await sleep(5);
    await record(
      `container-${api}`,
      { type: 'ContainerProvisioned', data: { dockerId: 'd0c4e2', transition: move('creating', 'running') } },
      { type: 'ContainerStopped', data: { transition: move('running', 'stopped') } },
    );
    await record(`token-${ci}`, {
      type: 'TokenCreated',
      data: {
        tokenId: ci,
        userId: alice,
        secretHash: 'token-secret-hash-1',
        createdByTokenId: null,
        settings: {
          alias: 'ci',
          realmIds: [B],
          allowNoRealm: false,
          expiresAt: null,
          permissions: { template: 'full_access', grants: ['*:*'] },
          isEnabled: true,
          ipWhitelist: [],
          eventAccess: false,
          vaultAccess: false,
          denyReauthorization: false,
          publicKey: '',
        },
        createdAt: now(),
      },
    });
    await record(
      `pool-${team}`,
      { type: 'PoolCreated', data: { poolId: team, ownerId: alice, name: 'team', description: null, settings: NO_POOL_LIMITS, at: now() } },
      { type: 'PoolMemberInvited', data: { userId: bob, role: 'user', invitedBy: alice, at: now() } },
    );
    await recordOther('audit-scheduler', 'RequestRefused', {
      operation: 'ContainerService/deleteContainer',
      code: 'INVALID_STATE',
      message: 'the container is creating: wait until it is created',
      userId: alice,
      tokenId: hex('99'),
      realmIds: [A],
      resourceId: api,
      at: now(),
    });
    // event types added later: no change to the history needed
    await recordOther(`container-${api}`, 'ContainerSnapshotCreated', { snapshotId: hex('09'), at: now() });
    await recordOther(`share-${share}`, 'ShareCreated', { shareId: share, userId: alice, alias: 'data', realmIds: [A], at: now() });

    const deadline = Date.now() + 20_000;
    while ((await list(principal(alice))).pagination?.total !== ALICE_NEWEST_FIRST.length) {
      if (Date.now() > deadline) throw new Error('the history did not catch up');
      await sleep(50);
    }
  }, 60_000);

  afterAll(async () => {
    events?.$close();
    await stop();
    await store.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("shows every change of what is the caller's own, newest first, with dotted public types", async () => {
    expect(await types(principal(alice))).toEqual({ types: ALICE_NEWEST_FIRST, total: 12 });
    const all = (await list(principal(alice))).events;
    for (const event of all) {
      expect(event.id).toMatch(/^[0-9a-f]{24}$/);
      expect(event.userId).toBe(alice);
    }
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const running = all.find((e) => e.eventType === 'container.running');
    expect(running).toMatchObject({ resourceType: 'container', resourceId: api, projectId: web, containerId: api, realmIds: [A] });
    expect(JSON.parse(running?.payloadJson ?? '')).toEqual({ dockerId: 'd0c4e2', transition: expect.objectContaining({ from: 'creating', to: 'running' }) });
    const createdAt = running?.createdAt ? running.createdAt.seconds * 1000 : 0;
    expect(createdAt).toBeGreaterThanOrEqual(Math.floor(t1.getTime() / 1000) * 1000);
    expect(all.find((e) => e.eventType === 'auth.token.created')).toMatchObject({ resourceType: 'auth.token', resourceId: ci, realmIds: [B], projectId: '', containerId: '' });
    expect(all.find((e) => e.eventType === 'pool.member.invited')).toMatchObject({ resourceType: 'pool', resourceId: team, realmIds: [] });
    expect(all.find((e) => e.eventType === 'server.registered')).toMatchObject({ resourceType: 'server', resourceId: box });
    expect(all.find((e) => e.eventType === 'project.created')).toMatchObject({ resourceType: 'project', resourceId: web, projectId: web, realmIds: [A] });
    expect(all.find((e) => e.eventType === 'user.created')).toMatchObject({ resourceType: 'user', resourceId: alice });
    expect(all.find((e) => e.eventType === 'share.created')).toMatchObject({ resourceType: 'share', resourceId: share, realmIds: [A] });
    const refused = all.find((e) => e.eventType === 'audit.request.refused');
    expect(refused).toMatchObject({ resourceType: 'request', resourceId: api, userId: alice, realmIds: [A] });
    expect(JSON.parse(refused?.payloadJson ?? '')).toMatchObject({ operation: 'ContainerService/deleteContainer', code: 'INVALID_STATE' });
  });

  it("shows nobody else's: a pool member sees the invitation about them, others only their own", async () => {
    expect(await types(principal(bob))).toEqual({ types: ['pool.member.invited', 'user.created'], total: 2 });
    const invitation = (await list(principal(bob))).events[0];
    expect(invitation).toMatchObject({ resourceId: team, userId: alice });
    expect(await types(principal(carol))).toEqual({ types: ['project.created'], total: 1 });
    expect(await types(principal(hex('dd')))).toEqual({ types: [], total: 0 });
    // an admin sees its own history, not everyone's
    expect(await types(principal(hex('dd'), { isAdmin: true }))).toEqual({ types: [], total: 0 });
  });

  it('applies the realm rule: a token of realm B sees nothing of realm A; a realm host A shows only what carries A', async () => {
    expect(await types(principal(alice, { realmIds: [B] }))).toEqual({ types: ['auth.token.created'], total: 1 });
    expect(await types(principal(alice, { realmIds: [B], allowNoRealm: true }))).toEqual({
      types: ['pool.member.invited', 'pool.created', 'auth.token.created', 'server.registered', 'user.created'],
      total: 5,
    });
    const onHostA = ['share.created', 'container.snapshot_created', 'audit.request.refused', 'container.stopped', 'container.running', 'container.creating', 'project.created'];
    expect(await types(principal(alice, { activeRealmId: A }))).toEqual({ types: onHostA, total: 7 });
    expect(await types(principal(alice, { realmIds: [A], activeRealmId: A }))).toEqual({ types: onHostA, total: 7 });
    expect(await types(principal(alice, { realmIds: [A], activeRealmId: B }))).toEqual({ types: [], total: 0 });
    // the realm rule and the realm_id filter together
    expect(await types(principal(alice, { realmIds: [B] }), { realmId: A })).toEqual({ types: [], total: 0 });
  });

  it('filters by every field of the contract', async () => {
    const me = principal(alice);
    expect(await types(me, { eventType: 'container.running' })).toEqual({ types: ['container.running'], total: 1 });
    expect(await types(me, { eventType: 'pool.member.invited' })).toEqual({ types: ['pool.member.invited'], total: 1 });
    expect(await types(me, { eventType: 'container.deleted' })).toEqual({ types: [], total: 0 });
    expect(await types(me, { resourceType: 'container' })).toEqual({
      types: ['container.snapshot_created', 'container.stopped', 'container.running', 'container.creating'],
      total: 4,
    });
    expect(await types(me, { resourceType: 'auth.token' })).toEqual({ types: ['auth.token.created'], total: 1 });
    expect(await types(me, { resourceType: 'request' })).toEqual({ types: ['audit.request.refused'], total: 1 });
    expect(await types(me, { resourceId: api })).toEqual({
      types: ['container.snapshot_created', 'audit.request.refused', 'container.stopped', 'container.running', 'container.creating'],
      total: 5,
    });
    expect(await types(me, { resourceId: team })).toEqual({ types: ['pool.member.invited', 'pool.created'], total: 2 });
    expect(await types(me, { projectId: web })).toEqual({
      types: ['container.snapshot_created', 'container.stopped', 'container.running', 'container.creating', 'project.created'],
      total: 5,
    });
    expect(await types(me, { projectId: carols })).toEqual({ types: [], total: 0 });
    expect(await types(me, { containerId: api })).toEqual({
      types: ['container.snapshot_created', 'container.stopped', 'container.running', 'container.creating'],
      total: 4,
    });
    expect(await types(me, { realmId: A })).toMatchObject({ total: 7 });
    expect(await types(me, { realmId: B })).toEqual({ types: ['auth.token.created'], total: 1 });
    expect(await types(me, { startDate: timestampFromDate(t1) })).toEqual({ types: ALICE_NEWEST_FIRST.slice(0, 8), total: 8 });
    expect(await types(me, { endDate: timestampFromDate(t1) })).toEqual({ types: ALICE_NEWEST_FIRST.slice(8), total: 4 });
    expect(await types(me, { startDate: timestampFromDate(t0), endDate: timestampFromDate(t1) })).toEqual({ types: ALICE_NEWEST_FIRST.slice(8), total: 4 });
    expect(await types(me, { endDate: timestampFromDate(t0) })).toEqual({ types: [], total: 0 });
    expect(await types(me, { resourceType: 'container', startDate: timestampFromDate(t1), realmId: A })).toEqual({
      types: ['container.snapshot_created', 'container.stopped', 'container.running'],
      total: 3,
    });
  });

  it('pages with totals of what the caller sees', async () => {
    const me = principal(alice);
    const everything = await list(me);
    expect(everything.pagination).toEqual({ total: 12, limit: 50, offset: 0, hasMore: false });
    const first = await list(me, { limit: 5 });
    expect(first.pagination).toEqual({ total: 12, limit: 5, offset: 0, hasMore: true });
    const second = await list(me, { limit: 5, offset: 5 });
    expect(second.pagination).toEqual({ total: 12, limit: 5, offset: 5, hasMore: true });
    const last = await list(me, { limit: 5, offset: 10 });
    expect(last.pagination).toEqual({ total: 12, limit: 5, offset: 10, hasMore: false });
    expect([...first.events, ...second.events, ...last.events]).toEqual(everything.events);
    expect((await list(me, { limit: 5, offset: 12 })).events).toEqual([]);
    expect((await list(me, { limit: 500 })).pagination?.limit).toBe(500);
    const ofA = await list(principal(alice, { activeRealmId: A }), { limit: 3, offset: 3 });
    expect(ofA.events.map((e) => e.eventType)).toEqual(['container.stopped', 'container.running', 'container.creating']);
    expect(ofA.pagination).toEqual({ total: 7, limit: 3, offset: 3, hasMore: true });
  });

  it('refuses malformed filters and callers without a principal', async () => {
    const me = principal(alice);
    const invalid = { code: status.INVALID_ARGUMENT, error: 'VALIDATION_FAILED' };
    expect(await failure(list(me, { limit: 501 }))).toEqual(invalid);
    expect(await failure(list(me, { projectId: 'not-an-id' }))).toEqual(invalid);
    expect(await failure(list(me, { containerId: A.toUpperCase() }))).toEqual(invalid);
    expect(await failure(list(me, { resourceId: 'abc' }))).toEqual(invalid);
    expect(await failure(list(me, { realmId: 'x' }))).toEqual(invalid);
    expect(await failure(list(me, { eventType: 'Container Running' }))).toEqual(invalid);
    expect(await failure(list(me, { resourceType: 'auth..token' }))).toEqual(invalid);
    expect(await failure(list(me, { startDate: timestampFromDate(t1), endDate: timestampFromDate(t0) }))).toEqual(invalid);
    expect(await failure(events.listEvents(history.ListEventsRequest.fromPartial({}), new Metadata()))).toEqual({ code: status.UNAUTHENTICATED, error: 'MISSING_TOKEN' });
  });

  it('never shows secrets: no secret hashes, no environment variable values, nothing of join tokens', async () => {
    const payloads = [];
    for (const who of [alice, bob, carol]) payloads.push(...(await list(principal(who))).events.map((e) => e.payloadJson));
    const text = payloads.join('\n');
    for (const secret of [...SECRETS, 'secretHash', 'agentSecretHash']) expect(text).not.toContain(secret);
    const creating = (await list(principal(alice), { eventType: 'container.creating' })).events[0];
    const payload = JSON.parse(creating.payloadJson) as { settings: Record<string, unknown> };
    expect(payload.settings).toMatchObject({ name: 'api', environmentVarNames: ['DB_PASSWORD'], realmIds: [A] });
    expect(payload.settings.environmentVars).toBeUndefined();
    const token = JSON.parse((await list(principal(alice), { eventType: 'auth.token.created' })).events[0].payloadJson);
    expect(token).toMatchObject({ tokenId: ci, userId: alice, settings: { alias: 'ci', realmIds: [B] } });
  });

  it("records each row with the labels its resource carried then", async () => {
    await record(`container-${api}`, { type: 'ContainerUpdated', data: { changes: { realmIds: [B], environmentVars: { API_KEY: 'sk-live-1' } }, updatedAt: now() } });
    await record(`token-${ci}`, { type: 'TokenRealmAdded', data: { realmId: A, updatedAt: now() } });
    await record(`token-${ci}`, { type: 'TokenRevoked', data: { revokedAt: now() } });
    const deadline = Date.now() + 10_000;
    while ((await list(principal(alice))).pagination?.total !== 15) {
      if (Date.now() > deadline) throw new Error('the history did not catch up');
      await sleep(50);
    }
    expect(await types(principal(alice), { limit: 3 })).toEqual({ types: ['auth.token.deleted', 'auth.token.realm.added', 'container.updated'], total: 15 });
    const updated = (await list(principal(alice), { eventType: 'container.updated' })).events[0];
    expect(updated).toMatchObject({ realmIds: [B], containerId: api, projectId: web });
    expect(JSON.parse(updated.payloadJson)).toEqual({ changes: { realmIds: [B], environmentVarNames: ['API_KEY'] }, updatedAt: expect.any(String) });
    expect((await list(principal(alice), { eventType: 'auth.token.deleted' })).events[0].realmIds).toEqual([B, A]);
    // earlier rows keep the labels of their time
    expect(await types(principal(alice, { realmIds: [B] }), { resourceType: 'container' })).toEqual({ types: ['container.updated'], total: 1 });
    expect(await types(principal(alice, { activeRealmId: A }))).toEqual({
      types: [
        'auth.token.deleted',
        'auth.token.realm.added',
        'share.created',
        'container.snapshot_created',
        'audit.request.refused',
        'container.stopped',
        'container.running',
        'container.creating',
        'project.created',
      ],
      total: 9,
    });
    expect(JSON.stringify((await list(principal(alice))).events)).not.toContain('sk-live-1');
  });

  it('answers the same after a rebuild from zero', async () => {
    const questions: Array<[common.Principal, Partial<history.ListEventsRequest>]> = [
      [principal(alice), {}],
      [principal(alice), { limit: 4, offset: 2 }],
      [principal(alice), { resourceType: 'container' }],
      [principal(alice), { projectId: web, startDate: timestampFromDate(t1) }],
      [principal(alice, { realmIds: [B] }), {}],
      [principal(alice, { realmIds: [B], allowNoRealm: true }), {}],
      [principal(alice, { activeRealmId: A }), {}],
      [principal(bob), {}],
      [principal(carol), {}],
    ];
    const ask = () => Promise.all(questions.map(([who, request]) => list(who, request)));
    const before = await ask();
    await stop();
    for (const file of ['history.db', 'history.db-wal', 'history.db-shm']) rmSync(join(home, 'read-models', file), { force: true });
    await start();
    const after = await ask();
    expect(after).toEqual(before);
    expect(after[0].pagination?.total).toBe(15);
  }, 30_000);
});
