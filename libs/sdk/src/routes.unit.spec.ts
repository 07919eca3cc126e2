// The SDK calls of the product description map to the requests of its curl examples.
import { routes } from './routes';

const PROJECT_ID = '507f1f77bcf86cd799439011';
const SERVER_ID = '507f1f77bcf86cd799439012';
const CONTAINER_ID = '507f1f77bcf86cd799439013';
const TARGET_CONTAINER_ID = '507f1f77bcf86cd799439014';
const EU_SERVER_ID = '507f1f77bcf86cd799439015';

describe('routes (seed examples)', () => {
  it('containers.create → POST /projects/{id}/containers', () => {
    expect(routes.containers.create(PROJECT_ID, { server_id: SERVER_ID, name: 'prespawned', hoody_kit: true, prespawn: true })).toEqual({
      method: 'POST',
      path: `/projects/${PROJECT_ID}/containers`,
      body: { server_id: SERVER_ID, name: 'prespawned', hoody_kit: true, prespawn: true },
    });
  });

  it('pools.create → POST /pools', () => {
    expect(routes.pools.create({ name: 'engineering-team' })).toEqual({ method: 'POST', path: '/pools', body: { name: 'engineering-team' } });
  });

  it('poolMembers.invite → POST /pools/{id}/members', () => {
    expect(routes.poolMembers.invite('p1', { username: 'alice', role: 'user' })).toEqual({
      method: 'POST',
      path: '/pools/p1/members',
      body: { username: 'alice', role: 'user' },
    });
  });

  it('authTokens.create → POST /auth/tokens', () => {
    expect(routes.authTokens.create({ alias: 'ci-staging', realm_ids: [PROJECT_ID], allow_no_realm: false })).toEqual({
      method: 'POST',
      path: '/auth/tokens',
      body: { alias: 'ci-staging', realm_ids: [PROJECT_ID], allow_no_realm: false },
    });
  });

  it('containers.list → GET /containers', () => {
    expect(routes.containers.list()).toEqual({ method: 'GET', path: '/containers' });
  });

  it('containers.updateNetworkConfig → PATCH /containers/{id}/network', () => {
    expect(routes.containers.updateNetworkConfig(CONTAINER_ID, { type: 'socks5', proxy: 'socks5://user:pass@proxy.example.com:1080' })).toEqual({
      method: 'PATCH',
      path: `/containers/${CONTAINER_ID}/network`,
      body: { type: 'socks5', proxy: 'socks5://user:pass@proxy.example.com:1080' },
    });
    expect(routes.containers.updateNetworkConfig(CONTAINER_ID, { type: 'block' }).body).toEqual({ type: 'block' });
  });

  it('storageShares.create → POST /containers/{id}/storage/shares', () => {
    const body = { source_path: '/hoody/storage/shared-assets', target_container_id: TARGET_CONTAINER_ID, mode: 'readonly', alias: 'assets' } as const;
    expect(routes.storageShares.create(CONTAINER_ID, body)).toEqual({
      method: 'POST',
      path: `/containers/${CONTAINER_ID}/storage/shares`,
      body,
    });
  });

  it('containers.copy and sync → POST /containers/{id}/copy, /sync without a body', () => {
    expect(routes.containers.copy(CONTAINER_ID, { target_project_id: PROJECT_ID, target_server_id: EU_SERVER_ID, name: 'prod-eu-replica' })).toEqual({
      method: 'POST',
      path: `/containers/${CONTAINER_ID}/copy`,
      body: { target_project_id: PROJECT_ID, target_server_id: EU_SERVER_ID, name: 'prod-eu-replica' },
    });
    expect(routes.containers.sync(TARGET_CONTAINER_ID)).toEqual({ method: 'POST', path: `/containers/${TARGET_CONTAINER_ID}/sync` });
  });

  it('snapshots: create → POST, restore → PATCH /containers/{id}/snapshots/{name}', () => {
    expect(routes.containers.createSnapshot(CONTAINER_ID, { alias: 'pre-deploy-v2.1', expiry: 30 })).toEqual({
      method: 'POST',
      path: `/containers/${CONTAINER_ID}/snapshots`,
      body: { alias: 'pre-deploy-v2.1', expiry: 30 },
    });
    expect(routes.containers.restoreSnapshot(CONTAINER_ID, 'snap-20260325-143045')).toEqual({
      method: 'PATCH',
      path: `/containers/${CONTAINER_ID}/snapshots/snap-20260325-143045`,
    });
  });
});

