// `run` over real HTTP against a local recording server: what is sent, what is printed, the exit code.
import { run } from './cli';
import { startRecordingServer, type RecordingServer } from '@hoody-ai/hoody-sdk/testing';

const C = '64b7f1f77bcf86cd79943904';

describe('hoody against an HTTP server', () => {
  let server: RecordingServer;
  beforeEach(async () => {
    server = await startRecordingServer();
  });
  afterEach(() => server.close());

  async function hoody(argv: string[], env: Record<string, string> = {}) {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, { HOODY_BASE_URL: server.origin, HOODY_TOKEN: 'hdy_test', ...env }, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
    return { code, stdout, stderr };
  }

  it('creates a container: sends the body with the bearer token, prints the container', async () => {
    server.answer = () => ({ status: 201, body: { statusCode: 201, message: 'Container created', data: { id: C, name: 'web', status: 'running' } } });
    const out = await hoody(['containers', 'create', '--project', 'p1', '--server-id', 's1', '--name', 'web', '--hoody-kit']);
    expect(out).toEqual({ code: 0, stdout: `id      ${C}\nname    web\nstatus  running\n`, stderr: '' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/api/v1/projects/p1/containers', json: { server_id: 's1', name: 'web', hoody_kit: true } });
    expect(server.requests[0].headers['authorization']).toBe('Bearer hdy_test');
  });

  it('--output json prints data', async () => {
    const data = { containers: [], pagination: { total: 0, page: 1, limit: 20, totalPages: 0 } };
    server.answer = () => ({ status: 200, body: { statusCode: 200, message: 'OK', data } });
    const out = await hoody(['--output', 'json', 'containers', 'list']);
    expect(out).toEqual({ code: 0, stdout: `${JSON.stringify(data, null, 2)}\n`, stderr: '' });
  });

  it("an API error: the API's message on stderr, exit 1", async () => {
    server.answer = () => ({ status: 409, body: { statusCode: 409, error: 'NAME_TAKEN', message: 'A container named "web" already exists in this project' } });
    const out = await hoody(['containers', 'create', '--project', 'p1', '--server-id', 's1', '--name', 'web']);
    expect(out).toEqual({ code: 1, stdout: '', stderr: 'Error 409 NAME_TAKEN: A container named "web" already exists in this project\n' });
  });

  it('exec: the command output, and its exit code as ours', async () => {
    server.answer = () => ({ status: 200, body: { statusCode: 200, message: 'OK', data: { exit_code: 7, stdout: 'hello\n', stderr: 'oops\n' } } });
    const out = await hoody(['containers', 'exec', C, '--', 'sh', '-c', 'echo hello; echo oops >&2; exit 7']);
    expect(out).toEqual({ code: 7, stdout: 'hello\n', stderr: 'oops\n' });
    expect(server.requests[0].json).toEqual({ cmd: ['sh', '-c', 'echo hello; echo oops >&2; exit 7'] });
  });

  it('a realm host given as --base-url is where the request goes', async () => {
    server.answer = () => ({ status: 200, body: { statusCode: 200, message: 'OK', data: { containers: [], pagination: { total: 0, page: 1, limit: 20, totalPages: 0 } } } });
    const out = await hoody(['--base-url', `http://507f1f77bcf86cd799439011.api.localhost:${server.port}`, 'containers', 'list']);
    expect(out.code).toBe(0);
    expect(server.requests[0].url).toBe('/api/v1/containers');
    expect(server.requests[0].headers['host']).toBe(`507f1f77bcf86cd799439011.api.localhost:${server.port}`);
  });

  it('a usage error sends nothing and exits 2', async () => {
    const out = await hoody(['containers', 'create', '--name', 'web']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/required option '--project <id>' not specified/);
    expect(server.requests).toHaveLength(0);
  });

  it('an unreachable API exits 3', async () => {
    const port = server.port;
    await server.close();
    server = await startRecordingServer();
    const out = await hoody(['--base-url', `http://127.0.0.1:${port}`, 'servers', 'list']);
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/^Error: Cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/v1\/servers: .*ECONNREFUSED/);
  });
});
