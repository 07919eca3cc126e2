// Arguments → the exact request (method, path, query, JSON body), for every command; globals;
// usage errors. No server: parsing is pure.
import type { ApiRequest } from '@hoody-ai/hoody-sdk';
import { DEFAULT_BASE_URL, parseArgs, type Parsed } from './program';
import { shellWords } from './testing/shell';

const C = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const P = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const S = 'cccccccccccccccccccccccc';
const vars = { C, P, S };

function parse(line: string, env: Record<string, string> = {}): Parsed {
  return parseArgs(shellWords(line, vars), env);
}

function request(line: string): Pick<ApiRequest, 'method' | 'path' | 'query' | 'body'> {
  const parsed = parse(line);
  if (parsed.kind !== 'call') throw new Error(`"${line}" did not parse: ${parsed.stderr}`);
  const { method, path, query, body } = parsed.invocation.request;
  return JSON.parse(JSON.stringify({ method, path, query, body }));
}

function usage(line: string): string {
  const parsed = parse(line);
  if (parsed.kind !== 'exit') throw new Error(`"${line}" parsed as a call`);
  expect(parsed.exitCode).toBe(2);
  return parsed.stderr;
}

describe('containers', () => {
  it.each<[string, ReturnType<typeof request>]>([
    [
      'containers create --project $P --server-id $S --name web --no-hoody-kit --image hoody/base --bypass-prespawn --env A=1 B=x=y --env C= --cpu 1.5 --memory 2 --realm-ids r1,r2',
      {
        method: 'POST',
        path: `/projects/${P}/containers`,
        body: {
          server_id: S,
          name: 'web',
          container_image: 'hoody/base',
          environment_vars: { A: '1', B: 'x=y', C: '' },
          hoody_kit: false,
          realm_ids: ['r1', 'r2'],
          bypass_prespawn: true,
          cpu: 1.5,
          memory: 2,
        },
      },
    ],
    ['containers create --project $P --server-id $S', { method: 'POST', path: `/projects/${P}/containers`, body: { server_id: S } }],
    ['containers list', { method: 'GET', path: '/containers' }],
    [
      'containers list --page 2 --limit 50 --sort-by name --sort-order asc --include-prespawn',
      { method: 'GET', path: '/containers', query: { page: 2, limit: 50, sort_by: 'name', sort_order: 'asc', include_prespawn: true } },
    ],
    ['containers list --project $P --limit 5', { method: 'GET', path: `/projects/${P}/containers`, query: { limit: 5 } }],
    ['containers get $C', { method: 'GET', path: `/containers/${C}` }],
    ['containers delete $C', { method: 'DELETE', path: `/containers/${C}` }],
    ['containers start $C', { method: 'POST', path: `/containers/${C}/start` }],
    ['containers stop $C', { method: 'POST', path: `/containers/${C}/stop` }],
    ['containers force-stop $C', { method: 'POST', path: `/containers/${C}/force-stop` }],
    ['containers restart $C', { method: 'POST', path: `/containers/${C}/restart` }],
    ['containers pause $C', { method: 'POST', path: `/containers/${C}/pause` }],
    ['containers resume $C', { method: 'POST', path: `/containers/${C}/resume` }],
    [
      'containers update $C --name web2 --color red --comment "hi there" --env K=V',
      { method: 'PATCH', path: `/containers/${C}`, body: { name: 'web2', color: 'red', comment: 'hi there', environment_vars: { K: 'V' } } },
    ],
    ['containers update $C --no-autostart', { method: 'PATCH', path: `/containers/${C}`, body: { autostart: false } }],
    ['containers exec $C -- sh -c "echo --output json"', { method: 'POST', path: `/containers/${C}/exec`, body: { cmd: ['sh', '-c', 'echo --output json'] } }],
    [
      'containers exec $C --env A=1 --timeout 30 -- ls -la /hoody',
      { method: 'POST', path: `/containers/${C}/exec`, body: { cmd: ['ls', '-la', '/hoody'], env: { A: '1' }, timeout_s: 30 } },
    ],
    ['containers exec $C uptime', { method: 'POST', path: `/containers/${C}/exec`, body: { cmd: ['uptime'] } }],
    ['containers logs $C', { method: 'GET', path: `/containers/${C}/logs` }],
    ['containers logs $C --tail 100', { method: 'GET', path: `/containers/${C}/logs`, query: { tail: 100 } }],
    ['containers status-logs $C', { method: 'GET', path: `/containers/${C}/status-logs` }],
    [
      'containers status-logs $C --sort-by transition_time --sort-order desc',
      { method: 'GET', path: `/containers/${C}/status-logs`, query: { sort_by: 'transition_time', sort_order: 'desc' } },
    ],
    ['containers stats $C', { method: 'GET', path: `/containers/${C}/stats` }],
    ['containers copy $C --target-project-id $P', { method: 'POST', path: `/containers/${C}/copy`, body: { target_project_id: P } }],
    [
      'containers copy $C --target-project-id $P --source-snapshot nightly --copy-network-rules',
      { method: 'POST', path: `/containers/${C}/copy`, body: { target_project_id: P, source_snapshot: 'nightly', copy_network_rules: true } },
    ],
    ['containers sync $C', { method: 'POST', path: `/containers/${C}/sync` }],
  ])('%s', (line, expected) => {
    expect(request(line)).toEqual(expected);
  });

  it.each([
    ['containers create --server-id $S --name web', /required option '--project <id>'/],
    ['containers create --project $P --name web', /required option '--server-id <id>'/],
    ['containers create --project $P --server-id $S --env NOEQUALS', /expected KEY=VALUE/],
    ['containers create --project $P --server-id $S --cpu lots', /expected a positive number/],
    ['containers list --sort-by size', /Allowed choices are id, name, status, created_at, updated_at/],
    ['containers list --page 0', /whole number ≥ 1/],
    ['containers update $C', /nothing to update/],
    ['containers exec $C', /missing required argument 'cmd'/],
    ['containers exec $C ls -la', /unknown option '-la'/],
    ['containers copy $C', /required option '--target-project-id <id>'/],
    ['containers frobnicate $C', /unknown command 'frobnicate'/],
    ['containers get', /missing required argument 'id'/],
    ['containers get $C $P', /too many arguments/],
  ])('usage error: %s', (line, message) => {
    expect(usage(line)).toMatch(message);
  });
});

