import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { BASE_IMAGE_TAG, ensureBaseImage, execInContainer } from '@hoody/runtime';
import { startDockerEngine, type DockerEngineHandle } from './docker-engine';
import { testDocker } from './test-env';

jest.setTimeout(60_000);

function processesMentioning(dir: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        return '';
      }
    })
    .filter((cmd) => cmd.includes(dir));
}

describe('startDockerEngine: two engines side by side', () => {
  let a: DockerEngineHandle;
  let b: DockerEngineHandle;

  beforeAll(async () => {
    [a, b] = await Promise.all([startDockerEngine(), startDockerEngine()]);
    await Promise.all([ensureBaseImage(a.docker), ensureBaseImage(b.docker)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('each has its own socket under a short temp dir', async () => {
    expect(a.socketPath).not.toBe(b.socketPath);
    expect(a.host).toBe(`unix://${a.socketPath}`);
    expect(a.socketPath.length).toBeLessThan(60);
    await expect(a.docker.ping()).resolves.toBeTruthy();
    await expect(b.docker.ping()).resolves.toBeTruthy();
  });

  it('containers created on one engine are not visible on the other', async () => {
    const created = await a.docker.createContainer({ Image: BASE_IMAGE_TAG, name: 'only-on-a', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    const onA = await a.docker.listContainers({ all: true });
    const onB = await b.docker.listContainers({ all: true });
    expect(onA.map((c) => c.Id)).toContain(created.id);
    expect(onB.map((c) => c.Id)).not.toContain(created.id);
    await expect(b.docker.getContainer(created.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(b.docker.getContainer('only-on-a').inspect()).rejects.toMatchObject({ statusCode: 404 });
    // The same name is free on the other engine.
    const sameName = await b.docker.createContainer({ Image: BASE_IMAGE_TAG, name: 'only-on-a', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    expect(sameName.id).not.toBe(created.id);
  });

  it('runs a container without a network, and docker exec returns output and exit code', async () => {
    const container = await b.docker.createContainer({
      Image: BASE_IMAGE_TAG,
      Cmd: ['sleep', '600'],
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    const info = await container.inspect();
    expect(info.State.Running).toBe(true);
    expect(info.HostConfig.NetworkMode).toBe('none');

    const ok = await execInContainer(container, ['sh', '-c', 'echo out; echo err >&2; ls /sys/class/net']);
    expect(ok).toEqual({ exitCode: 0, stdout: 'out\nlo\n', stderr: 'err\n' });

    const failed = await execInContainer(container, ['sh', '-c', 'echo partial; exit 42']);
    expect(failed).toEqual({ exitCode: 42, stdout: 'partial\n', stderr: '' });
    // The running container (sleep as PID 1 ignores SIGTERM) is removed by stop() without a 10 s wait.
  });

  it('stop() removes containers, ends dockerd and its containerd, and leaves no mount or directory', async () => {
    const engine = await startDockerEngine();
    await ensureBaseImage(engine.docker);
    const c = await engine.docker.createContainer({ Image: BASE_IMAGE_TAG, Cmd: ['sleep', '600'], HostConfig: { NetworkMode: 'none' } });
    await c.start();
    const started = Date.now();
    await engine.stop();
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(existsSync(engine.dir)).toBe(false);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(engine.dir);
    expect(() => process.kill(engine.pid, 0)).toThrow();
    expect(processesMentioning(engine.dir)).toEqual([]);
    await expect(engine.stop()).resolves.toBeUndefined();
  });

  it('rejects when the dockerd binary cannot be run', async () => {
    await expect(startDockerEngine({ dockerd: '/nonexistent/dockerd' })).rejects.toThrow(/ENOENT[\s\S]*dockerd log/);
  });

  it('fails with the tail of dockerd\'s log when dockerd cannot start, and cleans up', async () => {
    const failure = await startDockerEngine({ extraArgs: ['--no-such-flag'] }).catch((err: Error) => err);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/dockerd exited with \d+ before it answered[\s\S]*dockerd log \(tail\)[\s\S]*no-such-flag/);
    const dir = /--data-root=(\S+)\/data/.exec((failure as Error).message)?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dir as string)).toBe(false);
  });
});

describe('docker global setup', () => {
  it('hands an engine holding the base image to the workers in HOODY_TEST_DOCKER_HOST', async () => {
    const docker = testDocker();
    await expect(docker.ping()).resolves.toBeTruthy();
    await expect(docker.getImage(BASE_IMAGE_TAG).inspect()).resolves.toMatchObject({ Config: { Cmd: ['/bin/sh'] } });
  });
});
