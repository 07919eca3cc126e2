// bin/hoody as a user runs it: a process, from a directory outside the checkout.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRecordingServer } from '@hoody-ai/hoody-sdk/testing';

const BIN = resolve(__dirname, '../../../bin/hoody');

function hoody(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(BIN, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('bin/hoody', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'hoody-cli-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('--help lists the command groups', async () => {
    const out = await hoody(['--help'], {}, cwd);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    for (const group of ['containers', 'projects', 'servers', 'auth', 'users', 'pools', 'realms', 'network', 'storage', 'snapshots', 'prespawn', 'events']) {
      expect(out.stdout).toMatch(new RegExp(`^  ${group} `, 'm'));
    }
    expect(out.stdout).toContain('HOODY_BASE_URL');
  }, 30_000);

  it('calls the API and reports its errors', async () => {
    const server = await startRecordingServer();
    try {
      server.answer = (req) =>
        req.method === 'GET'
          ? { status: 200, body: { statusCode: 200, message: 'OK', data: { containers: [{ id: 'c1', name: 'web', status: 'running' }], pagination: { total: 1, page: 1, limit: 20, totalPages: 1 } } } }
          : { status: 404, body: { statusCode: 404, error: 'PROJECT_NOT_FOUND', message: 'Project not found' } };
      const env = { HOODY_BASE_URL: server.origin, HOODY_TOKEN: 'hdy_e2e' };

      const list = await hoody(['containers', 'list'], env, cwd);
      expect(list).toMatchObject({ code: 0, stderr: '' });
      expect(list.stdout).toMatch(/^ID +NAME +STATUS/);
      expect(list.stdout).toMatch(/^c1 +web +running/m);

      const create = await hoody(['containers', 'create', '--project', 'nope', '--server-id', 's1'], env, cwd);
      expect(create).toEqual({ code: 1, stdout: '', stderr: 'Error 404 PROJECT_NOT_FOUND: Project not found\n' });
      expect(server.requests.map((r) => `${r.method} ${r.url} ${r.headers['authorization']}`)).toEqual([
        'GET /api/v1/containers Bearer hdy_e2e',
        'POST /api/v1/projects/nope/containers Bearer hdy_e2e',
      ]);
    } finally {
      await server.close();
    }
  }, 30_000);
});