describe('projects, servers, auth, users', () => {
  it.each<[string, ReturnType<typeof request>]>([
    ['projects list', { method: 'GET', path: '/projects' }],
    ['projects list --page 3', { method: 'GET', path: '/projects', query: { page: 3 } }],
    [
      'projects create --alias web --color blue --max-containers 10 --realm-ids r1,r2',
      { method: 'POST', path: '/projects', body: { alias: 'web', color: 'blue', max_containers: 10, realm_ids: ['r1', 'r2'] } },
    ],
    ['projects get $P', { method: 'GET', path: `/projects/${P}` }],
    ['projects update $P --alias web2', { method: 'PUT', path: `/projects/${P}`, body: { alias: 'web2' } }],
    ['projects delete $P', { method: 'DELETE', path: `/projects/${P}` }],
    ['servers list', { method: 'GET', path: '/servers' }],
    ['servers get $S', { method: 'GET', path: `/servers/${S}` }],
    ['servers update $S --prespawn-count 3', { method: 'PATCH', path: `/servers/${S}`, body: { prespawn_count: 3 } }],
    ['servers update $S --prespawn-count 0', { method: 'PATCH', path: `/servers/${S}`, body: { prespawn_count: 0 } }],
    ['servers join-token', { method: 'POST', path: '/servers/join-tokens', body: {} }],
    ['servers join-token --name eu-1', { method: 'POST', path: '/servers/join-tokens', body: { name: 'eu-1' } }],
    ['auth create --alias ci', { method: 'POST', path: '/auth/tokens', body: { alias: 'ci' } }],
    [
      'auth create --alias ci --realm-ids r1 --realm-ids r2 --allow-no-realm --expires-at tomorrow --permission-template read_only',
      { method: 'POST', path: '/auth/tokens', body: { alias: 'ci', realm_ids: ['r1', 'r2'], allow_no_realm: true, expires_at: 'tomorrow', permission_template: 'read_only' } },
    ],
    ['auth create --alias ci --expires-at 1767225600 --disabled', { method: 'POST', path: '/auth/tokens', body: { alias: 'ci', expires_at: 1767225600, is_enabled: false } }],
    ['auth list', { method: 'GET', path: '/auth/tokens' }],
    ['auth get $C', { method: 'GET', path: `/auth/tokens/${C}` }],
    ['auth update $C --disable', { method: 'PUT', path: `/auth/tokens/${C}`, body: { is_enabled: false } }],
    ['auth delete $C', { method: 'DELETE', path: `/auth/tokens/${C}` }],
    ['auth me', { method: 'GET', path: '/auth/tokens/me' }],
    ['auth add-realm $C --realm-id $P', { method: 'POST', path: `/auth/tokens/${C}/add-realm`, body: { realm_id: P } }],
    ['auth remove-realm $C --realm-id $P', { method: 'POST', path: `/auth/tokens/${C}/remove-realm`, body: { realm_id: P } }],
    ['users create --username alice', { method: 'POST', path: '/users', body: { username: 'alice' } }],
    ['users list', { method: 'GET', path: '/users' }],
    ['realms list --include-usage', { method: 'GET', path: '/realms', query: { include_usage: true } }],
    [
      'events list --limit 10 --event-type container.running --container-id $C',
      { method: 'GET', path: '/events', query: { limit: 10, event_type: 'container.running', container_id: C } },
    ],
  ])('%s', (line, expected) => {
    expect(request(line)).toEqual(expected);
  });

  it.each([
    ['projects create', /required option '--alias <alias>'/],
    ['projects update $P', /nothing to update/],
    ['auth create --realm-ids r1', /required option '--alias <alias>'/],
    ['auth add-realm $C', /required option '--realm-id <id>'/],
    ['auth update $C --enable --disable', /exclude each other/],
    ['users create', /required option '--username <name>'/],
    ['servers update $S', /required option '--prespawn-count <n>'/],
    ['servers update $S --prespawn-count 101', /whole number from 0 to 100/],
    ['servers update --prespawn-count 1', /missing required argument 'id'/],
  ])('usage error: %s', (line, message) => {
    expect(usage(line)).toMatch(message);
  });
});

