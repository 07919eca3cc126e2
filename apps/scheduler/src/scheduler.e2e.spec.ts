import { Metadata, status } from '@grpc/grpc-js';
import { auth, common, createGrpcClient, scheduler, setPrincipal, type GrpcPromiseClient } from '@hoody/contracts';
import { connectNats, drainNats } from '@hoody/messaging';
import { AGENT_HEARTBEAT_SUBJECT, CONTAINER_ID_LABEL, KEEP_ALIVE_COMMAND, MANAGED_LABEL, mountPointsUnder, NAME_LABEL, PROJECT_ID_LABEL, unmountTree } from '@hoody/runtime';
import { eventually, rpcFailure, type ServiceProcess, testDocker, testNatsUrl } from '@hoody/test-support';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schedulerStack } from './testing/scheduler-stack';

jest.setTimeout(60_000);

const HEARTBEAT_MS = 500;
const { ContainerStatus: S, ContainerOperation: Op } = scheduler;

describe('scheduler with auth and an agent on a real engine', () => {
  const docker = testDocker();
  const serverName = `e2e-${randomBytes(3).toString('hex')}`;
  let home: string;
  let authService: ServiceProcess;
  let agentService: ServiceProcess;
  let schedulerService: ServiceProcess;
  let authAddress: string;
  let schedulerAddress: string;
  let tokens: GrpcPromiseClient<typeof auth.TokenServiceService>;
  let projects: GrpcPromiseClient<typeof auth.ProjectServiceService>;
  let users: GrpcPromiseClient<typeof auth.UserServiceService>;
  let servers: GrpcPromiseClient<typeof scheduler.ServerServiceService>;
  let containers: GrpcPromiseClient<typeof scheduler.ContainerServiceService>;
  let admin: common.Principal;
  let alice: common.Principal;
  let serverId: string;
  let projectId: string;
  const ids: Record<string, string> = {};

  const as = (principal: common.Principal) => setPrincipal(new Metadata(), principal);
  const adminToken = () => readFileSync(join(home, 'admin-token'), 'utf8').trim();
  async function principalOf(secret: string): Promise<common.Principal> {
    const { principal } = await tokens.authenticateToken({ secret, clientIp: '127.0.0.1', hostRealmId: '' });
    if (!principal) throw new Error('no principal');
    return principal;
  }
  const get = async (id: string) => (await containers.getContainer({ id }, as(admin))).container as scheduler.Container;
  const manage = (id: string, operation: scheduler.ContainerOperation) => containers.manageContainer({ id, operation }, as(admin));
  const server = async () => (await servers.getServer({ id: serverId }, as(admin))).server as scheduler.Server;
  const dockerOf = async (platformId: string) =>
    (await docker.listContainers({ all: true, filters: { label: [`${CONTAINER_ID_LABEL}=${platformId}`] } }))[0];
  const create = (name: string, extra: Partial<scheduler.CreateContainerRequest> = {}) =>
    containers.createContainer(scheduler.CreateContainerRequest.fromPartial({ projectId, serverId, name, ...extra }), as(admin));
  const startAll = () => Promise.all([authService.start(), agentService.start(), schedulerService.start()]);
  const stopAll = () => Promise.all([schedulerService.stop(), agentService.stop(), authService.stop()]);

  beforeAll(async () => {
    home = await realpath(await mkdtemp(join(tmpdir(), 'hoody-scheduler-e2e-')));
    ({ auth: authService, agent: agentService, scheduler: schedulerService, authAddress, schedulerAddress } = await schedulerStack({
      home,
      natsUrl: testNatsUrl(),
      serverName,
      heartbeatMs: HEARTBEAT_MS,
    }));
    await startAll();
    tokens = createGrpcClient(auth.TokenServiceService, authAddress);
    projects = createGrpcClient(auth.ProjectServiceService, authAddress);
    users = createGrpcClient(auth.UserServiceService, authAddress);
    servers = createGrpcClient(scheduler.ServerServiceService, schedulerAddress);
    containers = createGrpcClient(scheduler.ContainerServiceService, schedulerAddress);
    admin = await principalOf(adminToken());
    alice = await principalOf((await users.createUser({ username: 'alice' }, as(admin))).secret);
  }, 60_000);

  afterAll(async () => {
    // HOODY_E2E_OUTPUT=1 shows what the processes said (every start of each)
    if (process.env.HOODY_E2E_OUTPUT) for (const svc of [schedulerService, agentService, authService]) process.stdout.write(`==== ${svc?.name} ====\n${svc?.output}\n`);
    for (const c of [tokens, projects, users, servers, containers]) c?.$close();
    await Promise.all([schedulerService?.stop(), agentService?.stop(), authService?.stop()]);
    // Whatever a failed test left on the engine, then the kit mounts under $HOODY_HOME.
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=true`] } })) {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
    }
    const kits = join(home, 'agent', 'containers');
    if (existsSync(kits)) for (const id of readdirSync(kits)) await unmountTree(join(kits, id, 'shares'));
    const leftover = await mountPointsUnder(home);
    await rm(home, { recursive: true, force: true });
    expect(leftover).toEqual([]);
  });

  it('registers the local agent\'s server, online, with its specs and capacity', async () => {
    const found = await eventually('the server to register', async () => {
      const list = await servers.listServers({ page: undefined, poolId: '', realmId: '' }, as(admin));
      return list.servers.find((s) => s.name === serverName);
    });
    serverId = found.id;
    expect(found).toMatchObject({ status: scheduler.ServerStatus.ONLINE, ownerId: admin.userId, poolId: '', prespawnCount: 0, containerCapacity: { used: 0, max: 100 } });
    expect(found.id).toMatch(/^[0-9a-f]{24}$/);
    expect(found.specs?.cpuCores).toBeGreaterThan(0);
    expect(found.specs?.ramGb).toBeGreaterThan(0);
    expect(Date.now() - (found.lastSeenAt?.seconds ?? 0) * 1000).toBeLessThan(5_000);
    // a user who owns no server sees none
    expect((await servers.listServers({ page: undefined, poolId: '', realmId: '' }, as(alice))).servers).toEqual([]);
    expect(await rpcFailure(servers.getServer({ id: serverId }, as(alice)))).toMatchObject({ code: status.NOT_FOUND, errorCode: 'SERVER_NOT_FOUND' });
  });

  it('registers a server with a single-use join token from an admin', async () => {
    expect(await rpcFailure(servers.createJoinToken({ name: '', poolId: '', expiresAt: undefined }, as(alice)))).toMatchObject({ code: status.PERMISSION_DENIED });
    const { joinToken } = await servers.createJoinToken({ name: 'remote-1', poolId: '', expiresAt: undefined }, as(admin));
    expect(joinToken).toMatch(/^hjt_[0-9a-f]{24}\./);
    const request = scheduler.RegisterServerRequest.fromPartial({ joinToken, hostname: 'h', agentAddress: '127.0.0.1:1', specs: { cpuCores: 2, ramGb: 4, diskGb: 10 }, maxContainers: 5 });
    const registered = await servers.registerServer(request);
    expect(registered.server).toMatchObject({ name: 'remote-1', ownerId: admin.userId, status: scheduler.ServerStatus.ONLINE, containerCapacity: { used: 0, max: 5 } });
    expect(registered.agentSecret).toMatch(/^has_/);
    expect(await rpcFailure(servers.registerServer({ ...request, name: 'remote-2' }))).toMatchObject({ code: status.UNAUTHENTICATED, errorCode: 'INVALID_TOKEN' });
    const beat = (secret: string) => servers.heartbeat(scheduler.HeartbeatRequest.fromPartial({ serverId: registered.server?.id }), withBearer(secret));
    expect(await rpcFailure(beat('has_wrong'))).toMatchObject({ code: status.UNAUTHENTICATED, errorCode: 'INVALID_TOKEN' });
    expect((await beat(registered.agentSecret)).status).toBe(scheduler.ServerStatus.ONLINE);
    // it sends no more heartbeats: offline after three missed ones
    await eventually('remote-1 to go offline', async () => {
      const s = (await servers.getServer({ id: registered.server?.id ?? '' }, as(admin))).server;
      return s?.status === scheduler.ServerStatus.OFFLINE ? s : undefined;
    });
  });

  it('registers a server whose heartbeat on NATS carries a valid join token, and only then', async () => {
    const nc = await connectNats({ servers: testNatsUrl(), name: 'scheduler-e2e' });
    try {
      const { joinToken } = await servers.createJoinToken({ name: '', poolId: '', expiresAt: undefined }, as(admin));
      const heartbeat = (name: string, token: string) =>
        nc.publish(
          AGENT_HEARTBEAT_SUBJECT,
          JSON.stringify({ serverName: name, agentUrl: '127.0.0.1:2', specs: { cpu_cores: 1, ram_gb: 1, disk_gb: 1 }, capacity: { used: 0, max: 7 }, at: new Date().toISOString(), joinToken: token }),
        );
      heartbeat('remote-bad', `${joinToken.slice(0, -4)}xxxx`);
      heartbeat('remote-nats', joinToken);
      const named = async (name: string) => (await servers.listServers({ page: undefined, poolId: '', realmId: '' }, as(admin))).servers.find((s) => s.name === name);
      const joined = await eventually('remote-nats to register', () => named('remote-nats'));
      expect(joined).toMatchObject({ ownerId: admin.userId, containerCapacity: { used: 0, max: 7 }, agentAddress: '127.0.0.1:2' });
      expect(await named('remote-bad')).toBeUndefined();
    } finally {
      await drainNats(nc);
    }
  });

  it('creates a running container on the server: a real Docker container labelled with the platform ids', async () => {
    const project = await projects.createProject({ alias: 'e2e', realmIds: [], maxContainers: 3 }, as(admin));
    projectId = project.project?.id ?? '';
    const started = Date.now();
    const { container } = await create('web', { environmentVars: { GREETING: 'hi' } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(container).toMatchObject({ projectId, serverId, serverName, name: 'web', status: S.RUNNING, hoodyKit: true, autostart: true, environmentVars: { GREETING: 'hi' } });
    ids.web = container?.id ?? '';
    expect(ids.web).toMatch(/^[0-9a-f]{24}$/);

    const engine = await dockerOf(ids.web);
    expect(engine).toBeDefined();
    expect(engine.Id).not.toBe(ids.web);
    expect(engine.State).toBe('running');
    expect(engine.Labels).toMatchObject({ [MANAGED_LABEL]: 'true', [CONTAINER_ID_LABEL]: ids.web, [PROJECT_ID_LABEL]: projectId, [NAME_LABEL]: 'web' });
    ids.webDocker = engine.Id;

    expect(await containers.execInContainer({ id: ids.web, cmd: ['sh', '-c', 'echo $GREETING; test -d /hoody/storage && test -d /hoody/shares'], env: {}, timeoutSeconds: 10 }, as(admin))).toEqual({
      exitCode: 0,
      stdout: 'hi\n',
      stderr: '',
    });
    expect((await server()).containerCapacity).toEqual({ used: 1, max: 100 });
    const logs = await containers.getContainerLogs({ id: ids.web, tail: 10 }, as(admin));
    expect(logs.lines).toEqual([]);
  });

  it('records a provisioning the agent refuses as failed, with the reason', async () => {
    const defaultProject = (await projects.listProjects({ realmId: '', page: undefined }, as(admin))).projects.find((p) => p.isDefault);
    const { container } = await containers.createContainer(
      scheduler.CreateContainerRequest.fromPartial({ projectId: defaultProject?.id, serverId, name: 'no-image', containerImage: 'hoody/missing:1' }),
      as(admin),
    );
    expect(container).toMatchObject({ status: S.FAILED, statusReason: expect.stringMatching(/^IMAGE_NOT_FOUND: /) });
    expect(await rpcFailure(manage(container?.id ?? '', Op.START))).toMatchObject({ errorCode: 'INVALID_STATE' });
    await containers.deleteContainer({ id: container?.id ?? '' }, as(admin));
    expect(await rpcFailure(get(container?.id ?? ''))).toMatchObject({ errorCode: 'CONTAINER_NOT_FOUND' });
  });

  it('pauses (the processes freeze) and resumes; refuses what the status does not allow with INVALID_STATE', async () => {
    expect(await manage(ids.web, Op.PAUSE)).toEqual({ operation: Op.PAUSE, containerId: ids.web, projectId, status: S.PAUSED });
    expect((await docker.getContainer(ids.webDocker).inspect()).State).toMatchObject({ Paused: true, Running: true });
    expect(await rpcFailure(containers.execInContainer({ id: ids.web, cmd: ['true'], env: {}, timeoutSeconds: 5 }, as(admin)))).toMatchObject({
      code: status.FAILED_PRECONDITION,
      errorCode: 'INVALID_STATE',
    });
    expect(await rpcFailure(manage(ids.web, Op.PAUSE))).toMatchObject({ code: status.FAILED_PRECONDITION, errorCode: 'INVALID_STATE' });
    expect(await rpcFailure(manage(ids.web, Op.START))).toMatchObject({ code: status.FAILED_PRECONDITION, errorCode: 'INVALID_STATE' });
    const stats = (await containers.getContainerStats({ id: ids.web }, as(admin))).stats;
    expect(stats?.pids).toBeGreaterThan(0);

    expect((await manage(ids.web, Op.RESUME)).status).toBe(S.RUNNING);
    expect((await docker.getContainer(ids.webDocker).inspect()).State).toMatchObject({ Paused: false, Running: true });
    expect((await containers.execInContainer({ id: ids.web, cmd: ['echo', 'ok'], env: {}, timeoutSeconds: 5 }, as(admin))).stdout).toBe('ok\n');
  });

  it('stops, starts, restarts and force-stops through the agent', async () => {
    expect((await manage(ids.web, Op.STOP)).status).toBe(S.STOPPED);
    expect((await docker.getContainer(ids.webDocker).inspect()).State.Running).toBe(false);
    expect(await rpcFailure(manage(ids.web, Op.RESUME))).toMatchObject({ code: status.FAILED_PRECONDITION, errorCode: 'INVALID_STATE' });
    expect((await manage(ids.web, Op.START)).status).toBe(S.RUNNING);
    expect((await manage(ids.web, Op.RESTART)).status).toBe(S.RUNNING);
    expect((await manage(ids.web, Op.FORCE_STOP)).status).toBe(S.STOPPED);
    expect((await manage(ids.web, Op.START)).status).toBe(S.RUNNING);
    expect((await docker.getContainer(ids.webDocker).inspect()).State.Running).toBe(true);
    // the engine's events of these operations change nothing afterwards
    await new Promise((r) => setTimeout(r, 500));
    expect((await get(ids.web)).status).toBe(S.RUNNING);
  });

  it('shows a container whose main process exits as stopped', async () => {
    const { container } = await create('exits');
    ids.exits = container?.id ?? '';
    await containers.execInContainer({ id: ids.exits, cmd: ['kill', '1'], env: {}, timeoutSeconds: 5 }, as(admin)).catch(() => undefined);
    const stopped = await eventually('the exited container to show stopped', async () => {
      const c = await get(ids.exits);
      return c.status === S.STOPPED ? c : undefined;
    });
    expect(stopped.exitCode).toBe(0);
    const { logs } = await containers.getStatusLogs({ id: ids.exits, page: undefined }, as(admin));
    expect(logs.map((l) => [l.fromStatus, l.toStatus, l.triggeredBy])).toEqual([
      [S.UNSPECIFIED, S.CREATING, `user:${admin.userId}`],
      [S.CREATING, S.RUNNING, 'system:provisioner'],
      [S.RUNNING, S.STOPPED, 'system:runtime'],
    ]);
  });

  it('lists every status transition in status-logs', async () => {
    const { logs, pagination } = await containers.getStatusLogs({ id: ids.web, page: undefined }, as(admin));
    expect(logs.map((l) => [l.fromStatus, l.toStatus])).toEqual([
      [S.UNSPECIFIED, S.CREATING],
      [S.CREATING, S.RUNNING],
      [S.RUNNING, S.PAUSED],
      [S.PAUSED, S.RUNNING],
      [S.RUNNING, S.STOPPED],
      [S.STOPPED, S.RUNNING],
      [S.RUNNING, S.RUNNING],
      [S.RUNNING, S.STOPPED],
      [S.STOPPED, S.RUNNING],
    ]);
    expect(pagination).toEqual({ total: 9, page: 1, limit: 20, totalPages: 1 });
    for (const log of logs) {
      expect(log).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{24}$/), containerId: ids.web });
      expect(log.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(logs[2].triggeredBy).toBe(`user:${admin.userId}`);
    const newest = await containers.getStatusLogs({ id: ids.web, page: { page: 1, limit: 2, sortBy: 'transition_time', sortOrder: common.SortOrder.DESC } }, as(admin));
    expect(newest.logs.map((l) => l.toStatus)).toEqual([S.RUNNING, S.STOPPED]);
  });

  it('keeps names unique in a project, enforces max_containers, and keeps other users out', async () => {
    for (const name of ['web', 'WEB']) expect(await rpcFailure(create(name))).toMatchObject({ code: status.FAILED_PRECONDITION, errorCode: 'NAME_TAKEN' });
    expect(await rpcFailure(create('a b'))).toMatchObject({ code: status.INVALID_ARGUMENT, errorCode: 'VALIDATION_FAILED' });
    const third = await create('');
    expect(third.container?.name).toMatch(/^container-[0-9a-f]{8}$/);
    ids.third = third.container?.id ?? '';
    const limit = await rpcFailure(create('fourth'));
    expect(limit).toMatchObject({ code: status.FAILED_PRECONDITION, errorCode: 'CONTAINER_LIMIT_REACHED' });
    expect(limit.details).toContain('at most 3 containers');

    const renamed = await containers.updateContainer(
      scheduler.UpdateContainerRequest.fromPartial({ id: ids.third, name: 'renamed', comment: 'hello', environmentVars: { values: { X: '1' } } }),
      as(admin),
    );
    expect(renamed.container).toMatchObject({ name: 'renamed', comment: 'hello', environmentVars: { X: '1' }, status: S.RUNNING });
    expect(await rpcFailure(containers.updateContainer(scheduler.UpdateContainerRequest.fromPartial({ id: ids.third, name: 'web' }), as(admin)))).toMatchObject({
      errorCode: 'NAME_TAKEN',
    });

    expect(await rpcFailure(containers.getContainer({ id: ids.web }, as(alice)))).toMatchObject({ code: status.NOT_FOUND, errorCode: 'CONTAINER_NOT_FOUND' });
    expect(await rpcFailure(containers.manageContainer({ id: ids.web, operation: Op.STOP }, as(alice)))).toMatchObject({ code: status.NOT_FOUND, errorCode: 'CONTAINER_NOT_FOUND' });
    expect((await containers.listContainers(scheduler.ListContainersRequest.fromPartial({}), as(alice))).containers).toEqual([]);
    expect(await rpcFailure(containers.createContainer(scheduler.CreateContainerRequest.fromPartial({ projectId, serverId, name: 'x1' }), as(alice)))).toMatchObject({
      errorCode: 'PROJECT_NOT_FOUND',
    });
    const own = await projects.createProject({ alias: 'mine', realmIds: [], maxContainers: undefined }, as(alice));
    expect(
      await rpcFailure(containers.createContainer(scheduler.CreateContainerRequest.fromPartial({ projectId: own.project?.id, serverId, name: 'x1' }), as(alice))),
    ).toMatchObject({ errorCode: 'SERVER_NOT_FOUND' });
    expect(await rpcFailure(containers.getContainer({ id: 'nope' }, as(admin)))).toMatchObject({ code: status.INVALID_ARGUMENT, errorCode: 'INVALID_ID_FORMAT' });

    const list = await containers.listContainers(
      scheduler.ListContainersRequest.fromPartial({ projectId, page: { page: 1, limit: 2, sortBy: 'name', sortOrder: common.SortOrder.ASC } }),
      as(admin),
    );
    expect(list.containers.map((c) => c.name)).toEqual(['exits', 'renamed']);
    expect(list.pagination).toEqual({ total: 3, page: 1, limit: 2, totalPages: 2 });
  });

  it('deletes a container: gone from Docker and from the list, its name free again', async () => {
    const engine = await dockerOf(ids.third);
    await containers.deleteContainer({ id: ids.third }, as(admin));
    expect(await dockerOf(ids.third)).toBeUndefined();
    await expect(docker.getContainer(engine.Id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await rpcFailure(containers.getContainer({ id: ids.third }, as(admin)))).toMatchObject({ errorCode: 'CONTAINER_NOT_FOUND' });
    const list = await containers.listContainers(scheduler.ListContainersRequest.fromPartial({ projectId }), as(admin));
    expect(list.containers.map((c) => c.id).sort()).toEqual([ids.web, ids.exits].sort());
    expect(existsSync(join(home, 'agent', 'containers', ids.third))).toBe(false);
    const again = await create('renamed');
    ids.renamed = again.container?.id ?? '';
    expect(again.container?.status).toBe(S.RUNNING);
  });

  it('turns the server offline after 3 missed heartbeats when its agent dies, online when it is back; autostart brings back what was running', async () => {
    const defaultProject = (await projects.listProjects({ realmId: '', page: undefined }, as(admin))).projects.find((p) => p.isDefault);
    const manual = (await create('no-autostart', { autostart: false, projectId: defaultProject?.id })).container?.id ?? '';
    const killed = Date.now();
    await agentService.stop('SIGKILL');
    await eventually('the server to go offline', async () => ((await server()).status === scheduler.ServerStatus.OFFLINE ? true : undefined));
    const elapsed = Date.now() - killed;
    expect(elapsed).toBeGreaterThanOrEqual(3 * HEARTBEAT_MS - HEARTBEAT_MS);
    expect(elapsed).toBeLessThan(4_000);
    expect(await rpcFailure(create('while-offline'))).toMatchObject({ code: status.FAILED_PRECONDITION, errorCode: 'SERVER_OFFLINE' });
    expect(await rpcFailure(manage(ids.web, Op.STOP))).toMatchObject({ code: status.FAILED_PRECONDITION, errorCode: 'SERVER_OFFLINE' });
    // a deletion waits for the server: deleting until its agent is back
    await containers.deleteContainer({ id: ids.renamed }, as(admin));
    expect((await get(ids.renamed)).status).toBe(S.DELETING);
    expect(await dockerOf(ids.renamed)).toBeDefined();
    // the engine restarts while the server is away: its containers stop, and nobody reports it
    for (const id of [ids.web, manual]) await docker.getContainer((await dockerOf(id)).Id).stop({ t: 0 });
    await agentService.start();
    await eventually('the server to come back online', async () => ((await server()).status === scheduler.ServerStatus.ONLINE ? true : undefined));
    await eventually('the pending deletion to finish', async () => ((await rpcFailure(get(ids.renamed))).errorCode === 'CONTAINER_NOT_FOUND' ? true : undefined));
    expect(await dockerOf(ids.renamed)).toBeUndefined();
    expect((await dockerOf(ids.web)).Id).toBe(ids.webDocker);
    // autostart (the default) starts it again; without autostart it stays stopped
    await eventually('web to be started again', async () => ((await get(ids.web)).status === S.RUNNING && (await dockerOf(ids.web)).State === 'running' ? true : undefined));
    const newest = await containers.getStatusLogs({ id: ids.web, page: { page: 1, limit: 2, sortBy: 'transition_time', sortOrder: common.SortOrder.DESC } }, as(admin));
    expect(newest.logs.map((l) => [l.toStatus, l.triggeredBy])).toEqual([
      [S.RUNNING, 'system:autostart'],
      [S.STOPPED, 'system:reconciler'],
    ]);
    await eventually('the stop without autostart to be recorded', async () => ((await get(manual)).status === S.STOPPED ? true : undefined));
    expect((await dockerOf(manual)).State).toBe('exited');
    await containers.deleteContainer({ id: manual }, as(admin));
  });

  it('rebuilds the same list, statuses and status logs after every process restarts, leaving running containers running', async () => {
    const listed = async () => (await containers.listContainers(scheduler.ListContainersRequest.fromPartial({ projectId }), as(admin))).containers;
    const logsOf = async (id: string) => (await containers.getStatusLogs({ id, page: { page: 1, limit: 100, sortBy: '', sortOrder: 0 } }, as(admin))).logs;
    const before = await listed();
    const webLogs = await logsOf(ids.web);
    const [schedulerExit, agentExit] = await stopAll();
    expect([schedulerExit, agentExit]).toEqual([0, 0]); // clean stops
    expect(schedulerService.output).not.toMatch(/unclean stop/);
    // the read model is rebuilt from the store, not kept
    for (const f of ['scheduler.db', 'scheduler.db-wal', 'scheduler.db-shm']) await rm(join(home, 'read-models', f), { force: true });
    const restarted = Date.now();
    await startAll();
    admin = await principalOf(adminToken());
    await eventually('a heartbeat of the restarted agent', async () => {
      const s = await server();
      return s.status === scheduler.ServerStatus.ONLINE && (s.lastSeenAt?.seconds ?? 0) * 1000 + 1000 >= restarted ? true : undefined;
    });
    expect(await listed()).toEqual(before);
    expect(await logsOf(ids.web)).toEqual(webLogs);
    const web = await dockerOf(ids.web);
    expect(web.Id).toBe(ids.webDocker);
    expect(web.State).toBe('running');
    expect((await get(ids.web)).status).toBe(S.RUNNING);
    expect((await get(ids.exits)).status).toBe(S.STOPPED);
  });

  it('shows a container removed behind the platform\'s back as failed (missing)', async () => {
    await docker.getContainer(ids.webDocker).remove({ force: true });
    const failed = await eventually('the removed container to show missing', async () => {
      const c = await get(ids.web);
      return c.status === S.FAILED ? c : undefined;
    });
    expect(failed.statusReason).toMatch(/^missing/);
    const { logs } = await containers.getStatusLogs({ id: ids.web, page: { page: 1, limit: 100, sortBy: '', sortOrder: 0 } }, as(admin));
    expect(logs.at(-1)).toMatchObject({ toStatus: S.FAILED, triggeredBy: expect.stringMatching(/^system:(runtime|reconciler)$/) });
    expect(await rpcFailure(manage(ids.web, Op.STOP))).toMatchObject({ errorCode: 'INVALID_STATE' });
    await containers.deleteContainer({ id: ids.web }, as(admin));
    expect(existsSync(join(home, 'agent', 'containers', ids.web))).toBe(false);
  });

  it('reports a platform-labelled container it has no record of, and never deletes it', async () => {
    const strayId = randomBytes(12).toString('hex');
    const stray = await docker.createContainer({
      name: `hoody-${strayId}`,
      Image: 'hoody/base:latest',
      Cmd: [...KEEP_ALIVE_COMMAND],
      Labels: { [MANAGED_LABEL]: 'true', [CONTAINER_ID_LABEL]: strayId, [PROJECT_ID_LABEL]: projectId, [NAME_LABEL]: 'stray' },
      HostConfig: { NetworkMode: 'none' },
    });
    await stray.start();
    const reported = await eventually('the orphan to be reported', async () => (await server()).orphanContainers.find((o) => o.containerId === strayId));
    expect(reported).toMatchObject({ containerId: strayId, dockerId: stray.id, projectId, name: 'stray' });
    await new Promise((r) => setTimeout(r, 1_500)); // another reconciliation or two
    expect((await stray.inspect()).State.Running).toBe(true);
    expect((await containers.listContainers(scheduler.ListContainersRequest.fromPartial({ projectId }), as(admin))).containers.map((c) => c.id)).not.toContain(strayId);
    await stray.remove({ force: true });
    await eventually('the orphan report to clear', async () => ((await server()).orphanContainers.length === 0 ? true : undefined));
  });

  it('deletes the containers of a deleted project', async () => {
    const doomed = (await projects.createProject({ alias: 'doomed', realmIds: [], maxContainers: undefined }, as(admin))).project?.id ?? '';
    const { container } = await containers.createContainer(scheduler.CreateContainerRequest.fromPartial({ projectId: doomed, serverId, name: 'goner' }), as(admin));
    expect(container?.status).toBe(S.RUNNING);
    await projects.deleteProject({ id: doomed }, as(admin));
    // out of sight at once (its project is gone); deleted from the engine and the server's count soon after
    expect(await rpcFailure(get(container?.id ?? ''))).toMatchObject({ errorCode: 'CONTAINER_NOT_FOUND' });
    await eventually('the container of the deleted project to be deleted', async () => ((await server()).containerCapacity?.used === 1 ? true : undefined)); // exits
    expect(await dockerOf(container?.id ?? '')).toBeUndefined();
  });
});

function withBearer(secret: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${secret}`);
  return metadata;
}
