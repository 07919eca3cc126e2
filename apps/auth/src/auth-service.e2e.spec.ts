import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { auth, common, createGrpcClient, ERROR_CODE_METADATA_KEY, setPrincipal } from '@hoody/contracts';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

const codeOf = (error: unknown) => (error as ServiceError).metadata?.get(ERROR_CODE_METADATA_KEY)[0];

describe('auth service process', () => {
  const home = mkdtempSync(join(tmpdir(), 'hoody-auth-'));
  let child: ChildProcess;
  let grpcPort: number;
  let tokens: ReturnType<typeof createGrpcClient<typeof auth.TokenServiceService>>;
  let projects: ReturnType<typeof createGrpcClient<typeof auth.ProjectServiceService>>;
  let users: ReturnType<typeof createGrpcClient<typeof auth.UserServiceService>>;

  async function start(): Promise<void> {
    child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'main.ts')], {
      env: { ...process.env, HOODY_HOME: home, HOODY_GRPC_PORT: String(grpcPort), HOODY_HTTP_PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => d.toString().includes('auth: gRPC') && resolve());
      child.once('exit', (code) => reject(new Error(`auth exited ${code}`)));
    });
  }
  async function stop(): Promise<void> {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  const as = (principal: common.Principal) => setPrincipal(new Metadata(), principal);
  async function principalOf(secret: string): Promise<common.Principal> {
    const { principal } = await tokens.authenticateToken({ secret, clientIp: '127.0.0.1', hostRealmId: '' });
    if (!principal) throw new Error('no principal');
    return principal;
  }

  beforeAll(async () => {
    grpcPort = await freePort();
    await start();
    const address = `127.0.0.1:${grpcPort}`;
    tokens = createGrpcClient(auth.TokenServiceService, address);
    projects = createGrpcClient(auth.ProjectServiceService, address);
    users = createGrpcClient(auth.UserServiceService, address);
  }, 30_000);
  afterAll(async () => {
    await stop();
    for (const c of [tokens, projects, users]) c.$close();
    rmSync(home, { recursive: true, force: true });
  });

  it('creates the admin on first start, with its token in admin-token and a default project', async () => {
    const secret = readFileSync(join(home, 'admin-token'), 'utf8').trim();
    expect(secret).toMatch(/^hdy_[A-Za-z0-9_-]{40,}$/);
    const admin = await principalOf(secret);
    expect(admin).toMatchObject({ username: 'admin', isAdmin: true });
    const list = await projects.listProjects({ realmId: '', page: undefined }, as(admin));
    expect(list.projects.map((p) => [p.alias, p.isDefault])).toEqual([['default', true]]);
  });

  it('lets an admin create a user who acts through their own token and sees only their own things', async () => {
    const admin = await principalOf(readFileSync(join(home, 'admin-token'), 'utf8').trim());
    const created = await users.createUser({ username: 'alice' }, as(admin));
    expect(created.user).toMatchObject({ username: 'alice', isAdmin: false });
    expect(created.secret).toMatch(/^hdy_/);
    await expect(users.createUser({ username: 'alice' }, as(admin))).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });

    const alice = await principalOf(created.secret);
    await expect(users.createUser({ username: 'mallory' }, as(alice))).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    const web = await projects.createProject({ alias: 'web', realmIds: [], maxContainers: 3 }, as(alice));
    expect(web.project).toMatchObject({ alias: 'web', maxContainers: 3, userId: alice.userId });
    const taken = await projects.createProject({ alias: 'WEB', realmIds: [] }, as(alice)).catch((e) => e);
    expect(taken.code).toBe(status.FAILED_PRECONDITION);
    expect(codeOf(taken)).toBe('NAME_TAKEN');
    // the admin's projects are not alice's, and the same alias is free for another owner
    const adminWeb = await projects.createProject({ alias: 'web', realmIds: [] }, as(admin));
    const other = await projects.getProject({ id: adminWeb.project?.id ?? '' }, as(alice)).catch((e) => e);
    expect(codeOf(other)).toBe('PROJECT_NOT_FOUND');
    const renamed = await projects.updateProject(auth.UpdateProjectRequest.fromPartial({ id: web.project?.id ?? '', alias: 'site' }), as(alice));
    expect(renamed.project?.alias).toBe('site');
    await projects.createProject({ alias: 'web', realmIds: [] }, as(alice)); // the old alias is free again
  });

  it('revokes tokens at once and keeps every change across a restart', async () => {
    const admin = await principalOf(readFileSync(join(home, 'admin-token'), 'utf8').trim());
    const minted = await tokens.createToken(auth.CreateTokenRequest.fromPartial({ alias: 'ci' }), as(admin));
    const ci = await principalOf(minted.secret);
    expect(ci.tokenId).toBe(minted.token?.id);
    await tokens.deleteToken({ id: minted.token?.id ?? '' }, as(admin));
    await expect(principalOf(minted.secret)).rejects.toMatchObject({ code: status.UNAUTHENTICATED });

    const before = await projects.listProjects({ realmId: '', page: undefined }, as(admin));
    const adminToken = readFileSync(join(home, 'admin-token'), 'utf8');
    await stop();
    await start();
    expect(readFileSync(join(home, 'admin-token'), 'utf8')).toBe(adminToken);
    const after = await projects.listProjects({ realmId: '', page: undefined }, as(await principalOf(adminToken.trim())));
    expect(after).toEqual(before);
    await expect(principalOf(minted.secret)).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
  }, 30_000);
});
