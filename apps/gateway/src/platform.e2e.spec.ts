import { HoodyApiError, HoodyClient } from '@hoody-ai/hoody-sdk';
import { testDocker } from '@hoody/test-support';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { joinServer, launcher } from './testing/launcher';
import { curlPrespawnedCreate } from './testing/seed-examples';

const root = resolve(__dirname, '../../..');

/** The platform as a user starts it: `npm start`, i.e. the launcher, one process per app. */
describe('the platform through its REST API, SDK and CLI', () => {
  const home = mkdtempSync(join(tmpdir(), 'hoody-platform-'));
  const platform = launcher(home, 21000);
  const { base, start, stop } = platform;
  let adminToken: string;
  let admin: HoodyClient;

  const hoody = (...args: string[]) =>
    promisify(execFile)(join(root, 'bin/hoody'), args, { env: { ...process.env, HOODY_BASE_URL: base, HOODY_TOKEN: adminToken } });

  beforeAll(async () => {
    await start();
    adminToken = platform.adminToken();
    admin = new HoodyClient({ baseURL: base, token: adminToken });
  }, 90_000);
  afterAll(async () => {
    // containers outlive the platform's processes by design; remove them (and their kit mounts)
    await platform.close(async () => {
      for (const c of (await admin.api.containers.list({ limit: 100 })).data.containers) await admin.api.containers.delete(c.id);
    });
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('answers health without a token, and serves its OpenAPI document', async () => {
    const health = await fetch(`${base}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { data: { services: unknown } }).data.services).toMatchObject({ auth: 'ok', scheduler: 'ok', history: 'ok', 'event-relay': 'ok' });
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/tokens', '/api/v1/projects/{id}', '/api/v1/users']));
  });

  it('mints tokens shown once, reports `me`, and a revoked token fails within a second', async () => {
    const created = await admin.api.authTokens.create({ alias: 'ci' });
    expect(created.statusCode).toBe(201);
    const secret = created.data.token;
    const ci = new HoodyClient({ baseURL: base, token: secret });
    expect((await ci.api.authTokens.me()).data.token.alias).toBe('ci');
    const listed = await admin.api.authTokens.list();
    expect(JSON.stringify(listed.data)).not.toContain(secret);
    await admin.api.authTokens.delete(created.data.id);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 2000) {
      status = await ci.api.projects.list().then(
        () => 200,
        (e: HoodyApiError) => e.statusCode,
      );
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });

  it('gives each user their own projects: out of sight is not found', async () => {
    const { data } = await admin.api.users.create({ username: 'alice' });
    const alice = new HoodyClient({ baseURL: base, token: data.token.token });
    const mine = await alice.api.projects.create({ alias: 'site', max_containers: 2 });
    expect(mine.data).toMatchObject({ alias: 'site', max_containers: 2, user_id: data.user.id });
    await expect(admin.api.projects.get(mine.data.id)).rejects.toMatchObject({ statusCode: 404, error: 'PROJECT_NOT_FOUND' });
    await expect(alice.api.projects.create({ alias: 'site' })).rejects.toMatchObject({ statusCode: 409, error: 'NAME_TAKEN' });
    await expect(alice.api.users.create({ username: 'bob' })).rejects.toMatchObject({ statusCode: 403, error: 'INSUFFICIENT_PERMISSIONS' });
    const listed = await alice.api.projects.list();
    expect(listed.data.projects.map((p: { alias: string }) => p.alias).sort()).toEqual(['default', 'site']);
  });

  it('holds to the contract conventions', async () => {
    const auth = { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' };
    expect((await fetch(`${base}/api/v1/projects/`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${base}/api/v1/projects`, { headers: { Authorization: adminToken } })).status).toBe(200); // no Bearer prefix
    const noToken = await fetch(`${base}/api/v1/projects`);
    expect(await noToken.json()).toMatchObject({ statusCode: 401, error: 'MISSING_TOKEN' });
    const malformed = await fetch(`${base}/api/v1/projects`, { method: 'POST', headers: auth, body: '{"alias": ' });
    expect(await malformed.json()).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED' });
    const unknown = await fetch(`${base}/api/v1/projects`, { method: 'POST', headers: auth, body: JSON.stringify({ alias: 'x', wings: true }) });
    expect(await unknown.json()).toMatchObject({ statusCode: 400, data: [{ instancePath: '/wings' }] });
    const huge = await fetch(`${base}/api/v1/projects`, { method: 'POST', headers: auth, body: JSON.stringify({ alias: 'x'.repeat(1_100_000) }) });
    expect(huge.status).toBe(413);
    const badId = await fetch(`${base}/api/v1/projects/XYZ`, { headers: auth });
    expect(await badId.json()).toMatchObject({ statusCode: 400, error: 'INVALID_ID_FORMAT' });
  });

  it('works through the hoody CLI, with the API message on errors', async () => {
    const created = await hoody('projects', 'create', '--alias', 'from-cli', '-o', 'json');
    expect(JSON.parse(created.stdout)).toMatchObject({ alias: 'from-cli' });
    const again = await hoody('projects', 'create', '--alias', 'from-cli').catch((e) => e);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('409 NAME_TAKEN');
  }, 30_000);

  const localServer = async () => {
    for (let i = 0; i < 50; i++) {
      const online = (await admin.api.servers.list()).data.find((s: { status: string }) => s.status === 'online');
      if (online) return online.id as string;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the local server never came online');
  };
  const newProject = async (alias: string) => (await admin.api.projects.create({ alias })).data.id as string;
  const dockerContainerOf = async (platformId: string) => {
    const [found] = await testDocker().listContainers({ all: true, filters: { label: [`hoody.container_id=${platformId}`] } });
    return found;
  };

  // No prespawn template here: these creates go cold (prespawn.e2e.spec.ts serves them from a pool).
  it("creates containers with the seed's examples as written (CLI, SDK, curl), as real labelled Docker containers", async () => {
    const SERVER_ID = await localServer();
    // CLI
    let PROJECT_ID = await newProject('seed-cli');
    const cli = await hoody('containers', 'create', '--project', PROJECT_ID, '--server-id', SERVER_ID, '--name', 'prespawned', '--hoody-kit', '--prespawn', '-o', 'json');
    expect(JSON.parse(cli.stdout)).toMatchObject({ name: 'prespawned', status: 'running', hoody_kit: true, prespawn: false, container_image: 'hoody/base:latest' });
    // SDK
    PROJECT_ID = await newProject('seed-sdk');
    const client = new HoodyClient({ baseURL: base, token: adminToken });
    const sdk = await client.api.containers.create(PROJECT_ID, { server_id: SERVER_ID, name: 'prespawned', hoody_kit: true, prespawn: true });
    expect(sdk.data).toMatchObject({ name: 'prespawned', status: 'running', project_id: PROJECT_ID });
    // curl
    PROJECT_ID = await newProject('seed-curl');
    const curled = await curlPrespawnedCreate(base, { PROJECT_ID, SERVER_ID, HOODY_TOKEN: adminToken });
    expect(curled).toMatchObject({ statusCode: 201, data: { name: 'prespawned', status: 'running' } });

    const docker = await dockerContainerOf(curled.data.id);
    expect(docker.State).toBe('running');
    expect(docker.Id).not.toBe(curled.data.id);
    expect(docker.Labels['hoody.project_id']).toBe(PROJECT_ID);
  }, 60_000);

  it('runs the six operations, exec and logs; status follows reality and refuses what it does not allow', async () => {
    const SERVER_ID = await localServer();
    const project = await newProject('ops');
    const { data: c } = await admin.api.containers.create(project, { server_id: SERVER_ID, name: 'ops-1' });
    const exec = await admin.api.containers.exec(c.id, { cmd: ['sh', '-c', 'echo kept > /hoody/storage/f && ls /hoody'] });
    expect(exec.data).toEqual({ exit_code: 0, stdout: 'run\nshares\nstorage\n', stderr: '' });
    expect((await admin.api.containers.manage(c.id, 'pause')).data.status).toBe('paused');
    expect((await testDocker().getContainer((await dockerContainerOf(c.id)).Id).inspect()).State.Paused).toBe(true);
    await expect(admin.api.containers.exec(c.id, { cmd: ['true'] })).rejects.toMatchObject({ statusCode: 409, error: 'INVALID_STATE' });
    expect((await admin.api.containers.manage(c.id, 'resume')).data.status).toBe('running');
    expect((await admin.api.containers.manage(c.id, 'restart')).data.status).toBe('running');
    expect((await admin.api.containers.exec(c.id, { cmd: ['cat', '/hoody/storage/f'] })).data.stdout).toBe('kept\n');
    expect((await admin.api.containers.manage(c.id, 'stop')).data.status).toBe('stopped');
    await expect(admin.api.containers.manage(c.id, 'pause')).rejects.toMatchObject({ statusCode: 409, error: 'INVALID_STATE' });
    expect((await admin.api.containers.manage(c.id, 'start')).data.status).toBe('running');
    // the main process exits behind the platform's back: the status follows
    await admin.api.containers.exec(c.id, { cmd: ['kill', '1'] }).catch(() => undefined);
    let status = 'running';
    for (let i = 0; i < 50 && status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await admin.api.containers.get(c.id)).data.status;
    }
    expect(status).toBe('stopped');
    const logs = (await admin.api.containers.statusLogs(c.id)).data.logs.map((l: { to_status: string }) => l.to_status);
    expect(logs).toEqual(expect.arrayContaining(['creating', 'running', 'paused', 'stopped']));
    await admin.api.containers.delete(c.id);
    await expect(admin.api.containers.get(c.id)).rejects.toMatchObject({ statusCode: 404 });
    expect(await dockerContainerOf(c.id)).toBeUndefined();
  }, 60_000);

  it('refuses bad container input with a clear error, and changes nothing', async () => {
    const SERVER_ID = await localServer();
    const project = await newProject('bad-input');
    await admin.api.containers.create(project, { server_id: SERVER_ID, name: 'taken' });
    await expect(admin.api.containers.create(project, { server_id: SERVER_ID, name: 'taken' })).rejects.toMatchObject({ statusCode: 409, error: 'NAME_TAKEN' });
    for (const body of [{ privileged: true }, { kvm: true }, { devices: ['/dev/kvm'] }, { volumes: ['/:/host'] }]) {
      await expect(admin.api.containers.create(project, { server_id: SERVER_ID, name: 'nope', ...body } as never)).rejects.toMatchObject({ statusCode: 400 });
    }
    await expect(admin.api.containers.create(project, { server_id: SERVER_ID, name: 'a b' })).rejects.toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED' });
    // what was refused is in the caller's history: the audit trail
    let refused: Array<{ payload: Record<string, unknown> }> = [];
    for (let i = 0; i < 50 && refused.length < 5; i++) {
      refused = (await admin.api.events.list({ event_type: 'audit.request.refused', resource_id: project, limit: 50 })).data.events;
      if (refused.length < 5) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused.map((e) => [e.payload.code, e.payload.operation])).toEqual(
      expect.arrayContaining([
        ['NAME_TAKEN', 'ContainerService/createContainer'],
        ['VALIDATION_FAILED', 'POST /api/v1/projects/:project_id/containers'],
      ]),
    );
    const listed = (await admin.api.projects.listContainers(project)).data.containers.map((c: { name: string }) => c.name);
    expect(listed).toEqual(['taken']);
    // deleting the project takes its containers with it
    expect((await admin.api.projects.delete(project)).data).toEqual({ deleted: { containers: 1 } });
    let left = 1;
    for (let i = 0; i < 50 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = (await admin.api.containers.list({ limit: 100 })).data.containers.filter((c) => c.project_id === project).length;
    }
    expect(left).toBe(0);
  }, 30_000);

  it('joins a second server with a join token; containers land on the engine their server_id names', async () => {
    const joinToken = (await admin.api.servers.createJoinToken({ name: 'second' })).data.join_token;
    const second = await joinServer(platform, home, {
      name: 'second',
      joinToken,
      onlineId: async (name) => (await admin.api.servers.list()).data.find((s: { name: string; status: string }) => s.name === name && s.status === 'online')?.id,
    });
    const secondId = second.id;
    try {
      const firstId = await localServer();
      const project = await newProject('two-servers');
      const onFirst = (await admin.api.containers.create(project, { server_id: firstId, name: 'on-first' })).data;
      const onSecond = (await admin.api.containers.create(project, { server_id: secondId as string, name: 'on-second' })).data;
      expect(onSecond).toMatchObject({ status: 'running', server_id: secondId, server_name: 'second' });
      const labelled = async (engine: typeof second.docker, id: string) =>
        (await engine.listContainers({ all: true, filters: { label: [`hoody.container_id=${id}`] } })).length;
      expect([await labelled(second.docker, onSecond.id), await labelled(testDocker(), onSecond.id)]).toEqual([1, 0]);
      expect([await labelled(second.docker, onFirst.id), await labelled(testDocker(), onFirst.id)]).toEqual([0, 1]);
      await admin.api.containers.delete(onSecond.id);
    } finally {
      await second.stop();
    }
  }, 90_000);

  it('keeps every change across a restart of the whole platform, running containers left running', async () => {
    const before = (await admin.api.projects.list()).data.projects;
    const containersBefore = (await admin.api.containers.list({ limit: 100 })).data.containers;
    const dockerIds = await Promise.all(containersBefore.map(async (c: { id: string }) => (await dockerContainerOf(c.id))?.Id));
    await stop();
    await start();
    expect((await admin.api.projects.list()).data.projects).toEqual(before);
    expect(readFileSync(join(home, 'admin-token'), 'utf8').trim()).toBe(adminToken);
    const containersAfter = (await admin.api.containers.list({ limit: 100 })).data.containers;
    expect(containersAfter.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual(containersBefore.map((c: { id: string; status: string }) => [c.id, c.status]));
    const dockerIdsAfter = await Promise.all(containersAfter.map(async (c: { id: string }) => (await dockerContainerOf(c.id))?.Id));
    expect(dockerIdsAfter).toEqual(dockerIds); // not recreated
  }, 120_000);
});
