import { HoodyApiError, HoodyConnectionError, HoodyTimeoutError } from '@hoody-ai/hoody-sdk';
import { renderError, renderResult } from './render';
import { views } from './views';

const env = <T>(data: T, message = 'OK') => ({ statusCode: 200, message, data });

const container = {
  id: '64b7f1f77bcf86cd79943904',
  project_id: '64b7f1f77bcf86cd79943901',
  server_id: '64b7f1f77bcf86cd79943902',
  server_name: 'local',
  name: 'web',
  container_image: 'hoody/base:latest',
  status: 'running',
  created_at: '2026-03-25T14:30:45.000Z',
};

describe('renderResult', () => {
  it('lists a paged resource as a table with a page footer', () => {
    const out = renderResult(views.containers, env({ containers: [container], pagination: { total: 1, page: 1, limit: 20, totalPages: 1 } }), 'table');
    expect(out).toEqual({
      stdout: [
        'ID                        NAME  STATUS   SERVER  PROJECT                   IMAGE              CREATED',
        '64b7f1f77bcf86cd79943904  web   running  local   64b7f1f77bcf86cd79943901  hoody/base:latest  2026-03-25 14:30:45',
        'page 1/1 · 1 total',
        '',
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    });
  });

  it('says so when a list is empty', () => {
    const out = renderResult(views.containers, env({ containers: [], pagination: { total: 0, page: 1, limit: 20, totalPages: 0 } }), 'table');
    expect(out.stdout).toBe('No containers.\npage 1/1 · 0 total\n');
  });

  it('takes a bare array, or the first array of an object it does not know', () => {
    const servers = [{ id: 's1', name: 'local', status: 'online', specs: { cpu_cores: 4, ram_gb: 16 }, container_capacity: { used: 2, max: 50 }, prespawn_count: 0 }];
    expect(renderResult(views.servers, env(servers), 'table').stdout).toContain('s1  local  online  2/50        4    16      0         -     -');
    expect(renderResult(views.servers, env({ items: servers }), 'table').stdout).toContain('s1  local');
  });

  it('uses the offset footer for events', () => {
    const events = { events: [{ id: 'e1', event_type: 'container.running', resource_type: 'container', resource_id: 'c1', created_at: '2026-03-25T14:30:45Z' }], pagination: { total: 3, limit: 1, offset: 0, has_more: true } };
    expect(renderResult(views.events, env(events), 'table').stdout).toMatch(/1–1 of 3 · more: --offset 1\n$/);
  });

  it('lists realms with their usage', () => {
    const realms = { realm_ids: ['r1'], total: 1, usage: { r1: { projects: 1, containers: 2, servers: 0, auth_tokens: 3 } } };
    expect(renderResult(views.realms, env(realms), 'table').stdout).toBe('REALM  PROJECTS  CONTAINERS  SERVERS  TOKENS\nr1     1         2           0        3\n');
  });

  it('shows snapshots with the count footer', () => {
    const list = { container_id: 'c', project_id: 'p', snapshot_count: 1, max_snapshots: 10, snapshots: [{ name: 'snap-20260325-143045', alias: 'before', size: 2048, created_at: '2026-03-25T14:30:45Z', expires_at: null }] };
    expect(renderResult(views.snapshots, env(list), 'table').stdout).toBe(
      ['NAME                  ALIAS   SIZE     CREATED              EXPIRES', 'snap-20260325-143045  before  2.0 KiB  2026-03-25 14:30:45  -', '1 of at most 10 snapshots', ''].join('\n'),
    );
  });

  it('shows one object as key/value lines', () => {
    expect(renderResult(views.object, env({ id: 'p1', alias: 'web', realm_ids: ['r1'] }), 'table').stdout).toBe('id         p1\nalias      web\nrealm_ids  r1\n');
  });

  it('shows the snapshot of a create/restore answer', () => {
    const data = { container_id: 'c', project_id: 'p', snapshot: { name: 'snap-1', alias: null } };
    expect(renderResult(views.snapshot, env(data), 'table').stdout).toBe('name   snap-1\nalias  -\n');
  });

  it('prints a secret with its notice on stderr', () => {
    const out = renderResult(views.secret('Shown once.'), env({ id: 't1', token: 'hdy_secret' }), 'table');
    expect(out).toEqual({ stdout: 'id     t1\ntoken  hdy_secret\n', stderr: 'Shown once.\n', exitCode: 0 });
  });

  it('shows a pool with member and server tables', () => {
    const pool = { id: 'p1', name: 'eng', members: [{ user_id: 'u1', username: 'alice', role: 'user', status: 'pending' }], servers: [] };
    expect(renderResult(views.poolDetail, env(pool), 'table').stdout).toBe(
      ['id    p1', 'name  eng', '', 'MEMBERS (1)', 'USER  USERNAME  ROLE  STATUS', 'u1    alice     user  pending', '', 'SERVERS (0)', ''].join('\n'),
    );
  });

  const template = {
    id: '64b7f1f77bcf86cd79943909',
    owner_id: '64b7f1f77bcf86cd79943901',
    name: 'web',
    container_image: 'hoody/base:latest',
    hoody_kit: true,
    dev_kit: true,
    environment_vars: { A: '1' },
    cpu: 1,
    memory: null,
    server_ids: ['64b7f1f77bcf86cd79943902'],
    pool_id: null,
    min_ready: 1,
    max_ready: 3,
    ttl: 600,
    state: 'active',
    degraded_reason: null,
    default_for_server_id: null,
    created_at: '2026-03-25T14:30:45.000Z',
    updated_at: '2026-03-25T14:30:45.000Z',
  };

  it('lists prespawn templates: state, image, kits, limits, where, min-max, ttl', () => {
    const onPool = { ...template, id: '64b7f1f77bcf86cd7994390a', name: 'team', dev_kit: false, cpu: null, server_ids: [], pool_id: '64b7f1f77bcf86cd79943907', ttl: 0, state: 'degraded', degraded_reason: 'image pull failed' };
    const out = renderResult(views.templates, env({ templates: [template, onPool], pagination: { total: 2, page: 1, limit: 20, totalPages: 1 } }), 'table');
    expect(out.stdout).toBe(
      [
        'ID                        NAME  STATE     IMAGE              KIT        LIMITS  WHERE                          MIN-MAX  TTL',
        '64b7f1f77bcf86cd79943909  web   active    hoody/base:latest  hoody+dev  1 cpu   64b7f1f77bcf86cd79943902       1–3      600s',
        '64b7f1f77bcf86cd7994390a  team  degraded  hoody/base:latest  hoody      -       pool 64b7f1f77bcf86cd79943907  1–3      never',
        'page 1/1 · 2 total',
        '',
      ].join('\n'),
    );
    expect(renderResult(views.templates, env({ templates: [], pagination: { total: 0, page: 1, limit: 20, totalPages: 0 } }), 'table').stdout).toBe('No prespawn templates.\npage 1/1 · 0 total\n');
  });

  it("shows a template's status: counts, hit rate, claim latency, then its pools and failures", () => {
    const status = {
      template_id: template.id,
      state: 'degraded',
      degraded_reason: 'image pull failed',
      ready: 2,
      warming: 1,
      claimed: 5,
      target: 3,
      hits: 4,
      misses: 1,
      hit_rate: 0.8,
      claim_latency_ms: { p50: 12.53, p99: 40 },
      recent_failures: [{ server_id: '64b7f1f77bcf86cd79943902', reason: 'pull access denied', at: '2026-03-25T14:30:45.000Z' }],
      servers: [
        { server_id: '64b7f1f77bcf86cd79943902', ready: 2, warming: 1, target: 3, limited_by: 'member_limits' },
        { server_id: '64b7f1f77bcf86cd79943903', ready: 0, warming: 0, target: 0, limited_by: null },
      ],
    };
    expect(renderResult(views.templateStatus, env(status), 'table').stdout).toBe(
      [
        'template       64b7f1f77bcf86cd79943909',
        'state          degraded: image pull failed',
        'ready          2',
        'warming        1',
        'claimed        5',
        'target         3',
        'hit rate       80.0% (4 hits, 1 miss)',
        'claim latency  p50 12.5 ms, p99 40 ms',
        '',
        'SERVERS (2)',
        'SERVER                    READY  WARMING  TARGET  LIMITED BY',
        '64b7f1f77bcf86cd79943902  2      1        3       pool member limits',
        '64b7f1f77bcf86cd79943903  0      0        0       -',
        '',
        'FAILURES (1)',
        'AT                   SERVER                    REASON',
        '2026-03-25 14:30:45  64b7f1f77bcf86cd79943902  pull access denied',
        '',
      ].join('\n'),
    );
    const idle = { ...status, state: 'active', degraded_reason: null, hits: 0, misses: 0, hit_rate: 0, claim_latency_ms: { p50: 0, p99: 0 }, recent_failures: [], servers: [] };
    const out = renderResult(views.templateStatus, env(idle), 'table').stdout;
    expect(out).toContain('state          active\n');
    expect(out).toContain('hit rate       no matching creates yet\n');
    expect(out).toContain('claim latency  no claims yet\n');
    expect(out).toContain('SERVERS (0)\n\nFAILURES (0)\n');
    // json: the API's object as is
    expect(JSON.parse(renderResult(views.templateStatus, env(status), 'json').stdout)).toEqual(status);
  });

  it('prints the message of a delete, and the details when there are some', () => {
    expect(renderResult(views.message, env(null, 'Container deleted'), 'table').stdout).toBe('Container deleted\n');
    expect(renderResult(views.message, env({ deleted: { containers: 3 } }, 'Project deleted'), 'table').stdout).toBe('Project deleted\ndeleted.containers  3\n');
  });

  it('prints log lines', () => {
    expect(renderResult(views.lines, env({ lines: ['a', 'b'] }), 'table').stdout).toBe('a\nb\n');
  });

  it('exec: passes stdout and stderr through and exits with the exit code, in both formats', () => {
    const result = { exit_code: 3, stdout: 'out\n', stderr: 'err\n' };
    expect(renderResult(views.exec, env(result), 'table')).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3 });
    expect(renderResult(views.exec, env(result), 'json')).toEqual({ stdout: `${JSON.stringify(result, null, 2)}\n`, stderr: '', exitCode: 3 });
  });

  it('json: prints data, whatever the view', () => {
    const data = { containers: [container], pagination: { total: 1, page: 1, limit: 20, totalPages: 1 } };
    expect(renderResult(views.containers, env(data), 'json')).toEqual({ stdout: `${JSON.stringify(data, null, 2)}\n`, stderr: '', exitCode: 0 });
    expect(renderResult(views.message, env(null), 'json').stdout).toBe('null\n');
  });
});

