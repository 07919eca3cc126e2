import { Metadata, status } from '@grpc/grpc-js';
import { auth, common, createGrpcClient, dateFromTimestamp, scheduler, setPrincipal, type GrpcPromiseClient, type Timestamp } from '@hoody/contracts';
import { CONTAINER_ID_LABEL, MANAGED_LABEL, mountPointsUnder, unmountTree } from '@hoody/runtime';
import { eventually, rpcFailure, type ServiceProcess, startNatsServer, testDocker, type NatsServerHandle } from '@hoody/test-support';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schedulerStack } from './testing/scheduler-stack';

// Prespawn through the scheduler's gRPC API, with auth, an agent on the real engine and the
// scheduler as processes (a NATS server of their own: no other suite's agent joins): templates
// warm real Docker containers, creates are served from them, and a scheduler killed with SIGKILL
// in the middle of a storm of claims loses nothing and leaves nothing behind.

jest.setTimeout(120_000);

const HEARTBEAT_MS = 500;
const { ContainerStatus: S, TemplateState: T } = scheduler;

describe('prespawn: warm containers on a real engine, claimed through the scheduler', () => {
  const docker = testDocker();
  const serverName = `prespawn-${randomBytes(3).toString('hex')}`;
  let home: string;
  let nats: NatsServerHandle;
  let authService: ServiceProcess;
  let agentService: ServiceProcess;
  let schedulerService: ServiceProcess;
  let tokens: GrpcPromiseClient<typeof auth.TokenServiceService>;
  let projects: GrpcPromiseClient<typeof auth.ProjectServiceService>;
  let users: GrpcPromiseClient<typeof auth.UserServiceService>;
  let servers: GrpcPromiseClient<typeof scheduler.ServerServiceService>;
  let containers: GrpcPromiseClient<typeof scheduler.ContainerServiceService>;
  let prespawn: GrpcPromiseClient<typeof scheduler.PrespawnServiceService>;
  let admin: common.Principal;
  let alice: common.Principal;
  let serverId: string;
  let projectId: string;
  let agentEnv: Record<string, string> = {};
  let schedulerEnv: Record<string, string> = {};

  const as = (principal: common.Principal) => setPrincipal(new Metadata(), principal);
  async function principalOf(secret: string): Promise<common.Principal> {
    const { principal } = await tokens.authenticateToken({ secret, clientIp: '127.0.0.1', hostRealmId: '' });
    if (!principal) throw new Error('no principal');
    return principal;
  }
  const create = (name: string, extra: Partial<scheduler.CreateContainerRequest> = {}, who = admin) =>
    containers.createContainer(scheduler.CreateContainerRequest.fromPartial({ projectId, serverId, name, ...extra }), as(who));
  const statusOf = async (id: string) => (await prespawn.getTemplateStatus({ id }, as(admin))).status as scheduler.TemplateStatus;
  const warmOf = async (templateId: string) =>
    (await containers.listContainers({ page: { page: 1, limit: 100, sortBy: '', sortOrder: 0 }, realmId: '', includePrespawn: true, projectId: '', serverId: '' }, as(admin))).containers.filter(
      (c) => c.projectId === '' && c.prespawnTemplateId === templateId,
    );
  const readyCount = async (templateId: string, n: number) => eventually(`${n} ready for ${templateId}`, async () => ((await statusOf(templateId)).ready >= n ? true : undefined));
  const newTemplate = async (fields: Partial<scheduler.CreateTemplateRequest>) =>
    (await prespawn.createTemplate(scheduler.CreateTemplateRequest.fromPartial({ serverIds: [serverId], ...fields }), as(admin))).template as scheduler.Template;
  const dockerIds = async () => (await docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=true`] } })).map((c) => c.Labels[CONTAINER_ID_LABEL]);

  beforeAll(async () => {
    home = await realpath(await mkdtemp(join(tmpdir(), 'hoody-prespawn-e2e-')));
    nats = await startNatsServer();
    const stack = await schedulerStack({
      home,
      natsUrl: nats.url,
      serverName,
      heartbeatMs: HEARTBEAT_MS,
      schedulerEnv: () => ({ HOODY_PRESPAWN_TICK_MS: '100', HOODY_PRESPAWN_BACKOFF_MS: '100', HOODY_PRESPAWN_DEGRADE_AFTER: '2', ...schedulerEnv }),
      agentEnv: () => agentEnv,
    });
    ({ auth: authService, agent: agentService, scheduler: schedulerService } = stack);
    await Promise.all([authService.start(), agentService.start(), schedulerService.start()]);
    tokens = createGrpcClient(auth.TokenServiceService, stack.authAddress);
    projects = createGrpcClient(auth.ProjectServiceService, stack.authAddress);
    users = createGrpcClient(auth.UserServiceService, stack.authAddress);
    servers = createGrpcClient(scheduler.ServerServiceService, stack.schedulerAddress);
    containers = createGrpcClient(scheduler.ContainerServiceService, stack.schedulerAddress);
    prespawn = createGrpcClient(scheduler.PrespawnServiceService, stack.schedulerAddress);
    admin = await principalOf(readFileSync(join(home, 'admin-token'), 'utf8').trim());
    alice = await principalOf((await users.createUser({ username: 'alice' }, as(admin))).secret);
    const server = await eventually('the server to register', async () =>
      (await servers.listServers({ page: undefined, poolId: '', realmId: '' }, as(admin))).servers.find((s) => s.name === serverName && s.status === scheduler.ServerStatus.ONLINE),
    );
    serverId = server.id;
    projectId = (await projects.createProject({ alias: 'prespawn', realmIds: [], maxContainers: undefined }, as(admin))).project?.id ?? '';
  }, 120_000);

  afterAll(async () => {
    if (process.env.HOODY_E2E_OUTPUT) for (const svc of [schedulerService, agentService, authService]) process.stdout.write(`==== ${svc?.name} ====\n${svc?.output}\n`);
    const known = new Set<string>();
    try {
      for (const c of (await containers.listContainers({ page: { page: 1, limit: 100, sortBy: '', sortOrder: 0 }, realmId: '', includePrespawn: true, projectId: '', serverId: '' }, as(admin))).containers) known.add(c.id);
    } catch {
      // the scheduler is down: what its engine holds is removed below by the ids seen in this suite
    }
    for (const c of [tokens, projects, users, servers, containers, prespawn]) c?.$close();
    await Promise.all([schedulerService?.stop(), agentService?.stop(), authService?.stop()]);
    // The engine is shared with other suites: only this suite's containers, recognised by their kit under $HOODY_HOME.
    const kits = join(home, 'agent', 'containers');
    const ours = existsSync(kits) ? new Set(readdirSync(kits)) : new Set<string>();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=true`] } })) {
      if (ours.has(c.Labels[CONTAINER_ID_LABEL]) || known.has(c.Labels[CONTAINER_ID_LABEL])) await docker.getContainer(c.Id).remove({ force: true, v: true });
    }
    for (const id of ours) await unmountTree(join(kits, id, 'shares'));
    const leftover = await mountPointsUnder(home);
    await rm(home, { recursive: true, force: true });
    await nats?.stop();
    expect(leftover).toEqual([]);
  });

  it('warms a template to min_ready, hides warm containers from lists, serves a matching create from the pool at once, usable at once', async () => {
    const template = await newTemplate({ name: 'web', minReady: 2, maxReady: 4, environmentVars: { FROM_TEMPLATE: 'yes' } });
    expect(template).toMatchObject({ name: 'web', containerImage: 'hoody/base:latest', hoodyKit: true, minReady: 2, maxReady: 4, state: T.ACTIVE, serverIds: [serverId] });
    await readyCount(template.id, 2);
    const warm = await warmOf(template.id);
    expect(warm.length).toBeGreaterThanOrEqual(2);
    // hidden without include_prespawn, and from a project's list
    const listed = await containers.listContainers({ page: undefined, realmId: '', includePrespawn: false, projectId: '', serverId: '' }, as(admin));
    expect(listed.containers.filter((c) => c.projectId === '')).toEqual([]);
    // nobody else sees them
    const aliceList = await containers.listContainers({ page: undefined, realmId: '', includePrespawn: true, projectId: '', serverId: '' }, as(alice));
    expect(aliceList.containers).toEqual([]);

    const { container } = await create('fast', { prespawn: true, environmentVars: { MINE: '1' } });
    expect(container).toMatchObject({ name: 'fast', projectId, status: S.RUNNING, prespawn: true, environmentVars: { FROM_TEMPLATE: 'yes', MINE: '1' } });
    expect(warm.map((w) => w.id)).toContain(container?.id);
    // to its new owner it was created by this create, not when it was warmed
    const warmedAt = dateFromTimestamp(warm.find((w) => w.id === container?.id)?.createdAt as Timestamp);
    expect(dateFromTimestamp(container?.createdAt as Timestamp).getTime()).toBeGreaterThan(warmedAt.getTime());
    // usable right after the response: exec sees the template's environment and the caller's
    const exec = await containers.execInContainer({ id: container?.id ?? '', cmd: ['sh', '-c', 'echo $FROM_TEMPLATE $MINE'], env: {}, timeoutSeconds: 10 }, as(admin));
    expect(exec).toEqual({ exitCode: 0, stdout: 'yes 1\n', stderr: '' });
    // a bypass is cold, and so is a create nothing matches
    expect((await create('cold', { bypassPrespawn: true })).container).toMatchObject({ prespawn: false, status: S.RUNNING });
    expect((await create('other-image', { hoodyKit: false })).container).toMatchObject({ prespawn: false });
    // the pool refills; the status counts what happened
    await readyCount(template.id, 2);
    const after = await statusOf(template.id);
    expect(after).toMatchObject({ claimed: 1, hits: 1, state: T.ACTIVE });
    expect(after.claimLatencyP50Ms).toBeGreaterThan(0);
    expect(after.servers).toEqual([expect.objectContaining({ serverId, ready: 2 })]);
    // the claimed container's name is taken in the project like any other
    expect(await rpcFailure(create('fast'))).toMatchObject({ errorCode: 'NAME_TAKEN' });
  });

  it("counts a claimed container against its project's max_containers, warm ones against none; a claim takes the caller's realms", async () => {
    const template = await newTemplate({ name: 'quota', memory: 0.5, minReady: 2, maxReady: 2 });
    await readyCount(template.id, 2);
    const small = (await projects.createProject({ alias: 'one-only', realmIds: [], maxContainers: 1 }, as(admin))).project?.id ?? '';
    const realm = 'ab'.repeat(12);
    const first = await containers.createContainer(scheduler.CreateContainerRequest.fromPartial({ projectId: small, serverId, name: 'only', memory: 0.5, realmIds: [realm] }), as(admin));
    expect(first.container).toMatchObject({ prespawn: true, projectId: small, realmIds: [realm] });
    expect(await rpcFailure(containers.createContainer(scheduler.CreateContainerRequest.fromPartial({ projectId: small, serverId, name: 'second', memory: 0.5 }), as(admin)))).toMatchObject({
      errorCode: 'CONTAINER_LIMIT_REACHED',
    });
    expect((await statusOf(template.id)).claimed).toBe(1);
    await prespawn.deleteTemplate({ id: template.id }, as(admin));
  });

  it('gives each of many concurrent claims a different warm container', async () => {
    const template = await newTemplate({ name: 'burst', cpu: 0.5, minReady: 4, maxReady: 4 });
    await readyCount(template.id, 4);
    const warm = new Set((await warmOf(template.id)).map((w) => w.id));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => create(`burst-${i}`, { cpu: 0.5 })));
    const served = results.map((r) => r.container as scheduler.Container);
    const fromPool = served.filter((c) => c.prespawn);
    expect(fromPool.length).toBeGreaterThanOrEqual(4);
    expect(new Set(served.map((c) => c.id)).size).toBe(10);
    for (const c of fromPool) expect(warm.has(c.id) || c.status === S.RUNNING).toBe(true);
    expect((await statusOf(template.id)).claimed).toBe(fromPool.length);
  });

  it('drains the old warm containers when what a template runs changes, and recycles those past the ttl', async () => {
    const template = await newTemplate({ name: 'drain', minReady: 1, maxReady: 1, ttlSeconds: 0 });
    await readyCount(template.id, 1);
    const before = (await warmOf(template.id)).map((w) => w.id);
    await prespawn.updateTemplate(scheduler.UpdateTemplateRequest.fromPartial({ id: template.id, environmentVars: { values: { V: '2' } } }), as(admin));
    await eventually('the old generation to be drained', async () => {
      const now = (await warmOf(template.id)).filter((w) => w.status === S.RUNNING && w.environmentVars.V === '2');
      const old = (await warmOf(template.id)).filter((w) => before.includes(w.id));
      return now.length >= 1 && old.length === 0 ? true : undefined;
    });
    const changed = (await prespawn.updateTemplate(scheduler.UpdateTemplateRequest.fromPartial({ id: template.id, ttlSeconds: 1 }), as(admin))).template;
    expect(changed?.ttlSeconds).toBe(1);
    const first = (await warmOf(template.id)).filter((w) => w.environmentVars.V === '2').map((w) => w.id);
    await eventually('a warm container older than the ttl to be replaced', async () => {
      const now = (await warmOf(template.id)).map((w) => w.id);
      return first.every((id) => !now.includes(id)) && now.length >= 1 ? true : undefined;
    });
    await prespawn.deleteTemplate({ id: template.id }, as(admin));
    await eventually('a deleted template\'s warm containers to go', async () => ((await warmOf(template.id)).some((w) => w.environmentVars.V === '2') ? undefined : true));
    expect(await rpcFailure(prespawn.getTemplate({ id: template.id }, as(admin)))).toMatchObject({ code: status.NOT_FOUND, errorCode: 'TEMPLATE_NOT_FOUND' });
  });

  it('marks a template whose containers cannot start degraded, with the reason, instead of retrying forever', async () => {
    const template = await newTemplate({ name: 'broken', containerImage: 'hoody/missing:1', minReady: 1, maxReady: 1 });
    const degraded = await eventually('the template to be degraded', async () => {
      const t = (await prespawn.getTemplate({ id: template.id }, as(admin))).template;
      return t?.state === T.DEGRADED ? t : undefined;
    });
    expect(degraded.degradedReason).toMatch(/IMAGE_NOT_FOUND/);
    const s = await statusOf(template.id);
    expect(s.recentFailures.length).toBeGreaterThanOrEqual(2);
    expect(s.recentFailures[0].reason).toMatch(/IMAGE_NOT_FOUND/);
    // no more attempts while degraded
    const failures = s.recentFailures.length;
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await statusOf(template.id)).recentFailures.length).toBe(failures);
    await prespawn.deleteTemplate({ id: template.id }, as(admin));
  });

  it("keeps templates to their owner; a server's prespawn_count is a default pool everyone placing there claims from, after their own", async () => {
    const template = await newTemplate({ name: 'private', minReady: 0, maxReady: 1 });
    expect(await rpcFailure(prespawn.getTemplate({ id: template.id }, as(alice)))).toMatchObject({ code: status.NOT_FOUND, errorCode: 'TEMPLATE_NOT_FOUND' });
    expect((await prespawn.listTemplates({ page: undefined }, as(alice))).templates).toEqual([]);
    expect(await rpcFailure(prespawn.createTemplate(scheduler.CreateTemplateRequest.fromPartial({ serverIds: [serverId] }), as(alice)))).toMatchObject({ errorCode: 'SERVER_NOT_FOUND' });
    expect(await rpcFailure(prespawn.setServerPrespawnCount({ serverId, prespawnCount: 1 }, as(alice)))).toMatchObject({ errorCode: 'SERVER_NOT_FOUND' });
    await prespawn.deleteTemplate({ id: template.id }, as(admin));

    const { server } = await prespawn.setServerPrespawnCount({ serverId, prespawnCount: 1 }, as(admin));
    expect(server?.prespawnCount).toBe(1);
    const defaults = (await prespawn.listTemplates({ page: undefined }, as(admin))).templates.find((t) => t.defaultForServerId === serverId) as scheduler.Template;
    expect(defaults).toMatchObject({ containerImage: 'hoody/base:latest', hoodyKit: true, minReady: 1, maxReady: 1 });
    expect(await rpcFailure(prespawn.deleteTemplate({ id: defaults.id }, as(admin)))).toMatchObject({ errorCode: 'INVALID_STATE' });
    await readyCount(defaults.id, 1);
    // the caller's own template serves before the server's default one, older as that one's container is
    for (const t of (await prespawn.listTemplates({ page: undefined }, as(admin))).templates) {
      if (!t.defaultForServerId) await prespawn.deleteTemplate({ id: t.id }, as(admin));
    }
    const own = await newTemplate({ name: 'own-plain', minReady: 1, maxReady: 1 });
    await readyCount(own.id, 1);
    expect((await create('from-own', { prespawn: true })).container).toMatchObject({ prespawn: true, prespawnTemplateId: own.id });
    await prespawn.deleteTemplate({ id: own.id }, as(admin));
    const { container } = await create('from-default', { prespawn: true });
    expect(container).toMatchObject({ prespawn: true, status: S.RUNNING, prespawnTemplateId: defaults.id });
    expect((await prespawn.setServerPrespawnCount({ serverId, prespawnCount: 0 }, as(admin))).server?.prespawnCount).toBe(0);
  });

  it('fills a server no further than its max_containers, shares it fairly among its pools, and a warm container gives its place up to a create that needs it', async () => {
    const capacity = async () => (await servers.getServer({ id: serverId }, as(admin))).server?.containerCapacity as scheduler.ContainerCapacity;
    // the server without the earlier tests' pools and with nothing being created or removed, then
    // restarted with room for two more containers than it holds
    for (const t of (await prespawn.listTemplates({ page: undefined }, as(admin))).templates) {
      if (!t.defaultForServerId) await prespawn.deleteTemplate({ id: t.id }, as(admin));
    }
    await eventually('no warm container and nothing in transit on the server', async () => {
      const all = (await containers.listContainers({ page: { page: 1, limit: 100, sortBy: '', sortOrder: 0 }, realmId: '', includePrespawn: true, projectId: '', serverId: '' }, as(admin))).containers;
      return all.every((c) => c.projectId !== '' && c.status !== S.CREATING && c.status !== S.DELETING) ? true : undefined;
    });
    const used = (await capacity()).used;
    agentEnv = { HOODY_AGENT_MAX_CONTAINERS: String(used + 2) };
    await agentService.stop();
    await agentService.start();
    await eventually('the server to report its new max', async () => ((await capacity()).max === used + 2 ? true : undefined));
    try {
      // two pools wanting 2 each share the 2 places, one each even when the older one held both first, and never take a third
      const a = await newTemplate({ name: 'cap-a', minReady: 2, maxReady: 2 });
      await readyCount(a.id, 2);
      const b = await newTemplate({ name: 'cap-b', minReady: 2, maxReady: 2 });
      let most = 0;
      await eventually('one place warm for each pool', async () => {
        most = Math.max(most, (await capacity()).used);
        const [sa, sb] = [await statusOf(a.id), await statusOf(b.id)];
        return sa.ready === 1 && sb.ready === 1 && sa.warming + sb.warming === 0 ? true : undefined;
      });
      // each says why it keeps fewer than min_ready
      for (const t of [a, b]) expect((await statusOf(t.id)).servers.map((s) => s.limitedBy)).toEqual(['server_capacity']);
      for (let i = 0; i < 10; i++) {
        most = Math.max(most, (await capacity()).used);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(most).toBe(used + 2);

      // a create the pools cannot serve takes a warm container's place, twice; then the server is full
      expect((await create('cap-cold-1', { bypassPrespawn: true })).container).toMatchObject({ status: S.RUNNING, prespawn: false });
      // a create refused for its name takes no place: the other warm container stays
      expect(await rpcFailure(create('cap-cold-1', { bypassPrespawn: true }))).toMatchObject({ errorCode: 'NAME_TAKEN' });
      const ready = async () => [...(await warmOf(a.id)), ...(await warmOf(b.id))].filter((c) => c.status === S.RUNNING).length;
      expect(await ready()).toBe(1);
      expect((await create('cap-cold-2', { hoodyKit: false })).container).toMatchObject({ status: S.RUNNING, prespawn: false });
      // the warm containers that gave way are removed after the creates are answered
      await eventually('the two warm containers removed', async () => ((await warmOf(a.id)).length + (await warmOf(b.id)).length === 0 ? true : undefined));
      expect(await capacity()).toMatchObject({ used: used + 2, max: used + 2 });
      expect(await rpcFailure(create('cap-cold-3', { bypassPrespawn: true }))).toMatchObject({ errorCode: 'SERVER_CAPACITY_REACHED' });
      for (const t of [a, b]) await prespawn.deleteTemplate({ id: t.id }, as(admin));
    } finally {
      agentEnv = {};
      await agentService.stop();
      await agentService.start();
      await eventually('the server to report its usual max', async () => ((await capacity()).max > used + 2 ? true : undefined));
    }
  });

  it('shares the warm-up slots among the pools of a server: a pool emptied along with another refills alongside it, not after it', async () => {
    for (const t of (await prespawn.listTemplates({ page: undefined }, as(admin))).templates) {
      if (!t.defaultForServerId) await prespawn.deleteTemplate({ id: t.id }, as(admin));
    }
    schedulerEnv = { HOODY_PRESPAWN_CONCURRENCY: '1' };
    await schedulerService.stop();
    await schedulerService.start();
    // two pools told apart by their memory (a cpu limit would slow one pool's warm-ups), so that
    // each create claims from the one it names
    const older = await newTemplate({ name: 'slots-a', minReady: 3, maxReady: 3, memory: 0.5 });
    const newer = await newTemplate({ name: 'slots-b', minReady: 3, maxReady: 3, memory: 0.25 });
    try {
      await readyCount(older.id, 3);
      await readyCount(newer.id, 3);
      const claims = await Promise.all([0.5, 0.5, 0.5, 0.25, 0.25, 0.25].map((memory, i) => create(`slots-${i}`, { memory })));
      expect(claims.map((c) => c.container?.prespawn)).toEqual([true, true, true, true, true, true]);
      // a status shows the pool manager's last look: first one that saw both pools emptied (a look
      // between the claims saw one emptied and the other still full)
      await eventually('a look after the claims', async () => {
        const [a, b] = [await statusOf(older.id), await statusOf(newer.id)];
        return a.ready < 3 && b.ready < 3 ? true : undefined;
      });
      // one warm-up at a time on the server: whichever pool is full first, the other is nearly so
      // (taking turns), where the older pool used to take every slot until full
      const [first, other] = await eventually('a pool refilled', async () => {
        const [a, b] = [await statusOf(older.id), await statusOf(newer.id)];
        if (a.ready === 3) return [a, b];
        if (b.ready === 3) return [b, a];
        return undefined;
      });
      expect(first.ready).toBe(3);
      // what each pool went through is in the message if it fails (a failed warm-up backs a pool off)
      expect({ ready: other.ready >= 2, first: first.recentFailures, other: other.recentFailures, state: other.state }).toEqual({
        ready: true,
        first: [],
        other: [],
        state: other.state,
      });
      await readyCount(other.templateId, 3);
    } finally {
      for (const t of [older, newer]) await prespawn.deleteTemplate({ id: t.id }, as(admin));
      schedulerEnv = {};
      await schedulerService.stop();
      await schedulerService.start();
    }
  });

  it('survives a scheduler killed with SIGKILL during a storm of claims: every warm container is ready or claimed by exactly one caller, none orphaned', async () => {
    const template = await newTemplate({ name: 'storm', memory: 0.25, minReady: 6, maxReady: 6 });
    await readyCount(template.id, 6);
    const claims: Array<Promise<scheduler.Container | undefined>> = [];
    for (let i = 0; i < 30; i++) {
      claims.push(create(`storm-${i}`, { memory: 0.25 }).then((r) => r.container, () => undefined));
      if (i === 8) setTimeout(() => void schedulerService.stop('SIGKILL'), 0);
      await new Promise((r) => setTimeout(r, 5));
    }
    const answered = (await Promise.all(claims)).filter((c): c is scheduler.Container => c !== undefined);
    // the kill came in the middle: some claims were answered, the rest were cut off
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length).toBeLessThan(30);
    expect(new Set(answered.map((c) => c.id)).size).toBe(answered.length);
    await schedulerService.start();

    // after restart: the pool is full again, every claim the store holds is in exactly one project
    await readyCount(template.id, 6);
    const all = (
      await containers.listContainers({ page: { page: 1, limit: 100, sortBy: '', sortOrder: 0 }, realmId: '', includePrespawn: true, projectId: '', serverId: '' }, as(admin))
    ).containers;
    const storm = all.filter((c) => c.name.startsWith('storm-'));
    for (const c of answered) expect(storm.find((s) => s.id === c.id)).toMatchObject({ projectId, name: c.name });
    expect(new Set(storm.map((c) => c.name)).size).toBe(storm.length);
    // the creates that found the pool empty went cold; one the kill cut short is provisioned again by reconciliation
    await eventually('every container of the storm to run', async () => {
      const now = (
        await containers.listContainers({ page: { page: 1, limit: 100, sortBy: '', sortOrder: 0 }, realmId: '', includePrespawn: false, projectId, serverId: '' }, as(admin))
      ).containers.filter((c) => c.name.startsWith('storm-'));
      return now.length === storm.length && now.every((c) => c.status === S.RUNNING) ? true : undefined;
    });
    // nothing on the engine without a record, nothing recorded alive without its Docker container
    await eventually('the engine and the store to agree', async () => {
      const records = (
        await containers.listContainers({ page: { page: 1, limit: 100, sortBy: '', sortOrder: 0 }, realmId: '', includePrespawn: true, projectId: '', serverId: '' }, as(admin))
      ).containers.filter((c) => c.status !== S.DELETING);
      const engine = new Set(await dockerIds());
      const alive = records.filter((c) => c.status === S.RUNNING);
      const missing = alive.filter((c) => !engine.has(c.id));
      const orphans = (await servers.getServer({ id: serverId }, as(admin))).server?.orphanContainers ?? [];
      return missing.length === 0 && orphans.length === 0 ? true : undefined;
    });
  });
});
