import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import { BASE_IMAGE_TAG, ensureBaseImage, findBusybox } from './base-image';
import { demuxDockerOutput, dockerClient } from './docker-client';

jest.setTimeout(30_000);

// The engine comes from test-support's docker global setup (see jest.config.js). Each test imports
// under a tag of its own, so the tag is fresh on that engine, and removes it afterwards.
const host = process.env.HOODY_TEST_DOCKER_HOST;
if (!host) throw new Error('HOODY_TEST_DOCKER_HOST is not set: run through libs/runtime/jest.config.js');
const docker: Dockerode = dockerClient(host);
const freshTags: string[] = [];
const freshTag = () => {
  const tag = `hoody/base-test-${randomBytes(4).toString('hex')}:latest`;
  freshTags.push(tag);
  return tag;
};

afterAll(async () => {
  for (const tag of freshTags) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('ensureBaseImage', () => {
  it('imports the image when the tag is missing, and leaves it alone afterwards', async () => {
    const tag = freshTag();
    await expect(docker.getImage(tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const importSpy = jest.spyOn(docker, 'importImage');

    const first = await ensureBaseImage(docker, { tag });
    expect(first).toMatchObject({ tag, imported: true, id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect((await docker.getImage(tag).inspect()).Id).toBe(first.id);

    const again = await ensureBaseImage(docker, { tag });
    expect(again).toEqual({ tag, id: first.id, imported: false });
    expect(importSpy).toHaveBeenCalledTimes(1);
  });

  it('shares one import between concurrent callers', async () => {
    const tag = freshTag();
    const importSpy = jest.spyOn(docker, 'importImage');
    const [a, b] = await Promise.all([ensureBaseImage(docker, { tag }), ensureBaseImage(docker, { tag })]);
    expect(importSpy).toHaveBeenCalledTimes(1);
    expect(a.id).toBe(b.id);
    // A different client object for the same engine joins the same build too.
    const [c, d] = await Promise.all([ensureBaseImage(dockerClient(host), { tag }), ensureBaseImage(docker, { tag })]);
    expect([c.id, d.id]).toEqual([a.id, a.id]);
    expect(importSpy).toHaveBeenCalledTimes(1);
  });

  it('finds the default image the global setup imported, without importing again', async () => {
    const importSpy = jest.spyOn(docker, 'importImage');
    const image = await ensureBaseImage(docker);
    expect(image).toMatchObject({ tag: BASE_IMAGE_TAG, imported: false });
    expect(importSpy).not.toHaveBeenCalled();
    const info = await docker.getImage(BASE_IMAGE_TAG).inspect();
    expect(info.Config.Cmd).toEqual(['/bin/sh']);
    expect(info.Config.Env).toEqual(expect.arrayContaining([expect.stringMatching(/^PATH=.*\/bin/)]));
  });

  it('runs a shell command in a container from the image', async () => {
    const applets = execFileSync(findBusybox(), ['--list'], { encoding: 'utf8' })
      .split('\n')
      .filter((a) => a.length > 0 && a !== 'busybox');
    const container = await docker.createContainer({
      Image: BASE_IMAGE_TAG,
      Cmd: ['sh', '-c', 'echo hello && ls /bin | wc -l'],
      HostConfig: { NetworkMode: 'none' },
    });
    try {
      await container.start();
      const { StatusCode } = (await container.wait()) as { StatusCode: number };
      const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
      const { stdout, stderr } = demuxDockerOutput(logs);
      expect({ StatusCode, stderr }).toEqual({ StatusCode: 0, stderr: '' });
      // every applet plus busybox itself
      expect(stdout.split('\n').map((l) => l.trim())).toEqual(['hello', String(applets.length + 1), '']);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('the default command is a usable shell', async () => {
    const container = await docker.createContainer({
      Image: BASE_IMAGE_TAG,
      HostConfig: { NetworkMode: 'none' },
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    try {
      const stream = await container.attach({ stream: true, hijack: true, stdin: true, stdout: true, stderr: true });
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      await container.start();
      stream.end('id -un; cat /etc/group | wc -l; test -d /hoody && test -d /tmp && echo dirs-ok\n');
      const { StatusCode } = (await container.wait()) as { StatusCode: number };
      expect(StatusCode).toBe(0);
      expect(demuxDockerOutput(Buffer.concat(chunks)).stdout.split('\n').map((l) => l.trim())).toEqual(['root', '2', 'dirs-ok', '']);
    } finally {
      await container.remove({ force: true });
    }
  });
});