describe('renderError', () => {
  const context = { baseUrl: 'http://127.0.0.1:8080', hasToken: true };
  const apiError = (init: Partial<ConstructorParameters<typeof HoodyApiError>[0]>) =>
    new HoodyApiError({ statusCode: 400, error: 'X', message: 'x', method: 'POST', url: 'http://h/api/v1/x', ...init });

  it('prints "Error <status> <CODE>: <message>" and exits 1', () => {
    expect(renderError(apiError({ statusCode: 409, error: 'NAME_TAKEN', message: 'A container named "web" exists' }), context)).toEqual({
      stdout: '',
      stderr: 'Error 409 NAME_TAKEN: A container named "web" exists\n',
      exitCode: 1,
    });
  });

  it('lists validation details', () => {
    const err = apiError({ error: 'VALIDATION_FAILED', message: 'Invalid body', data: [{ instancePath: '/name', message: 'too short' }, { instancePath: '', message: 'unknown field "kvm"' }] });
    expect(renderError(err, context).stderr).toBe('Error 400 VALIDATION_FAILED: Invalid body\n  /name: too short\n  (body): unknown field "kvm"\n');
  });

  it('hints at HOODY_TOKEN on a 401 without a token', () => {
    const err = apiError({ statusCode: 401, error: 'MISSING_TOKEN', message: 'No token' });
    expect(renderError(err, { ...context, hasToken: false }).stderr).toBe('Error 401 MISSING_TOKEN: No token\nNo token given: set HOODY_TOKEN or pass --token.\n');
  });

  it('exits 3 when the API cannot be reached (or times out)', () => {
    const refused = new HoodyConnectionError({ message: 'Cannot reach http://127.0.0.1:8080/api/v1/containers: ECONNREFUSED', method: 'GET', url: 'u' });
    expect(renderError(refused, context)).toEqual({
      stdout: '',
      stderr: 'Error: Cannot reach http://127.0.0.1:8080/api/v1/containers: ECONNREFUSED\nIs the Hoody API running at http://127.0.0.1:8080? Set --base-url or HOODY_BASE_URL.\n',
      exitCode: 3,
    });
    expect(renderError(new HoodyTimeoutError({ method: 'GET', url: 'u', timeoutMs: 5 }), context).exitCode).toBe(3);
  });
});