describe('routes (conventions)', () => {
  it('encodes path parameters', () => {
    expect(routes.containers.restoreSnapshot('c1', 'before ai/refactor').path).toBe('/containers/c1/snapshots/before%20ai%2Frefactor');
    expect(routes.containers.get('../auth/tokens').path).toBe('/containers/..%2Fauth%2Ftokens');
  });

  it('refuses an empty path parameter', () => {
    expect(() => routes.containers.get('')).toThrow(/Missing path parameter/);
  });

  it('the six operations are POST /containers/{id}/{operation}', () => {
    for (const op of ['start', 'stop', 'force-stop', 'restart', 'pause', 'resume'] as const) {
      expect(routes.containers.manage('c1', op)).toEqual({ method: 'POST', path: `/containers/c1/${op}` });
    }
  });

  it('lists pass their query through', () => {
    expect(routes.containers.list({ page: 2, limit: 10, sort_by: 'name', sort_order: 'asc', include_prespawn: true })).toEqual({
      method: 'GET',
      path: '/containers',
      query: { page: 2, limit: 10, sort_by: 'name', sort_order: 'asc', include_prespawn: true },
    });
    expect(routes.storageShares.list().path).toBe('/storage/shares');
    expect(routes.storageShares.list('c1', { enabled: true })).toEqual({ method: 'GET', path: '/containers/c1/storage/shares', query: { enabled: true } });
  });

  it('exec waits as long as its command, plus a grace', () => {
    expect(routes.containers.exec('c1', { cmd: ['sleep', '100'], timeout_s: 120 })).toEqual({
      method: 'POST',
      path: '/containers/c1/exec',
      body: { cmd: ['sleep', '100'], timeout_s: 120 },
      timeoutMs: 150_000,
    });
  });

  it('prespawn templates: paged list, create with servers or a pool, PATCH update, pause/resume/status', () => {
    expect(routes.prespawn.templates.list()).toEqual({ method: 'GET', path: '/prespawn/templates' });
    expect(routes.prespawn.templates.list({ page: 2, limit: 50, sort_by: 'name', sort_order: 'asc' })).toEqual({
      method: 'GET',
      path: '/prespawn/templates',
      query: { page: 2, limit: 50, sort_by: 'name', sort_order: 'asc' },
    });
    const body = {
      name: 'web',
      container_image: 'hoody/base:latest',
      hoody_kit: true,
      dev_kit: false,
      environment_vars: { NODE_ENV: 'production' },
      cpu: 1,
      memory: 2,
      server_ids: [SERVER_ID],
      min_ready: 2,
      max_ready: 5,
      ttl: 3600,
    };
    expect(routes.prespawn.templates.create(body)).toEqual({ method: 'POST', path: '/prespawn/templates', body });
    expect(routes.prespawn.templates.create({ pool_id: PROJECT_ID }).body).toEqual({ pool_id: PROJECT_ID });
    expect(routes.prespawn.templates.get('t1')).toEqual({ method: 'GET', path: '/prespawn/templates/t1' });
    expect(routes.prespawn.templates.update('t1', { min_ready: 3, ttl: 0 })).toEqual({ method: 'PATCH', path: '/prespawn/templates/t1', body: { min_ready: 3, ttl: 0 } });
    expect(routes.prespawn.templates.update('t1', { pool_id: PROJECT_ID }).body).toEqual({ pool_id: PROJECT_ID });
    expect(routes.prespawn.templates.delete('t1')).toEqual({ method: 'DELETE', path: '/prespawn/templates/t1' });
    expect(routes.prespawn.templates.pause('t1')).toEqual({ method: 'POST', path: '/prespawn/templates/t1/pause' });
    expect(routes.prespawn.templates.resume('t1')).toEqual({ method: 'POST', path: '/prespawn/templates/t1/resume' });
    expect(routes.prespawn.templates.status('t1')).toEqual({ method: 'GET', path: '/prespawn/templates/t1/status' });
    // @ts-expect-error: servers or a pool, not both
    routes.prespawn.templates.create({ server_ids: [SERVER_ID], pool_id: PROJECT_ID });
    // @ts-expect-error: one of them is required on create
    routes.prespawn.templates.create({ name: 'nowhere' });
    // @ts-expect-error: and not both on update either
    routes.prespawn.templates.update('t1', { server_ids: [SERVER_ID], pool_id: PROJECT_ID });
  });

  it("servers.update → PATCH /servers/{id} { prespawn_count }", () => {
    expect(routes.servers.update(SERVER_ID, { prespawn_count: 3 })).toEqual({ method: 'PATCH', path: `/servers/${SERVER_ID}`, body: { prespawn_count: 3 } });
  });

  it('verbs follow the contract where it names one', () => {
    expect(routes.containers.update('c1', { name: 'x' }).method).toBe('PATCH');
    expect(routes.projects.update('p1', { alias: 'x' }).method).toBe('PUT');
    expect(routes.authTokens.update('t1', { alias: 'x' }).method).toBe('PUT');
    expect(routes.poolMembers.updateRole('p1', 'u1', { role: 'admin' }).method).toBe('PUT');
    expect(routes.authTokens.addRealm('t1', 'r1')).toEqual({ method: 'POST', path: '/auth/tokens/t1/add-realm', body: { realm_id: 'r1' } });
    expect(routes.pools.invitations().path).toBe('/pools/invitations/pending');
    expect(routes.prespawn.templates.status('t1')).toEqual({ method: 'GET', path: '/prespawn/templates/t1/status' });
  });
});
