// Every CLI example of the product description (../shared/seed/hoody-advanced-features.txt), as
// written, maps to the request of its curl counterpart. Only ids and the base URL are ours.
import { requestUrl } from '@hoody-ai/hoody-sdk';
import { parseArgs } from './program';
import { shellWords } from './testing/shell';

const vars = {
  PROJECT_ID: '64b7f1f77bcf86cd79943901',
  SERVER_ID: '64b7f1f77bcf86cd79943902',
  POOL_ID: '64b7f1f77bcf86cd79943903',
  CONTAINER_ID: '64b7f1f77bcf86cd79943904',
  SOURCE_CONTAINER_ID: '64b7f1f77bcf86cd79943905',
  TARGET_CONTAINER_ID: '64b7f1f77bcf86cd79943906',
  PROD_CONTAINER_ID: '64b7f1f77bcf86cd79943907',
  EU_SERVER_ID: '64b7f1f77bcf86cd79943908',
  EU_COPY_ID: '64b7f1f77bcf86cd79943909',
};
const env = { HOODY_BASE_URL: 'https://api.hoody.icu', HOODY_TOKEN: 'hdy_example' };
const API = 'https://api.hoody.icu/api/v1';

/** What `hoody …` (a shell line) would send. */
function sent(line: string) {
  const [hoody, ...argv] = shellWords(line, vars);
  expect(hoody).toBe('hoody');
  const parsed = parseArgs(argv, env);
  if (parsed.kind !== 'call') throw new Error(`not a call: ${parsed.stderr}`);
  const { request, globals } = parsed.invocation;
  expect(globals.token).toBe('hdy_example');
  return { method: request.method, url: requestUrl(globals.baseUrl, request), body: request.body };
}

describe('seed CLI examples', () => {
  it('Prespawn: containers create --hoody-kit --prespawn', () => {
    expect(
      sent(`hoody containers create \\
  --project $PROJECT_ID \\
  --server-id $SERVER_ID \\
  --name "prespawned" \\
  --hoody-kit \\
  --prespawn`),
    ).toEqual({
      method: 'POST',
      url: `${API}/projects/${vars.PROJECT_ID}/containers`,
      body: { server_id: vars.SERVER_ID, name: 'prespawned', hoody_kit: true, prespawn: true },
    });
  });

  it('Server pools: pools create', () => {
    expect(sent(`hoody pools create --name "engineering-team"`)).toEqual({
      method: 'POST',
      url: `${API}/pools`,
      body: { name: 'engineering-team' },
    });
  });

  it('Server pools: pools members invite', () => {
    expect(sent(`hoody pools members invite $POOL_ID --username "alice" --role "user"`)).toEqual({
      method: 'POST',
      url: `${API}/pools/${vars.POOL_ID}/members`,
      body: { username: 'alice', role: 'user' },
    });
  });

  it('Realm isolation: auth create --no-allow-no-realm', () => {
    expect(
      sent(`hoody auth create \\
  --alias "ci-staging" \\
  --realm-ids "507f1f77bcf86cd799439011" \\
  --no-allow-no-realm`),
    ).toEqual({
      method: 'POST',
      url: `${API}/auth/tokens`,
      body: { alias: 'ci-staging', realm_ids: ['507f1f77bcf86cd799439011'], allow_no_realm: false },
    });
  });

  it('Realm isolation: --base-url on the realm host', () => {
    expect(
      sent(`hoody --base-url "https://507f1f77bcf86cd799439011.api.hoody.icu" \\
  containers list`),
    ).toEqual({
      method: 'GET',
      url: 'https://507f1f77bcf86cd799439011.api.hoody.icu/api/v1/containers',
      body: undefined,
    });
  });

  it('Network routing: network update --type socks5 --proxy', () => {
    expect(
      sent(`hoody network update --container $CONTAINER_ID \\
  --type socks5 \\
  --proxy "socks5://user:pass@proxy.example.com:1080"`),
    ).toEqual({
      method: 'PATCH',
      url: `${API}/containers/${vars.CONTAINER_ID}/network`,
      body: { type: 'socks5', proxy: 'socks5://user:pass@proxy.example.com:1080' },
    });
  });

  it('Storage shares: with a container, readonly', () => {
    expect(
      sent(`hoody storage create --container $SOURCE_CONTAINER_ID \\
  --source-path "/hoody/storage/shared-assets" \\
  --target-container-id $TARGET_CONTAINER_ID \\
  --mode readonly`),
    ).toEqual({
      method: 'POST',
      url: `${API}/containers/${vars.SOURCE_CONTAINER_ID}/storage/shares`,
      body: { source_path: '/hoody/storage/shared-assets', target_container_id: vars.TARGET_CONTAINER_ID, mode: 'readonly' },
    });
  });

  it('Storage shares: with a whole project', () => {
    expect(
      sent(`hoody storage create --container $SOURCE_CONTAINER_ID \\
  --source-path "/hoody/storage/config" \\
  --target-project-id $PROJECT_ID \\
  --mode readonly`),
    ).toEqual({
      method: 'POST',
      url: `${API}/containers/${vars.SOURCE_CONTAINER_ID}/storage/shares`,
      body: { source_path: '/hoody/storage/config', target_project_id: vars.PROJECT_ID, mode: 'readonly' },
    });
  });

  it('Copy & sync: containers copy', () => {
    expect(
      sent(`hoody containers copy $PROD_CONTAINER_ID \\
  --target-project-id $PROJECT_ID \\
  --target-server-id $EU_SERVER_ID \\
  --name "prod-eu-replica"`),
    ).toEqual({
      method: 'POST',
      url: `${API}/containers/${vars.PROD_CONTAINER_ID}/copy`,
      body: { target_project_id: vars.PROJECT_ID, target_server_id: vars.EU_SERVER_ID, name: 'prod-eu-replica' },
    });
  });

  it('Copy & sync: containers sync (no body)', () => {
    expect(sent(`hoody containers sync $EU_COPY_ID`)).toEqual({
      method: 'POST',
      url: `${API}/containers/${vars.EU_COPY_ID}/sync`,
      body: undefined,
    });
  });

  it('Snapshots: create with an alias', () => {
    expect(
      sent(`hoody snapshots create -c $CONTAINER_ID \\
  --alias "before-ai-refactor"`),
    ).toEqual({
      method: 'POST',
      url: `${API}/containers/${vars.CONTAINER_ID}/snapshots`,
      body: { alias: 'before-ai-refactor' },
    });
  });

  it('Snapshots: restore (PATCH, no body)', () => {
    expect(
      sent(`hoody snapshots restore -c $CONTAINER_ID \\
  --name "snap-20260325-143045"`),
    ).toEqual({
      method: 'PATCH',
      url: `${API}/containers/${vars.CONTAINER_ID}/snapshots/snap-20260325-143045`,
      body: undefined,
    });
  });

  it('Snapshots: list', () => {
    expect(sent(`hoody snapshots list -c $CONTAINER_ID`)).toEqual({
      method: 'GET',
      url: `${API}/containers/${vars.CONTAINER_ID}/snapshots`,
      body: undefined,
    });
  });
});
