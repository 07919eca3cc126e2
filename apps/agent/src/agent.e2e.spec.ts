import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { agent, createGrpcClient, type GrpcPromiseClient } from '@hoody/contracts';
import { connectNats, drainNats } from '@hoody/messaging';
import { AGENT_HEARTBEAT_SUBJECT, containerEventsSubject, mountPointsUnder, type AgentContainerEvent, type AgentHeartbeat } from '@hoody/runtime';
import { freePort, rpcFailure, testDockerHost, testNatsUrl } from '@hoody/test-support';

jest.setTimeout(60_000);

const newId = () => randomBytes(12).toString('hex');

/** Collects the JSON messages of a subscription; waitFor resolves with the first (past or future) match. */
class Inbox<T> {
  readonly messages: T[] = [];
  private waiters: Array<() => void> = [];

  constructor(private readonly sub: Subscription) {
    void (async () => {
      for await (const m of sub) {
        this.messages.push(m.json<T>());
        for (const wake of this.waiters.splice(0)) wake();
      }
    })();
  }

  async waitFor(what: string, match: (m: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let from = 0;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      from = this.messages.length;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  close(): void {
    this.sub.unsubscribe();
  }
}

describe('agent process', () => {
  const serverName = `e2e-${randomBytes(3).toString('hex')}`;
  let home: string;
  let httpPort: number;
  let nc: NatsConnection;
  let heartbeats: Inbox<AgentHeartbeat>;
  let events: Inbox<AgentContainerEvent>;
  let child: ChildProcess;
  let exited: Promise<number | null>;
  let output = '';
  let client: GrpcPromiseClient<typeof agent.AgentServiceService>;
  let startedAt: number;

  beforeAll(async () => {
    home = await realpath(await mkdtemp(join(tmpdir(), 'hoody-agent-e2e-')));
    httpPort = await freePort();
    nc = await connectNats({ servers: testNatsUrl(), name: 'agent-e2e' });
    heartbeats = new Inbox(nc.subscribe(AGENT_HEARTBEAT_SUBJECT));
    events = new Inbox(nc.subscribe(containerEventsSubject(serverName)));
    await nc.flush();

    startedAt = Date.now();
    child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'main.ts')], {
      env: {
        ...process.env,
        DOCKER_HOST: testDockerHost(),
        NATS_URL: testNatsUrl(),
        HOODY_HOME: home,
        HOODY_SERVER_NAME: serverName,
        HOODY_GRPC_PORT: '0',
        HOODY_HTTP_PORT: String(httpPort),
        HOODY_HEARTBEAT_MS: '200',
        HOODY_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  });

  afterAll(async () => {
    client?.$close();
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    heartbeats?.close();
    events?.close();
    if (nc) await drainNats(nc);
    const leftover = home ? await mountPointsUnder(home) : [];
    if (home) await rm(home, { recursive: true, force: true });
    expect(leftover).toEqual([]);
  });

  it('heartbeats on NATS with its gRPC address, specs and capacity', async () => {
    const first = await heartbeats.waitFor('the first heartbeat', (h) => h.serverName === serverName, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- agent output ---\n${output}`);
    });
    expect(Date.now() - startedAt).toBeLessThan(15_000); // spawn to first heartbeat: about 3 s here (tsx compiling)
    expect(first).toEqual({
      serverName,
      agentUrl: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      specs: { cpu_cores: expect.any(Number), ram_gb: expect.any(Number), disk_gb: expect.any(Number) },
      capacity: { used: expect.any(Number), max: 100 },
      at: expect.any(String),
    });
    expect(first.specs.cpu_cores).toBeGreaterThan(0);
    expect(first.specs.ram_gb).toBeGreaterThan(0);
    expect(first.specs.disk_gb).toBeGreaterThan(0);
    expect(Math.abs(Date.parse(first.at) - Date.now())).toBeLessThan(10_000);
    client = createGrpcClient(agent.AgentServiceService, first.agentUrl);

    const health = await fetch(`http://127.0.0.1:${httpPort}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ service: 'agent', status: 'ok', checks: { docker: { status: 'ok' }, nats: { status: 'ok' } } });
  });

  it('creates, execs, pauses, resumes, stops and removes a container over gRPC, reporting events and capacity', async () => {
    const containerId = newId();
    const projectId = newId();
    const before = (await heartbeats.waitFor('a heartbeat', (h) => h.serverName === serverName)).capacity.used;

    const created = await client.createContainer(
      agent.CreateContainerRequest.fromPartial({ containerId, projectId, name: 'e2e', hoodyKit: true, env: { GREETING: 'hi' }, cpu: 1, memory: 0.5 }),
    );
    expect(created).toEqual({ dockerId: expect.stringMatching(/^[0-9a-f]{64}$/), state: agent.ContainerState.RUNNING, created: true });
    // Its Hoody Kit lives under $HOODY_HOME/agent (the default HOODY_AGENT_DATA).
    expect(existsSync(join(home, 'agent/containers', containerId, 'storage'))).toBe(true);
    await events.waitFor('the start event', (e) => e.containerId === containerId && e.action === 'start');

    const again = await client.createContainer(agent.CreateContainerRequest.fromPartial({ containerId, projectId, name: 'e2e' }));
    expect(again).toEqual({ dockerId: created.dockerId, state: agent.ContainerState.RUNNING, created: false });

    expect(await client.exec(agent.ExecRequest.fromPartial({ containerId, cmd: ['echo', 'hi'] }))).toEqual({ exitCode: 0, stdout: 'hi\n', stderr: '' });
    expect(await client.exec(agent.ExecRequest.fromPartial({ containerId, cmd: ['sh', '-c', 'echo "$GREETING $X" >&2; exit 4'], env: { X: 'there' } }))).toEqual({
      exitCode: 4,
      stdout: '',
      stderr: 'hi there\n',
    });

    const paused = await client.pauseContainer({ containerId });
    expect(paused.container).toMatchObject({ containerId, dockerId: created.dockerId, state: agent.ContainerState.PAUSED });
    await events.waitFor('the pause event', (e) => e.containerId === containerId && e.action === 'pause');
    expect(await rpcFailure(client.exec(agent.ExecRequest.fromPartial({ containerId, cmd: ['true'] })))).toMatchObject({
      code: status.FAILED_PRECONDITION,
      errorCode: 'INVALID_STATE',
    });
    expect((await client.resumeContainer({ containerId })).container?.state).toBe(agent.ContainerState.RUNNING);

    const heartbeat = await heartbeats.waitFor('a heartbeat counting the container', (h) => h.serverName === serverName && h.capacity.used === before + 1);
    expect(heartbeat.capacity).toEqual({ used: before + 1, max: 100 });

    const listed = await client.listContainers({ projectId });
    expect(listed.containers).toEqual([
      expect.objectContaining({ containerId, projectId, name: 'e2e', dockerId: created.dockerId, state: agent.ContainerState.RUNNING, hoodyKit: true }),
    ]);
    const stats = await client.stats({ containerId });
    expect(stats).toMatchObject({ memoryLimitBytes: 0.5 * 1024 ** 3, network: { rxBytes: 0, txBytes: 0 } });
    expect(stats.pids).toBeGreaterThan(0);

    const stopped = await client.stopContainer({ containerId });
    expect(stopped.container).toMatchObject({ state: agent.ContainerState.STOPPED, exitCode: 0, finishedAt: expect.any(Object) });
    const died = await events.waitFor('the die event', (e) => e.containerId === containerId && e.action === 'die');
    expect(died).toEqual({ serverName, containerId, projectId, dockerId: created.dockerId, action: 'die', exitCode: 0, at: expect.any(String) });
    expect((await client.inspectContainer({ containerId })).container).toMatchObject({ state: agent.ContainerState.STOPPED, exitCode: 0 });
    expect((await client.startContainer({ containerId })).container?.state).toBe(agent.ContainerState.RUNNING);

    await client.removeContainer({ containerId });
    await events.waitFor('the destroy event', (e) => e.containerId === containerId && e.action === 'destroy');
    expect(existsSync(join(home, 'agent/containers', containerId))).toBe(false);
    expect((await client.inspectContainer({ containerId })).container).toMatchObject({ containerId, dockerId: '', state: agent.ContainerState.MISSING });
    await heartbeats.waitFor('a heartbeat without the container', (h) => h.serverName === serverName && h.capacity.used === before);
  });

  it('answers NOT_FOUND with CONTAINER_NOT_FOUND for an unknown container, INVALID_ARGUMENT for a malformed id', async () => {
    const unknown = newId();
    for (const call of [
      client.startContainer({ containerId: unknown }),
      client.stopContainer({ containerId: unknown }),
      client.pauseContainer({ containerId: unknown }),
      client.removeContainer({ containerId: unknown }),
      client.logs({ containerId: unknown, tail: 0 }),
    ]) {
      expect(await rpcFailure(call)).toEqual({ code: status.NOT_FOUND, errorCode: 'CONTAINER_NOT_FOUND', details: `container ${unknown} not found on this engine` });
    }
    expect(await rpcFailure(client.startContainer({ containerId: 'nope' }))).toMatchObject({ code: status.INVALID_ARGUMENT, errorCode: 'INVALID_ID_FORMAT' });
    expect(await rpcFailure(client.createContainer(agent.CreateContainerRequest.fromPartial({ containerId: newId(), projectId: newId(), name: 'x', cpu: -2 })))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      errorCode: 'VALIDATION_FAILED',
    });
  });

  it('a main process that exits is forwarded as a die event with its exit code', async () => {
    const containerId = newId();
    await client.createContainer(agent.CreateContainerRequest.fromPartial({ containerId, projectId: newId(), name: 'exits', command: ['/bin/sh', '-c', 'exit 3'] }));
    expect(await events.waitFor('the die event', (e) => e.containerId === containerId && e.action === 'die')).toMatchObject({ exitCode: 3 });
    expect((await client.inspectContainer({ containerId })).container).toMatchObject({ state: agent.ContainerState.STOPPED, exitCode: 3 });
    await client.removeContainer({ containerId });
  });

  it('stops cleanly on SIGTERM', async () => {
    const stopping = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(5_000);
    expect(output).not.toMatch(/unclean|Error/);
  });
});
