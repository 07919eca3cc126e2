import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerRuntime } from './container-runtime';
import { dockerClient } from './docker-client';
import { ExecTimeoutError } from './errors';
import { mountPointsUnder } from './host-mounts';

jest.setTimeout(60_000);

// The kit's exec channel against the real engine: results as an engine exec gives them, without
// an engine exec (the engine keeps the ids of the execs it ran), and a container that tampers with
// the channel gets the engine's exec instead, never the agent writing where it points.

const host = process.env.HOODY_TEST_DOCKER_HOST;
if (!host) throw new Error('HOODY_TEST_DOCKER_HOST is not set: run through libs/runtime/jest.config.js');
const docker = dockerClient(host);
const newId = () => randomBytes(12).toString('hex');

describe('the kit exec channel', () => {
  let dataRoot: string;
  let runtime: ContainerRuntime;
  let containerId: string;
  /** How many execs the engine started in the container while `work` ran (its exec_start events). */
  async function engineExecsDuring(work: () => Promise<unknown>): Promise<number> {
    const since = Math.floor(Date.now() / 1000);
    await work();
    await new Promise((r) => setTimeout(r, 1_100)); // `until` is in whole seconds
    const stream = await docker.getEvents({
      since,
      until: Math.floor(Date.now() / 1000),
      filters: { type: ['container'], container: [ContainerRuntime.dockerName(containerId)] },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.toString();
    return text.split('\n').filter((line) => line.includes('"exec_start')).length;
  }

  beforeAll(async () => {
    dataRoot = await realpath(await mkdtemp(join(tmpdir(), 'hoody-channel-')));
    runtime = new ContainerRuntime({ docker: host, dataRoot, stopTimeoutS: 2 });
    containerId = newId();
    await runtime.create({ containerId, projectId: '', name: 'channel', hoodyKit: true, env: { FROM_CONTAINER: 'c' } });
  });

  afterAll(async () => {
    await runtime.remove(containerId).catch(() => undefined);
    expect(await mountPointsUnder(dataRoot)).toEqual([]);
    await rm(dataRoot, { recursive: true, force: true });
  });

  it('runs a command with its exit code, stdout and stderr, and no engine exec', async () => {
    let result;
    expect(await engineExecsDuring(async () => (result = await runtime.exec(containerId, ['sh', '-c', 'echo out; echo err >&2; exit 3'])))).toBe(0);
    expect(result).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('passes argv literally and the environment over the container\'s', async () => {
    const tricky = ["it's", 'a b', '$HOME', '`id`', 'line\nbreak', '"q"', ''];
    const result = await runtime.exec(containerId, ['printf', '%s|', ...tricky], {});
    expect(result.stdout).toBe(`${tricky.join('|')}|`);
    const env = await runtime.exec(containerId, ['sh', '-c', 'echo "$FROM_CONTAINER $MINE"'], { env: { MINE: "o'k" } });
    expect(env.stdout).toBe("c o'k\n");
    const missing = await runtime.exec(containerId, ['no-such-command']);
    expect(missing.exitCode).toBe(127);
  });

  it('answers at once, as killed, when the container stops under the command', async () => {
    const other = newId();
    await runtime.create({ containerId: other, projectId: '', name: 'stopping', hoodyKit: true });
    try {
      const started = Date.now();
      // the command outlives its own `kill` (a bare `kill 1` may finish, 0, before the container stops)
      const result = await runtime.exec(other, ['sh', '-c', 'kill 1; sleep 30'], { timeoutS: 20 });
      expect(result.exitCode).toBe(137);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await runtime.remove(other);
    }
  });

  it('times out like an engine exec', async () => {
    await expect(runtime.exec(containerId, ['sleep', '5'], { timeoutS: 1 })).rejects.toBeInstanceOf(ExecTimeoutError);
  });

  it('falls back to the engine when the container replaced the channel with a link to a host file, which stays untouched', async () => {
    const victim = join(dataRoot, `victim-${newId()}`);
    await writeFile(victim, 'host data\n');
    // inside the container, the link's target is a host path: an agent following it would write there
    await runtime.exec(containerId, ['sh', '-c', `rm -f /hoody/run/requests; ln -s ${victim} /hoody/run/requests`]);
    let result;
    expect(await engineExecsDuring(async () => (result = await runtime.exec(containerId, ['echo', 'still works'])))).toBe(1);
    expect(result).toEqual({ exitCode: 0, stdout: 'still works\n', stderr: '' });
    expect(await readFile(victim, 'utf8')).toBe('host data\n');
  });
});
