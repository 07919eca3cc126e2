import { HoodyClient } from '@hoody-ai/hoody-sdk';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { joinServer, launcher, type JoinedServer } from './testing/launcher';

const hoody = resolve(__dirname, '../../../bin/hoody');

type Server = { id: string; name: string; status: string };

/**
 * Server pools as a team uses them, through the SDK and the CLI: the admin owns two servers and a
 * pool; alice and bob are users. An invitation gives nothing until accepted; members place
 * containers on the pool's servers and nowhere else, within the pool's per-member limits; roles
 * decide who may invite, change roles and remove.
 */
const PORT_BASE = 23000;

describe('server pools, with two users and two servers', () => {
  const home = mkdtempSync(join(tmpdir(), 'hoody-pools-'));
  const platform = launcher(home, PORT_BASE);
  let admin: HoodyClient;
  let alice: HoodyClient;
  let bob: HoodyClient;
  const defaultProject: Record<string, string> = {};
  let local = '';
  let second: JoinedServer;

  const cli = (token: string, ...args: string[]) => promisify(execFile)(hoody, args, { env: { ...process.env, HOODY_BASE_URL: platform.base, HOODY_TOKEN: token } });
  const onlineServer = async (client: HoodyClient, name?: string) =>
    ((await client.api.servers.list()).data as Server[]).find((s) => s.status === 'online' && (name === undefined || s.name === name))?.id;

  beforeAll(async () => {
    await platform.start();
    admin = new HoodyClient({ baseURL: platform.base, token: platform.adminToken() });
    for (const username of ['alice', 'bob']) {
      const created = await admin.api.users.create({ username });
      defaultProject[username] = created.data.user.default_project_id as string;
      const client = new HoodyClient({ baseURL: platform.base, token: created.data.token.token });
      if (username === 'alice') alice = client;
      else bob = client;
    }
    for (let i = 0; i < 100 && !local; i++) {
      local = (await onlineServer(admin)) ?? '';
      if (!local) await new Promise((r) => setTimeout(r, 200));
    }
    const joinToken = (await admin.api.servers.createJoinToken({ name: 'rack-2' })).data.join_token;
    second = await joinServer(platform, home, { name: 'rack-2', joinToken, onlineId: (name) => onlineServer(admin, name) });
  }, 120_000);
  afterAll(async () => {
    await platform.close(async () => {
      for (const client of [admin, alice, bob]) {
        for (const c of (await client.api.containers.list({ limit: 100 })).data.containers) await client.api.containers.delete(c.id);
      }
    });
    await second?.stop();
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it("runs the seed's pool examples as written (CLI, SDK, curl), only base URL and ids changed", async () => {
    // # Create a server pool
    const created = await cli(platform.adminToken(), 'pools', 'create', '--name', 'engineering-team');
    const POOL_ID = /[0-9a-f]{24}/.exec(created.stdout)?.[0] ?? '';
    expect(POOL_ID).not.toBe('');
    // # Invite a team member
    await cli(platform.adminToken(), 'pools', 'members', 'invite', POOL_ID, '--username', 'alice', '--role', 'user');
    // Create a pool and invite team members
    const pool = await admin.api.pools.create({ name: 'engineering-team' });
    await admin.api.poolMembers.invite(pool.data.id, { username: 'alice', role: 'user' });
    // # Create a server pool
    const curled = await promisify(execFile)(
      'sh',
      ['-c', `curl -s -X POST "${platform.base}/api/v1/pools" -H "Authorization: Bearer $HOODY_TOKEN" -H "Content-Type: application/json" -d '{"name": "engineering-team"}'`],
      { env: { ...process.env, HOODY_TOKEN: platform.adminToken() } },
    );
    expect(JSON.parse(curled.stdout)).toMatchObject({ statusCode: 201, data: { name: 'engineering-team', user_role: 'owner', member_count: 1 } });
    const invited = (await alice.api.pools.invitations()).data as Array<{ pool_id: string }>;
    expect(invited.map((i) => i.pool_id).sort()).toEqual([POOL_ID, pool.data.id].sort());
  });

  it('gives nothing until the invitation is accepted; then members place containers on the pool servers only', async () => {
    const pool = (await admin.api.pools.create({ name: 'team', settings: { max_containers_per_member: 2 } })).data;
    await admin.api.pools.addServer(pool.id, { server_id: local });
    await admin.api.poolMembers.invite(pool.id, { username: 'alice', role: 'user' });

    // invited, not yet a member: the pool and its server do not exist for alice
    await expect(alice.api.pools.get(pool.id)).rejects.toMatchObject({ statusCode: 404, error: 'POOL_NOT_FOUND' });
    expect(((await alice.api.servers.list()).data as Server[]).map((s) => s.id)).not.toContain(local);
    await expect(alice.api.containers.create(defaultProject.alice, { server_id: local, name: 'too-early' })).rejects.toMatchObject({ statusCode: 404, error: 'SERVER_NOT_FOUND' });

    await alice.api.pools.accept(pool.id);
    const seen = (await alice.api.pools.get(pool.id)).data;
    expect(seen).toMatchObject({ user_role: 'user', member_count: 2, server_count: 1 });
    expect(seen.servers.map((s: Server) => s.id)).toEqual([local]);
    const placed = (await alice.api.containers.create(defaultProject.alice, { server_id: local, name: 'on-the-pool' })).data;
    expect(placed).toMatchObject({ status: 'running', server_id: local });
    // the admin's other server is not in the pool
    await expect(alice.api.containers.create(defaultProject.alice, { server_id: second.id, name: 'elsewhere' })).rejects.toMatchObject({ statusCode: 404, error: 'SERVER_NOT_FOUND' });
    // once it is, it is the pool's too, and the pool's limits hold across its servers
    expect((await admin.api.pools.addServer(pool.id, { server_id: second.id })).data.server_count).toBe(2);
    const onSecond = (await alice.api.containers.create(defaultProject.alice, { server_id: second.id, name: 'on-rack-2' })).data;
    expect(onSecond).toMatchObject({ status: 'running', server_id: second.id, server_name: 'rack-2' });
    expect((await second.docker.listContainers({ filters: { label: [`hoody.container_id=${onSecond.id}`] } })).length).toBe(1);
    await expect(alice.api.containers.create(defaultProject.alice, { server_id: local, name: 'third' })).rejects.toMatchObject({
      statusCode: 409,
      error: 'POOL_MEMBER_LIMIT_REACHED',
      message: expect.stringContaining('max_containers_per_member'),
    });
    // the owner of the servers is not held to a member's limits
    const own = (await admin.api.projects.list()).data.projects.find((p: { is_default: boolean }) => p.is_default)?.id as string;
    expect((await admin.api.containers.create(own, { server_id: local, name: 'owners-own' })).data.status).toBe('running');

    // bob was never invited: nothing of the pool exists for him
    await expect(bob.api.pools.get(pool.id)).rejects.toMatchObject({ statusCode: 404, error: 'POOL_NOT_FOUND' });
    await expect(bob.api.containers.create(defaultProject.bob, { server_id: local, name: 'nope' })).rejects.toMatchObject({ statusCode: 404, error: 'SERVER_NOT_FOUND' });

    // removed, alice places nothing more (what she placed stays hers)
    await admin.api.poolMembers.remove(pool.id, (seen.members.find((m: { username: string }) => m.username === 'alice') as { user_id: string }).user_id);
    await expect(alice.api.containers.create(defaultProject.alice, { server_id: local, name: 'after' })).rejects.toMatchObject({ statusCode: 404, error: 'SERVER_NOT_FOUND' });
    expect((await alice.api.containers.get(placed.id)).data.status).toBe('running');
  }, 90_000);

  /** A pool of both of the admin's servers, bob a member of it (the invitation accepted). */
  async function poolOfBothServersWithBob(name: string, settings: Record<string, number> = {}): Promise<{ id: string }> {
    const pool = (await admin.api.pools.create({ name, settings })).data;
    await admin.api.pools.addServer(pool.id, { server_id: local });
    await admin.api.pools.addServer(pool.id, { server_id: second.id });
    await admin.api.poolMembers.invite(pool.id, { username: 'bob', role: 'user' });
    await bob.api.pools.accept(pool.id);
    return pool;
  }
  async function removeBob(poolId: string): Promise<void> {
    const bobId = ((await admin.api.pools.get(poolId)).data.members.find((m: { username: string }) => m.username === 'bob') as { user_id: string }).user_id;
    await admin.api.poolMembers.remove(poolId, bobId);
  }

  it("keeps a member's prespawn template warm on every server of the pool, serves the member's creates from it, and drains it when the member leaves", async () => {
    const pool = await poolOfBothServersWithBob('warm-team');
    const template = (await bob.api.prespawn.templates.create({ name: 'bobs', pool_id: pool.id, cpu: 0.25, min_ready: 1 })).data;
    const status = async () => (await bob.api.prespawn.templates.status(template.id)).data;
    for (let i = 0; i < 300 && !((await status()).servers.length === 2 && (await status()).servers.every((s) => s.ready >= 1)); i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await status()).servers.map((s) => [s.server_id, s.ready]).sort()).toEqual([[local, 1], [second.id, 1]].sort());
    const served = (await bob.api.containers.create(defaultProject.bob, { server_id: second.id, name: 'warm-on-rack-2', cpu: 0.25 })).data;
    expect(served).toMatchObject({ prespawn: true, status: 'running', server_id: second.id, project_id: defaultProject.bob });
    // the admin's creates are not served from bob's template
    const own = (await admin.api.projects.list()).data.projects.find((p: { is_default: boolean }) => p.is_default)?.id as string;
    expect((await admin.api.containers.create(own, { server_id: local, name: 'not-bobs', cpu: 0.25 })).data.prespawn).toBe(false);

    // bob leaves the pool: his template has nowhere to keep containers, its warm ones go
    await removeBob(pool.id);
    const warm = async () => (await bob.api.containers.list({ include_prespawn: true, limit: 100 })).data.containers.filter((c: { project_id: string | null }) => c.project_id === null);
    for (let i = 0; i < 150 && (await warm()).length > 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await warm()).toEqual([]);
    expect((await status()).servers).toEqual([]);
    await bob.api.prespawn.templates.delete(template.id);
  }, 120_000);

  it("counts a member's warm containers against the pool's limits: the template fills no further, its own warm container is still served, and gives its place to the member's own create", async () => {
    const pool = await poolOfBothServersWithBob('tight-team', { max_containers_per_member: 2 });
    // bob already has one container on these servers (the last test's): room for one warm container, not two per server
    const template = (await bob.api.prespawn.templates.create({ name: 'bobs-tight', pool_id: pool.id, cpu: 0.25, min_ready: 2 })).data;
    const warmNow = async () =>
      (await bob.api.containers.list({ include_prespawn: true, limit: 100 })).data.containers.filter(
        (c: { project_id: string | null; status: string }) => c.project_id === null && c.status !== 'deleting',
      ) as Array<{ id: string; server_id: string; status: string }>;
    const ready = async () => ((await bob.api.prespawn.templates.status(template.id)).data.servers as Array<{ ready: number }>).reduce((n, s) => n + s.ready, 0);
    for (let i = 0; i < 300 && (await ready()) < 1; i++) await new Promise((r) => setTimeout(r, 100));
    // it waits for room rather than failing: still active, and one warm container for as long as we look; and it waits
    // rather than trying again and again (a warm-up refused at the limits is counted on the scheduler's /metrics)
    const refusals = async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${PORT_BASE + 22}/metrics`)).text();
      return Number(new RegExp(`hoody_prespawn_warm_refusals_total\\{template="${template.id}"[^}]*\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    };
    const refusedBefore = await refusals();
    for (let i = 0; i < 10; i++) {
      expect((await warmNow()).length).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await refusals()) - refusedBefore).toBeLessThanOrEqual(1);
    expect((await bob.api.prespawn.templates.get(template.id)).data.state).toBe('active');
    // and its status says why it holds fewer than min_ready
    const limitedBy = ((await bob.api.prespawn.templates.status(template.id)).data.servers as Array<{ limited_by: string | null }>).map((s) => s.limited_by);
    expect(limitedBy).toEqual(['member_limits', 'member_limits']);
    const warm = await warmNow();

    // his own warm container is his already: taking it places nothing new; after it, he is at the limit
    const served = (await bob.api.containers.create(defaultProject.bob, { server_id: warm[0].server_id, name: 'tight-warm', cpu: 0.25 })).data;
    expect(served).toMatchObject({ prespawn: true, id: warm[0].id });
    await expect(bob.api.containers.create(defaultProject.bob, { server_id: local, name: 'tight-cold' })).rejects.toMatchObject({ statusCode: 409, error: 'POOL_MEMBER_LIMIT_REACHED' });

    // room again: the template refills; then a create of his that the pool cannot serve takes his warm container's place,
    // so his footprint stays within the limit
    await bob.api.containers.delete(served.id);
    for (let i = 0; i < 300 && (await ready()) < 1; i++) await new Promise((r) => setTimeout(r, 100));
    const cold = (await bob.api.containers.create(defaultProject.bob, { server_id: local, name: 'tight-cold', bypass_prespawn: true })).data;
    expect(cold).toMatchObject({ prespawn: false, status: 'running' });
    for (let i = 0; i < 10; i++) {
      expect(await warmNow()).toEqual([]);
      await new Promise((r) => setTimeout(r, 100));
    }

    await bob.api.prespawn.templates.delete(template.id);
    await removeBob(pool.id);
  }, 90_000);

  it("serves a member at the limits from the server's default pool by retiring a warm container of the member's own; with none left, passes it by", async () => {
    // the admin's default pool on the local server, which everyone placing there claims from
    await admin.api.servers.update(local, { prespawn_count: 1 });
    // ready warm containers on the local server someone sees: bob sees his template's only, the admin every one
    const warmOn = async (client: HoodyClient) =>
      (
        (await client.api.containers.list({ include_prespawn: true, limit: 100 })).data.containers.filter(
          (c: { project_id: string | null; server_id: string; status: string }) => c.project_id === null && c.server_id === local && c.status === 'running',
        ) as Array<{ id: string }>
      ).map((c) => c.id);
    const defaultWarm = async () => {
      const bobs = new Set(await warmOn(bob));
      return (await warmOn(admin)).filter((id) => !bobs.has(id));
    };
    const aDefaultWarm = async () => {
      for (let i = 0; i < 300 && (await defaultWarm()).length < 1; i++) await new Promise((r) => setTimeout(r, 100));
      const [id] = await defaultWarm();
      expect(id).toBeDefined();
      return id;
    };
    // bob's footprint on the pool's servers, as the limits count it: his containers, and his warm ones not being retired
    const footprint = async () =>
      (await bob.api.containers.list({ include_prespawn: true, limit: 100 })).data.containers.filter(
        (c: { server_id: string; status: string; project_id: string | null }) =>
          (c.server_id === local || c.server_id === second.id) && (c.project_id !== null || c.status !== 'deleting'),
      ).length;
    const limit = (await footprint()) + 1;
    const pool = await poolOfBothServersWithBob('default-team', { max_containers_per_member: limit });
    // his own template runs something else (a cpu limit), so only the default pool can serve his plain creates
    const template = (await bob.api.prespawn.templates.create({ name: 'bobs-small', server_ids: [local], cpu: 0.25, min_ready: 1 })).data;
    for (let i = 0; i < 300 && (await warmOn(bob)).length < 1; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await footprint()).toBe(limit);

    // at his limit, taking the default pool's container is a new placement: his own warm container gives way to it,
    // once it is taken (a create refused for its name takes nothing and gives nothing up)
    const theDefaults = await aDefaultWarm();
    const taken = ((await bob.api.containers.list({ limit: 100 })).data.containers[0] as { name: string }).name;
    await expect(bob.api.containers.create(defaultProject.bob, { server_id: local, name: taken })).rejects.toMatchObject({ statusCode: 409, error: 'NAME_TAKEN' });
    expect(await warmOn(bob)).toHaveLength(1);
    expect(await defaultWarm()).toContain(theDefaults);
    const served = (await bob.api.containers.create(defaultProject.bob, { server_id: local, name: 'plain-warm' })).data;
    expect(served).toMatchObject({ prespawn: true, id: theDefaults, project_id: defaultProject.bob });
    expect(await warmOn(bob)).toEqual([]);
    expect(await footprint()).toBe(limit);

    // with nothing of his own left to give way, the default pool's next container is passed by, and the create refused
    const next = await aDefaultWarm();
    await expect(bob.api.containers.create(defaultProject.bob, { server_id: local, name: 'plain-cold' })).rejects.toMatchObject({ statusCode: 409, error: 'POOL_MEMBER_LIMIT_REACHED' });
    expect(await defaultWarm()).toContain(next);

    await bob.api.prespawn.templates.delete(template.id);
    await removeBob(pool.id);
    await admin.api.servers.update(local, { prespawn_count: 0 });
  }, 90_000);

  it('lets roles decide: users cannot invite, admins invite users, only the owner changes roles; a rejected invitation gives nothing', async () => {
    const pool = (await admin.api.pools.create({ name: 'roles' })).data;
    await admin.api.pools.addServer(pool.id, { server_id: local });
    await admin.api.poolMembers.invite(pool.id, { username: 'alice', role: 'user' });
    await alice.api.pools.accept(pool.id);
    await expect(alice.api.poolMembers.invite(pool.id, { username: 'bob', role: 'user' })).rejects.toMatchObject({ statusCode: 403, error: 'INSUFFICIENT_PERMISSIONS' });
    const aliceId = ((await alice.api.pools.get(pool.id)).data.members.find((m: { username: string }) => m.username === 'alice') as { user_id: string }).user_id;
    // through the CLI, as the owner
    await cli(platform.adminToken(), 'pools', 'members', 'role', pool.id, '--user-id', aliceId, '--role', 'admin');
    await expect(alice.api.poolMembers.updateRole(pool.id, aliceId, { role: 'user' })).rejects.toMatchObject({ statusCode: 403 });
    await alice.api.poolMembers.invite(pool.id, { username: 'bob', role: 'user' });
    await bob.api.pools.reject(pool.id);
    await expect(bob.api.pools.get(pool.id)).rejects.toMatchObject({ statusCode: 404, error: 'POOL_NOT_FOUND' });
    await expect(bob.api.containers.create(defaultProject.bob, { server_id: local, name: 'rejected' })).rejects.toMatchObject({ statusCode: 404, error: 'SERVER_NOT_FOUND' });
    // a server is added to a pool by its owner only
    await expect(alice.api.pools.addServer(pool.id, { server_id: second.id })).rejects.toMatchObject({ statusCode: 404, error: 'SERVER_NOT_FOUND' });
    // the owner deletes the pool: its members place nothing more there
    await admin.api.pools.delete(pool.id);
    await expect(alice.api.containers.create(defaultProject.alice, { server_id: local, name: 'gone' })).rejects.toMatchObject({ statusCode: 404, error: 'SERVER_NOT_FOUND' });
  }, 60_000);
});