describe('pools, network, storage, snapshots, prespawn', () => {
  it.each<[string, ReturnType<typeof request>]>([
    ['pools create --name eng --description "the team"', { method: 'POST', path: '/pools', body: { name: 'eng', description: 'the team' } }],
    ['pools create --name eng --settings \'{"max_containers":3}\'', { method: 'POST', path: '/pools', body: { name: 'eng', settings: { max_containers: 3 } } }],
    ['pools list', { method: 'GET', path: '/pools' }],
    ['pools get $P', { method: 'GET', path: `/pools/${P}` }],
    ['pools update $P --description new', { method: 'PATCH', path: `/pools/${P}`, body: { description: 'new' } }],
    ['pools delete $P', { method: 'DELETE', path: `/pools/${P}` }],
    ['pools members invite $P --username bob --role admin', { method: 'POST', path: `/pools/${P}/members`, body: { username: 'bob', role: 'admin' } }],
    ['pools members role $P --user-id $C --role user', { method: 'PUT', path: `/pools/${P}/members/${C}`, body: { role: 'user' } }],
    ['pools members remove $P --user-id $C', { method: 'DELETE', path: `/pools/${P}/members/${C}` }],
    ['pools invitations', { method: 'GET', path: '/pools/invitations/pending' }],
    ['pools accept $P', { method: 'POST', path: `/pools/${P}/accept` }],
    ['pools reject $P', { method: 'POST', path: `/pools/${P}/reject` }],
    ['pools servers add $P --server-id $S', { method: 'POST', path: `/pools/${P}/servers`, body: { server_id: S } }],
    ['pools servers remove $P --server-id $S', { method: 'DELETE', path: `/pools/${P}/servers/${S}` }],
    ['network update --container $C --type block', { method: 'PATCH', path: `/containers/${C}/network`, body: { type: 'block' } }],
    [
      'network update -c $C --type http --proxy http://proxy:3128 --dns 1.1.1.1,9.9.9.9 --country DE',
      { method: 'PATCH', path: `/containers/${C}/network`, body: { type: 'http', proxy: 'http://proxy:3128', dns_servers: ['1.1.1.1', '9.9.9.9'], country: 'DE' } },
    ],
    ['network get --container $C', { method: 'GET', path: `/containers/${C}/network` }],
    ['network delete --container $C', { method: 'DELETE', path: `/containers/${C}/network` }],
    ['network start --container $C', { method: 'POST', path: `/containers/${C}/network/start` }],
    ['network stop --container $C', { method: 'POST', path: `/containers/${C}/network/stop` }],
    [
      'storage create --container $C --source-path /hoody/storage/a --target-project-id $P --mode readwrite --alias assets --expires-at 2030-01-01T00:00:00Z',
      {
        method: 'POST',
        path: `/containers/${C}/storage/shares`,
        body: { source_path: '/hoody/storage/a', target_project_id: P, mode: 'readwrite', alias: 'assets', expires_at: 1893456000 },
      },
    ],
    ['storage list', { method: 'GET', path: '/storage/shares' }],
    ['storage list --container $C --no-enabled', { method: 'GET', path: `/containers/${C}/storage/shares`, query: { enabled: false } }],
    ['storage get $S --container $C', { method: 'GET', path: `/containers/${C}/storage/shares/${S}` }],
    ['storage update $S --container $C --mode readonly --disable', { method: 'PATCH', path: `/containers/${C}/storage/shares/${S}`, body: { mode: 'readonly', enabled: false } }],
    ['storage delete $S', { method: 'DELETE', path: `/storage/shares/${S}` }],
    ['storage incoming -c $C', { method: 'GET', path: `/containers/${C}/storage/incoming` }],
    ['storage mount $S -c $C', { method: 'PATCH', path: `/containers/${C}/storage/incoming/${S}/mount`, body: { mount: true } }],
    ['storage unmount $S -c $C', { method: 'PATCH', path: `/containers/${C}/storage/incoming/${S}/mount`, body: { mount: false } }],
    ['snapshots create -c $C', { method: 'POST', path: `/containers/${C}/snapshots`, body: {} }],
    ['snapshots create -c $C --alias pre-deploy-v2.1 --expiry 30', { method: 'POST', path: `/containers/${C}/snapshots`, body: { alias: 'pre-deploy-v2.1', expiry: 30 } }],
    ['snapshots delete -c $C --name snap-20260325-143045', { method: 'DELETE', path: `/containers/${C}/snapshots/snap-20260325-143045` }],
    ['snapshots alias -c $C --name snap-1 --alias good', { method: 'PATCH', path: `/containers/${C}/snapshots/snap-1/alias`, body: { alias: 'good' } }],
    ['snapshots alias -c $C --name snap-1 --remove', { method: 'PATCH', path: `/containers/${C}/snapshots/snap-1/alias`, body: { alias: null } }],
    ['prespawn templates list', { method: 'GET', path: '/prespawn/templates' }],
    [
      'prespawn templates list --page 2 --limit 10 --sort-by name --sort-order asc',
      { method: 'GET', path: '/prespawn/templates', query: { page: 2, limit: 10, sort_by: 'name', sort_order: 'asc' } },
    ],
    ['prespawn templates create --server-ids $S', { method: 'POST', path: '/prespawn/templates', body: { server_ids: [S] } }],
    [
      'prespawn templates create --name web --image hoody/base --no-hoody-kit --dev-kit --env A=1 B=x=y --env C= --cpu 1 --memory 0.5 --server-ids $S,$C --min-ready 2 --max-ready 5 --ttl 600',
      {
        method: 'POST',
        path: '/prespawn/templates',
        body: {
          name: 'web',
          container_image: 'hoody/base',
          hoody_kit: false,
          dev_kit: true,
          environment_vars: { A: '1', B: 'x=y', C: '' },
          cpu: 1,
          memory: 0.5,
          min_ready: 2,
          max_ready: 5,
          ttl: 600,
          server_ids: [S, C],
        },
      },
    ],
    ['prespawn templates create --pool-id $P --hoody-kit --ttl 0', { method: 'POST', path: '/prespawn/templates', body: { hoody_kit: true, ttl: 0, pool_id: P } }],
    ['prespawn templates create --server-ids $S --server-ids $C', { method: 'POST', path: '/prespawn/templates', body: { server_ids: [S, C] } }],
    ['prespawn templates get $P', { method: 'GET', path: `/prespawn/templates/${P}` }],
    ['prespawn templates update $P --min-ready 3 --max-ready 5', { method: 'PATCH', path: `/prespawn/templates/${P}`, body: { min_ready: 3, max_ready: 5 } }],
    ['prespawn templates update $P --cpu 0 --memory 0 --no-dev-kit', { method: 'PATCH', path: `/prespawn/templates/${P}`, body: { cpu: 0, memory: 0, dev_kit: false } }],
    ['prespawn templates update $P --pool-id $S', { method: 'PATCH', path: `/prespawn/templates/${P}`, body: { pool_id: S } }],
    ['prespawn templates update $P --server-ids $S --env K=V', { method: 'PATCH', path: `/prespawn/templates/${P}`, body: { environment_vars: { K: 'V' }, server_ids: [S] } }],
    ['prespawn templates delete $P', { method: 'DELETE', path: `/prespawn/templates/${P}` }],
    ['prespawn templates pause $P', { method: 'POST', path: `/prespawn/templates/${P}/pause` }],
    ['prespawn templates resume $P', { method: 'POST', path: `/prespawn/templates/${P}/resume` }],
    ['prespawn templates status $P', { method: 'GET', path: `/prespawn/templates/${P}/status` }],
  ])('%s', (line, expected) => {
    expect(request(line)).toEqual(expected);
  });

  it.each([
    ['pools members invite $P --username bob', /required option '--role <role>'/],
    ['pools members invite $P --username bob --role owner', /Allowed choices are user, admin/],
    ['pools create --name eng --settings nope', /expected a JSON object/],
    ['network update --container $C --type vpn', /Allowed choices are socks5, http, https, block/],
    ['network update --type block', /required option '-c, --container <id>'/],
    ['storage create -c $C --source-path /a --mode readonly', /--target-container-id <id> or --target-project-id <id>/],
    ['storage create -c $C --source-path /a --mode readonly --target-container-id $S --target-project-id $P', /cannot be used with/],
    ['storage create -c $C --source-path /a --target-container-id $S', /required option '--mode <mode>'/],
    ['snapshots restore -c $C', /required option '--name <name>'/],
    ['snapshots alias -c $C --name s', /give --alias <alias> or --remove/],
    ['snapshots create -c $C --expiry soon', /whole number/],
    ['prespawn templates create --name web', /give --server-ids <ids> or --pool-id <id>/],
    ['prespawn templates create --server-ids $S --pool-id $P', /cannot be used with/],
    ['prespawn templates create --server-ids $S --size 3', /unknown option '--size'/],
    ['prespawn templates create --server-ids $S --ttl 1.5', /whole number/],
    ['prespawn templates create --server-ids $S --cpu -1', /expected a number ≥ 0/],
    ['prespawn templates create --server-ids $S --min-ready 101', /whole number from 0 to 100/],
    ['prespawn templates update $P', /nothing to update/],
    ['prespawn templates list --realm-id $P', /unknown option '--realm-id'/],
    ['prespawn templates list --sort-by state', /Allowed choices are id, name, created_at, updated_at/],
  ])('usage error: %s', (line, message) => {
    expect(usage(line)).toMatch(message);
  });
});

