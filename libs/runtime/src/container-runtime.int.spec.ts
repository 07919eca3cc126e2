import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE_TAG } from './base-image';
import type { ContainerEvent, ContainerEventStream } from './container-events';
import { ContainerRuntime, KIT_MAIN_COMMAND, type ContainerSpec } from './container-runtime';
import { dockerClient } from './docker-client';
import {
  ContainerNotFoundError,
  ContainerStartError,
  ContainerStateError,
  ExecTimeoutError,
  ImageNotFoundError,
  InvalidContainerSpecError,
  InvalidIdError,
} from './errors';
import { mountPointsUnder, unmountTree } from './host-mounts';

jest.setTimeout(60_000);

// The engine comes from test-support's docker global setup (see jest.config.js).
const host = process.env.HOODY_TEST_DOCKER_HOST;
if (!host) throw new Error('HOODY_TEST_DOCKER_HOST is not set: run through libs/runtime/jest.config.js');
const docker = dockerClient(host);

const newId = () => randomBytes(12).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const projectId = newId();

let dataRoot: string;
let runtime: ContainerRuntime;
const created = new Set<string>();

async function make(overrides: Partial<ContainerSpec> = {}) {
  const spec: ContainerSpec = { containerId: newId(), projectId, name: 'int-test', hoodyKit: false, ...overrides };
  created.add(spec.containerId);
  const result = await runtime.create(spec);
  return { ...spec, ...result };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The next event of `stream` matching `match` (one iterator per stream, kept across calls). */
const iterators = new WeakMap<ContainerEventStream, AsyncIterator<ContainerEvent>>();
async function nextEvent(stream: ContainerEventStream, match: (e: ContainerEvent) => boolean, timeoutMs = 10_000): Promise<ContainerEvent> {
  let iterator = iterators.get(stream);
  if (!iterator) iterators.set(stream, (iterator = stream[Symbol.asyncIterator]()));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no matching event')), timeoutMs)));
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next.done) throw new Error('event stream ended');
      if (match(next.value)) return next.value;
    }
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  dataRoot = await realpath(await mkdtemp(join(tmpdir(), 'hoody-rt-')));
  runtime = new ContainerRuntime({ docker: host, dataRoot, stopTimeoutS: 5 });
});

afterAll(async () => {
  for (const id of created) await runtime.remove(id).catch(() => undefined);
  const leftover = await mountPointsUnder(dataRoot);
  await unmountTree(dataRoot).catch(() => undefined); // safety net; the expectation below still fails
  await rm(dataRoot, { recursive: true, force: true });
  expect(leftover).toEqual([]);
});

