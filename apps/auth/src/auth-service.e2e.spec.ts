import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { auth, common, createGrpcClient, ERROR_CODE_METADATA_KEY, setPrincipal } from '@hoody/contracts';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hoody/test-support';

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
  /** The principal the gateway would send for this secret, on the base host or on a realm host. */
  async function principalOf(secret: string, hostRealmId = ''): Promise<common.Principal> {
    const { principal } = await tokens.authenticateToken({ secret, clientIp: '127.0.0.1', hostRealmId });
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

  describe('realms', () => {
    const A = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    const B = 'bbbbbbbbbbbbbbbbbbbbbbbb';
    const everything = { realmId: '', page: undefined };
    let bobSecret: string;
    let bob: common.Principal;
    let alpha: auth.Project;
    let onlyA: auth.CreateTokenResponse;
    let onlyB: auth.CreateTokenResponse;
    let aAndNoRealm: auth.CreateTokenResponse;
    let inA: common.Principal; // restricted to A, on realm host A
    let inB: common.Principal; // restricted to B, on realm host B

    const mint = (by: common.Principal, alias: string, realmIds: string[], allowNoRealm: boolean) =>
      tokens.createToken(auth.CreateTokenRequest.fromPartial({ alias, realmIds, allowNoRealm }), as(by));
    const aliases = async (who: common.Principal, request: auth.ListProjectsRequest = everything) => {
      const list = await projects.listProjects(request, as(who));
      return { aliases: list.projects.map((p) => p.alias), total: list.pagination?.total };
    };
    const failure = (call: Promise<unknown>) => call.then(
      () => { throw new Error('the call succeeded'); },
      (error: ServiceError) => ({ code: error.code, error: codeOf(error), message: error.details }),
    );
    const forbidden = { code: status.PERMISSION_DENIED, error: 'INSUFFICIENT_PERMISSIONS' };
    const tokenNotFound = { code: status.NOT_FOUND, error: 'TOKEN_NOT_FOUND', message: 'token not found' };

    beforeAll(async () => {
      const admin = await principalOf(readFileSync(join(home, 'admin-token'), 'utf8').trim());
      bobSecret = (await users.createUser({ username: 'bob' }, as(admin))).secret;
      bob = await principalOf(bobSecret);
      alpha = (await projects.createProject({ alias: 'alpha', realmIds: [A] }, as(bob))).project as auth.Project;
      onlyA = await mint(bob, 'only-a', [A], false);
      onlyB = await mint(bob, 'only-b', [B], false);
      aAndNoRealm = await mint(bob, 'a-and-no-realm', [A], true);
      inA = await principalOf(onlyA.secret, A);
      inB = await principalOf(onlyB.secret, B);
    });

    it('answers a project in realm A exactly as an unknown id to a token of realm B and to any token on realm host B', async () => {
      const unknown = await failure(projects.getProject({ id: 'f'.repeat(24) }, as(bob)));
      expect(unknown).toEqual({ code: status.NOT_FOUND, error: 'PROJECT_NOT_FOUND', message: 'project not found' });
      for (const who of [inB, await principalOf(bobSecret, B)]) {
        expect(await failure(projects.getProject({ id: alpha.id }, as(who)))).toEqual(unknown);
        expect(await failure(projects.updateProject(auth.UpdateProjectRequest.fromPartial({ id: alpha.id, alias: 'taken-over' }), as(who)))).toEqual(unknown);
        expect(await failure(projects.deleteProject({ id: alpha.id }, as(who)))).toEqual(unknown);
        expect(await aliases(who)).toEqual({ aliases: [], total: 0 });
      }
      expect((await projects.getProject({ id: alpha.id }, as(bob))).project?.alias).toBe('alpha');
    });

    it('shows a project in realm A to a token of realm A, and realm-less projects only to tokens allowed no realm', async () => {
      expect((await projects.getProject({ id: alpha.id }, as(inA))).project?.alias).toBe('alpha');
      expect(await aliases(inA)).toEqual({ aliases: ['alpha'], total: 1 });
      expect(await aliases(await principalOf(aAndNoRealm.secret))).toEqual({ aliases: ['default', 'alpha'], total: 2 });
      // The gateway refuses this token on the base host (REALM_SCOPE_REQUIRED); the service holds the rule regardless.
      const onlyAOnBaseHost = { ...inA, activeRealmId: '' };
      expect(await aliases(onlyAOnBaseHost)).toEqual({ aliases: ['alpha'], total: 1 });
      const defaultProject = (await projects.listProjects(everything, as(bob))).projects.find((p) => p.isDefault);
      expect(await failure(projects.getProject({ id: defaultProject?.id ?? '' }, as(onlyAOnBaseHost)))).toMatchObject({ error: 'PROJECT_NOT_FOUND' });
    });

    it('pages and filters projects by realm, counting only what the caller sees', async () => {
      const firstOfRealmA = { realmId: A, page: { page: 1, limit: 1, sortBy: 'created_at', sortOrder: common.SortOrder.ASC } };
      expect(await aliases(bob, firstOfRealmA)).toEqual({ aliases: ['alpha'], total: 1 });
      expect(await aliases(bob, { realmId: B, page: undefined })).toEqual({ aliases: [], total: 0 });
      expect(await aliases(bob)).toEqual({ aliases: ['default', 'alpha'], total: 2 });
    });

    it('labels what is created on a realm host with that realm; a restricted token labels only with its own realms and relabels nothing', async () => {
      const bobOnA = await principalOf(bobSecret, A);
      expect((await projects.createProject({ alias: 'beta', realmIds: [] }, as(bobOnA))).project?.realmIds).toEqual([A]);
      expect((await projects.createProject({ alias: 'gamma', realmIds: [B] }, as(bobOnA))).project?.realmIds).toEqual([B, A]);
      expect((await mint(bobOnA, 'made-on-a', [], true)).token?.realmIds).toEqual([A]);

      expect(await failure(projects.createProject({ alias: 'delta', realmIds: [B] }, as(inA)))).toMatchObject(forbidden);
      const relabel = auth.UpdateProjectRequest.fromPartial({ id: alpha.id, realmIds: { values: [A, B] } });
      expect(await failure(projects.updateProject(relabel, as(inA)))).toMatchObject(forbidden);
      const recolour = auth.UpdateProjectRequest.fromPartial({ id: alpha.id, color: '#00ff00' });
      expect((await projects.updateProject(recolour, as(inA))).project).toMatchObject({ color: '#00ff00', realmIds: [A] });
    });

    it('lets a restricted token see, change and mint only tokens within its reach', async () => {
      const listed = await tokens.listTokens({ realmId: '', page: undefined }, as(inA));
      expect(listed.tokens.map((t) => t.alias)).toEqual(['only-a']);
      expect(listed.pagination?.total).toBe(1);

      expect(await failure(tokens.getToken({ id: onlyB.token?.id ?? '' }, as(inA)))).toEqual(tokenNotFound);
      expect(await failure(tokens.deleteToken({ id: aAndNoRealm.token?.id ?? '' }, as(inA)))).toEqual(tokenNotFound);
      expect(await failure(tokens.addTokenRealm({ id: onlyB.token?.id ?? '', realmId: A }, as(inA)))).toEqual(tokenNotFound);
      await expect(principalOf(aAndNoRealm.secret)).resolves.toMatchObject({ tokenId: aAndNoRealm.token?.id });

      expect(await failure(mint(inA, 'wider', [A], true))).toEqual({ ...forbidden, message: 'a token cannot mint a token wider than itself' });
      expect(await failure(mint(inA, 'elsewhere', [B], false))).toMatchObject(forbidden);
      expect((await mint(inA, 'narrow', [], false)).token).toMatchObject({ realmIds: [A], allowNoRealm: false });

      const own = onlyA.token?.id ?? '';
      expect(await failure(tokens.updateToken(auth.UpdateTokenRequest.fromPartial({ id: own, realmIds: { values: [A, B] } }), as(inA)))).toMatchObject(forbidden);
      expect(await failure(tokens.updateToken(auth.UpdateTokenRequest.fromPartial({ id: own, allowNoRealm: true }), as(inA)))).toMatchObject(forbidden);
      expect(await failure(tokens.addTokenRealm({ id: own, realmId: B }, as(inA)))).toMatchObject(forbidden);
      expect(await failure(tokens.removeTokenRealm({ id: own, realmId: A }, as(inA)))).toMatchObject(forbidden);
      const renamed = await tokens.updateToken(auth.UpdateTokenRequest.fromPartial({ id: own, alias: 'only-a-renamed' }), as(inA));
      expect(renamed.token).toMatchObject({ alias: 'only-a-renamed', realmIds: [A], allowNoRealm: false });
    });

    it('keeps the host realm on a token changed on that realm host', async () => {
      const bobOnA = await principalOf(bobSecret, A);
      const id = aAndNoRealm.token?.id ?? '';
      expect((await tokens.removeTokenRealm({ id, realmId: A }, as(bobOnA))).token?.realmIds).toEqual([A]);
      expect((await tokens.addTokenRealm({ id, realmId: B }, as(bobOnA))).token?.realmIds).toEqual([A, B]);
      expect((await tokens.removeTokenRealm({ id, realmId: B }, as(bobOnA))).token?.realmIds).toEqual([A]);
    });

    it('counts per realm only the projects and tokens the caller sees', async () => {
      const usage = (who: common.Principal) => projects.getRealmUsage({}, as(who)).then((r) => r.usages);
      // bob's projects: default (no realm), alpha [A], beta [A], gamma [B, A]; tokens: default (none),
      // only-a [A], only-b [B], a-and-no-realm [A], made-on-a [A], narrow [A]
      expect(await usage(bob)).toEqual([
        { realmId: A, projects: 3, containers: 0, servers: 0, authTokens: 4 },
        { realmId: B, projects: 1, containers: 0, servers: 0, authTokens: 1 },
      ]);
      expect(await usage(inB)).toEqual([
        { realmId: A, projects: 1, containers: 0, servers: 0, authTokens: 0 },
        { realmId: B, projects: 1, containers: 0, servers: 0, authTokens: 1 },
      ]);
      expect(await usage(inA)).toEqual([
        { realmId: A, projects: 3, containers: 0, servers: 0, authTokens: 2 },
        { realmId: B, projects: 1, containers: 0, servers: 0, authTokens: 0 },
      ]);
      expect(await usage(await principalOf(readFileSync(join(home, 'admin-token'), 'utf8').trim()))).toEqual([]);
    });
  });
});