describe('globals', () => {
  const call = (line: string, env: Record<string, string> = {}) => {
    const parsed = parse(line, env);
    if (parsed.kind !== 'call') throw new Error(parsed.stderr);
    return parsed.invocation.globals;
  };

  it('defaults: local gateway, no token, table output', () => {
    expect(call('containers list')).toEqual({ baseUrl: DEFAULT_BASE_URL, token: undefined, output: 'table' });
  });

  it('takes HOODY_BASE_URL and HOODY_TOKEN from the environment', () => {
    expect(call('containers list', { HOODY_BASE_URL: 'https://api.hoody.icu', HOODY_TOKEN: 'hdy_env' })).toEqual({
      baseUrl: 'https://api.hoody.icu',
      token: 'hdy_env',
      output: 'table',
    });
  });

  it('flags win over the environment, before or after the command', () => {
    const env = { HOODY_BASE_URL: 'https://api.hoody.icu', HOODY_TOKEN: 'hdy_env' };
    expect(call('--base-url http://127.0.0.1:9000 --token hdy_flag -o json containers list', env)).toEqual({
      baseUrl: 'http://127.0.0.1:9000',
      token: 'hdy_flag',
      output: 'json',
    });
    expect(call('containers list --output json --base-url http://127.0.0.1:9000', env)).toMatchObject({ baseUrl: 'http://127.0.0.1:9000', output: 'json' });
  });

  it('refuses a bad base URL or output format', () => {
    expect(usage('--base-url api.hoody.icu containers list')).toMatch(/Invalid Hoody base URL/);
    expect(usage('--output yaml containers list')).toMatch(/Allowed choices are table, json/);
  });

  it('--help and --version exit 0 with the text on stdout', () => {
    for (const line of ['--help', 'containers --help', 'containers create --help', '--version']) {
      const parsed = parse(line);
      expect(parsed).toMatchObject({ kind: 'exit', exitCode: 0, stderr: '' });
      expect(parsed.kind === 'exit' && parsed.stdout.length).toBeGreaterThan(0);
    }
  });

  it('a group without a command shows its help as a usage error', () => {
    const parsed = parse('pools members');
    expect(parsed).toMatchObject({ kind: 'exit', exitCode: 2 });
    expect(parsed.kind === 'exit' && parsed.stderr + parsed.stdout).toMatch(/invite/);
  });
});