describe('create', () => {
  it('creates and starts a labelled container with its limits, no network, no privileges, and the kit mounts', async () => {
    const c = await make({ hoodyKit: true, cpu: 0.5, memory: 0.25, env: { FOO: 'bar baz' }, name: 'web-1' });
    expect(c).toMatchObject({ status: 'running', created: true, dockerId: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const info = await docker.getContainer(c.dockerId).inspect();
    expect(info.Name).toBe(`/hoody-${c.containerId}`);
    expect(info.Config.Labels).toMatchObject({
      'hoody.managed': 'true',
      'hoody.container_id': c.containerId,
      'hoody.project_id': projectId,
      'hoody.name': 'web-1',
      'hoody.kit': 'true',
    });
    expect(info.Config.Image).toBe(BASE_IMAGE_TAG);
    expect(info.Config.Cmd).toEqual([...KIT_MAIN_COMMAND]);
    expect(info.HostConfig).toMatchObject({ NanoCpus: 500_000_000, Memory: 268_435_456, NetworkMode: 'none', Privileged: false });
    expect(info.HostConfig.Devices ?? []).toEqual([]);
    expect(info.HostConfig.Binds ?? []).toEqual([]);
    const dir = runtime.containerDir(c.containerId);
    expect(info.Mounts.map((m) => ({ Type: m.Type, Source: m.Source, Destination: m.Destination, RW: m.RW, Propagation: m.Propagation }))
      .sort((a, b) => a.Destination.localeCompare(b.Destination))).toEqual([
      { Type: 'bind', Source: join(dir, 'run'), Destination: '/hoody/run', RW: true, Propagation: 'rprivate' },
      { Type: 'bind', Source: join(dir, 'shares'), Destination: '/hoody/shares', RW: true, Propagation: 'rslave' },
      { Type: 'bind', Source: join(dir, 'storage'), Destination: '/hoody/storage', RW: true, Propagation: 'rprivate' },
    ]);

    const inside = await runtime.exec(c.containerId, ['sh', '-c', 'echo "$FOO"; ls /sys/class/net; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max']);
    expect(inside).toEqual({ exitCode: 0, stdout: 'bar baz\nlo\n268435456\n', stderr: '' });
  });

  it('is idempotent per containerId: a second create returns the existing container', async () => {
    const first = await make();
    const again = await runtime.create({ containerId: first.containerId, projectId, name: 'other-name', hoodyKit: true });
    expect(again).toEqual({ dockerId: first.dockerId, status: 'running', created: false });
    const both = await Promise.all([runtime.create(first), runtime.create(first)]);
    expect(both.map((r) => r.dockerId)).toEqual([first.dockerId, first.dockerId]);
    expect((await runtime.list()).filter((s) => s.containerId === first.containerId)).toHaveLength(1);
    expect(existsSync(runtime.containerDir(first.containerId))).toBe(false); // no kit for a container created without one
  });

  it('refuses bad specs before touching the engine, and cleans up after a failed create', async () => {
    const bad = (overrides: Partial<ContainerSpec>) => runtime.create({ containerId: newId(), projectId, name: 'x', ...overrides });
    await expect(bad({ containerId: '../../etc' })).rejects.toBeInstanceOf(InvalidIdError);
    await expect(bad({ projectId: 'nope' })).rejects.toBeInstanceOf(InvalidIdError);
    await expect(bad({ cpu: -1 })).rejects.toBeInstanceOf(InvalidContainerSpecError);
    await expect(bad({ memory: 0.000001 })).rejects.toThrow(/memory: must be at least 6 MiB/);
    await expect(bad({ env: { 'A=B': 'x' } })).rejects.toBeInstanceOf(InvalidContainerSpecError);

    const noImage = newId();
    await expect(runtime.create({ containerId: noImage, projectId, name: 'x', image: 'nowhere/nothing:1', hoodyKit: true })).rejects.toBeInstanceOf(ImageNotFoundError);
    expect(existsSync(runtime.containerDir(noImage))).toBe(false);

    const noCommand = newId();
    await expect(runtime.create({ containerId: noCommand, projectId, name: 'x', command: ['/no/such/binary'], hoodyKit: true })).rejects.toBeInstanceOf(ContainerStartError);
    expect(await runtime.inspect(noCommand)).toEqual({ containerId: noCommand, state: 'missing' });
    expect(existsSync(runtime.containerDir(noCommand))).toBe(false);
  });
});

describe('lifecycle', () => {
  it('keeps a file written in /hoody/storage across restart, and across stop then start', async () => {
    const c = await make({ hoodyKit: true });
    await runtime.exec(c.containerId, ['sh', '-c', 'echo kept > /hoody/storage/file']);
    expect(await readFile(join(runtime.containerDir(c.containerId), 'storage/file'), 'utf8')).toBe('kept\n');
    const before = await runtime.inspect(c.containerId);

    const restarted = await runtime.restart(c.containerId);
    expect(restarted.state).toBe('running');
    expect(restarted.startedAt?.getTime()).toBeGreaterThan(before.startedAt?.getTime() ?? Infinity);
    expect((await runtime.exec(c.containerId, ['cat', '/hoody/storage/file'])).stdout).toBe('kept\n');

    const stopStarted = Date.now();
    const stopped = await runtime.stop(c.containerId);
    expect(Date.now() - stopStarted).toBeLessThan(3_000); // the default command exits on SIGTERM, no kill after the timeout
    expect(stopped).toMatchObject({ state: 'stopped', exitCode: 0, finishedAt: expect.any(Date) });
    expect(await runtime.stop(c.containerId)).toMatchObject({ state: 'stopped' }); // already stopped: nothing to do

    expect((await runtime.start(c.containerId)).state).toBe('running');
    expect(await runtime.start(c.containerId)).toMatchObject({ state: 'running' }); // already running
    expect((await runtime.exec(c.containerId, ['cat', '/hoody/storage/file'])).stdout).toBe('kept\n');
  });

  it('pause freezes the processes (a counter stops advancing) and resume thaws them', async () => {
    const c = await make({
      hoodyKit: true,
      command: ['/bin/sh', '-c', 'i=0; while :; do i=$((i+1)); echo $i > /hoody/storage/n.tmp; mv /hoody/storage/n.tmp /hoody/storage/n; usleep 20000; done'],
    });
    const counter = join(runtime.containerDir(c.containerId), 'storage/n');
    const read = async () => Number(await readFile(counter, 'utf8').catch(() => '0'));
    await until('the counter to advance', async () => (await read()) > 3);

    expect(await runtime.pause(c.containerId)).toMatchObject({ state: 'paused' });
    expect(await runtime.pause(c.containerId)).toMatchObject({ state: 'paused' }); // idempotent
    const frozen = await read();
    await sleep(600);
    expect(await read()).toBe(frozen);
    await expect(runtime.exec(c.containerId, ['true'])).rejects.toBeInstanceOf(ContainerStateError);
    await expect(runtime.start(c.containerId)).rejects.toBeInstanceOf(ContainerStateError);

    expect(await runtime.resume(c.containerId)).toMatchObject({ state: 'running' });
    await until('the counter to advance again', async () => (await read()) > frozen + 3);
  });

  it('refuses to pause or resume a stopped container; forceStop kills at once', async () => {
    const c = await make({ command: ['/bin/sh', '-c', 'trap "" TERM; while :; do usleep 100000; done'] }); // ignores SIGTERM
    const killed = await runtime.forceStop(c.containerId);
    expect(killed).toMatchObject({ state: 'stopped', exitCode: 137 });
    await expect(runtime.pause(c.containerId)).rejects.toMatchObject({ name: 'ContainerStateError', state: 'stopped', code: 'INVALID_STATE' });
    await expect(runtime.resume(c.containerId)).rejects.toBeInstanceOf(ContainerStateError);
    await expect(runtime.exec(c.containerId, ['true'])).rejects.toBeInstanceOf(ContainerStateError);
    expect(await runtime.forceStop(c.containerId)).toMatchObject({ state: 'stopped' });
  });

  it('reports a main process that exits as a die event with its exit code, and inspect says stopped', async () => {
    const events = runtime.events();
    await events.ready;
    try {
      const c = await make({ command: ['/bin/sh', '-c', 'exit 3'] });
      const started = await nextEvent(events, (e) => e.containerId === c.containerId);
      expect(started).toMatchObject({ action: 'start', containerId: c.containerId, projectId, dockerId: c.dockerId });
      const died = await nextEvent(events, (e) => e.containerId === c.containerId);
      expect(died).toEqual({ containerId: c.containerId, projectId, dockerId: c.dockerId, action: 'die', exitCode: 3, at: expect.any(Date) });
      expect(Math.abs(died.at.getTime() - Date.now())).toBeLessThan(10_000);
      expect(await runtime.inspect(c.containerId)).toMatchObject({ state: 'stopped', exitCode: 3, dockerId: c.dockerId });

      // pause, unpause and destroy come through too; containers without the label do not.
      const other = await docker.createContainer({ Image: BASE_IMAGE_TAG, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
      await other.start();
      const d = await make();
      await runtime.pause(d.containerId);
      await runtime.resume(d.containerId);
      await runtime.remove(d.containerId);
      const actions: string[] = [];
      while (actions.at(-1) !== 'destroy') actions.push((await nextEvent(events, () => true)).action);
      expect(actions).toEqual(['start', 'pause', 'unpause', 'die', 'destroy']);
      await other.remove({ force: true });
    } finally {
      events.close();
    }
    expect(await events[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
  });
});

describe('Hoody Kit shares', () => {
  it('a bind mount made later under the shares dir appears inside the running container; remove unmounts it and keeps its source', async () => {
    const c = await make({ hoodyKit: true });
    const source = await mkdtemp(join(tmpdir(), 'hoody-share-src-'));
    try {
      await writeFile(join(source, 'hello.txt'), 'from the host\n');
      const target = join(runtime.containerDir(c.containerId), 'shares/live');
      await mkdir(target);
      expect((await runtime.exec(c.containerId, ['ls', '/hoody/shares/live'])).stdout).toBe('');
      execFileSync('mount', ['--bind', source, target]);

      expect(await runtime.exec(c.containerId, ['cat', '/hoody/shares/live/hello.txt'])).toMatchObject({ exitCode: 0, stdout: 'from the host\n' });
      await runtime.exec(c.containerId, ['sh', '-c', 'echo back > /hoody/shares/live/reply.txt']);
      expect(await readFile(join(source, 'reply.txt'), 'utf8')).toBe('back\n');

      // Still live after a restart (the container mounts the shares dir again, with what is under it).
      await runtime.restart(c.containerId);
      expect((await runtime.exec(c.containerId, ['cat', '/hoody/shares/live/hello.txt'])).stdout).toBe('from the host\n');

      await runtime.remove(c.containerId);
      expect(await mountPointsUnder(runtime.containerDir(c.containerId))).toEqual([]);
      expect(existsSync(runtime.containerDir(c.containerId))).toBe(false);
      expect(await readFile(join(source, 'hello.txt'), 'utf8')).toBe('from the host\n'); // the share's source is untouched
    } finally {
      await rm(source, { recursive: true, force: true });
    }
  });
});

describe('remove, inspect, list', () => {
  it('remove deletes the container and its kit dir; afterwards it is missing / not found', async () => {
    const c = await make({ hoodyKit: true });
    await runtime.exec(c.containerId, ['sh', '-c', 'echo x > /hoody/storage/x']);
    const dir = runtime.containerDir(c.containerId);
    expect(existsSync(join(dir, 'storage/x'))).toBe(true);

    await runtime.remove(c.containerId);
    expect(existsSync(dir)).toBe(false);
    expect(await mountPointsUnder(dir)).toEqual([]);
    await expect(docker.getContainer(c.dockerId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await runtime.inspect(c.containerId)).toEqual({ containerId: c.containerId, state: 'missing' });
    await expect(runtime.remove(c.containerId)).rejects.toBeInstanceOf(ContainerNotFoundError);
  });

  it('every operation on an unknown container id is ContainerNotFoundError; a malformed id is InvalidIdError', async () => {
    const id = newId();
    const ops: Array<[string, () => Promise<unknown>]> = [
      ['start', () => runtime.start(id)],
      ['stop', () => runtime.stop(id)],
      ['forceStop', () => runtime.forceStop(id)],
      ['restart', () => runtime.restart(id)],
      ['pause', () => runtime.pause(id)],
      ['resume', () => runtime.resume(id)],
      ['remove', () => runtime.remove(id)],
      ['exec', () => runtime.exec(id, ['true'])],
      ['logs', () => runtime.logs(id)],
      ['stats', () => runtime.stats(id)],
    ];
    for (const [name, op] of ops) {
      const error = await op().catch((e: unknown) => e);
      expect([name, error]).toEqual([name, expect.any(ContainerNotFoundError)]);
      expect(error).toMatchObject({ containerId: id, code: 'CONTAINER_NOT_FOUND' });
    }
    expect(await runtime.inspect(id)).toEqual({ containerId: id, state: 'missing' });
    await expect(runtime.stop('not-an-id')).rejects.toBeInstanceOf(InvalidIdError);

    // A container that merely has the name, without the platform labels, is not ours.
    const impostor = await docker.createContainer({ Image: BASE_IMAGE_TAG, name: `hoody-${id}`, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    try {
      await expect(runtime.start(id)).rejects.toBeInstanceOf(ContainerNotFoundError);
      expect((await runtime.inspect(id)).state).toBe('missing');
      expect((await runtime.list()).map((s) => s.dockerId)).not.toContain(impostor.id);
    } finally {
      await impostor.remove({ force: true });
    }
  });

  it('list shows every hoody container by platform id, with project, name and state', async () => {
    const running = await make({ name: 'listed-running', hoodyKit: true });
    const stopped = await make({ name: 'listed-stopped' });
    await runtime.stop(stopped.containerId);
    const paused = await make({ name: 'listed-paused' });
    await runtime.pause(paused.containerId);

    const listed = await runtime.list();
    const byId = new Map(listed.map((s) => [s.containerId, s]));
    expect(byId.get(running.containerId)).toEqual({
      containerId: running.containerId,
      projectId,
      name: 'listed-running',
      dockerId: running.dockerId,
      state: 'running',
      image: BASE_IMAGE_TAG,
      hoodyKit: true,
      createdAt: expect.any(Date),
    });
    expect(byId.get(stopped.containerId)).toMatchObject({ state: 'stopped', hoodyKit: false });
    expect(byId.get(paused.containerId)).toMatchObject({ state: 'paused' });
    for (const s of listed) expect(s.containerId).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe('exec, logs, stats', () => {
  it('exec returns exit code, stdout and stderr, takes env, and times out', async () => {
    const c = await make();
    expect(await runtime.exec(c.containerId, ['sh', '-c', 'echo "$A-$B"; echo oops >&2; exit 7'], { env: { A: '1', B: 'two' } })).toEqual({
      exitCode: 7,
      stdout: '1-two\n',
      stderr: 'oops\n',
    });
    await expect(runtime.exec(c.containerId, ['sleep', '5'], { timeoutS: 0.3 })).rejects.toBeInstanceOf(ExecTimeoutError);
    await expect(runtime.exec(c.containerId, [])).rejects.toBeInstanceOf(InvalidContainerSpecError);
  });

  it('logs returns the main process output as lines, optionally only the last ones', async () => {
    const c = await make({ command: ['/bin/sh', '-c', 'echo one; usleep 20000; echo two >&2; usleep 20000; echo three; exec sleep 600'] });
    const lines = await until('three lines of logs', async () => {
      const l = await runtime.logs(c.containerId);
      return l.length >= 3 ? l : undefined;
    });
    expect(lines).toEqual(['one', 'two', 'three']);
    expect(await runtime.logs(c.containerId, { tail: 1 })).toEqual(['three']);
  });

  it('stats gives cpu, memory against the limit, network and pids', async () => {
    const c = await make({ memory: 0.125, command: ['/bin/sh', '-c', 'while :; do :; done'] });
    const stats = await runtime.stats(c.containerId);
    expect(stats.memory_limit_bytes).toBe(0.125 * 1024 ** 3);
    expect(stats.memory_bytes).toBeGreaterThan(0);
    expect(stats.pids).toBeGreaterThanOrEqual(1);
    expect(stats.network).toEqual({ rx_bytes: 0, tx_bytes: 0 });
    expect(stats.cpu_percent).toBeGreaterThan(10); // a busy loop
    await runtime.forceStop(c.containerId);
    expect(await runtime.stats(c.containerId)).toMatchObject({ cpu_percent: 0, memory_bytes: 0, pids: 0 });
  });
});
