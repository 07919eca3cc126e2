import { Metadata, status } from '@grpc/grpc-js';
import { projectDecider } from '@hoody/auth-domain';
import { agent, common, ERROR_CODE_METADATA_KEY } from '@hoody/contracts';
import { CommandRejected } from '@hoody/decider';
import { openEmbeddedEventStore, type EventStore } from '@hoody/event-store';
import { createCommandHandler, ProjectionRunner } from '@hoody/eventsourcing';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentClient, AgentClients } from '../agents/agent-clients';
import { SchedulerCommands } from '../commands/scheduler-commands';
import { SchedulerMetrics } from '../metrics';
import { schedulerProjection } from '../read-model/scheduler-projection';
import { SchedulerQueries } from '../read-model/scheduler-queries';
import { PrespawnQueries } from '../read-model/prespawn-queries';
import { PrespawnClaims } from '../prespawn/prespawn-claims';
import { PrespawnStats } from '../prespawn/prespawn-stats';
import { ContainerLifecycle, SYSTEM } from './container-lifecycle';

// The lifecycle against a real store and read model, with a scripted agent: the timing and
// ordering cases an engine makes hard to provoke on purpose.

const newId = () => randomBytes(12).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const info = (containerId: string, state: agent.ContainerState, extra: Partial<agent.ContainerInfo> = {}) =>
  agent.ContainerInfo.fromPartial({ containerId, dockerId: 'd'.repeat(64), state, ...extra });

function agentError(code: status, machineCode?: string, message = 'agent says no'): Error {
  const metadata = new Metadata();
  if (machineCode) metadata.set(ERROR_CODE_METADATA_KEY, machineCode);
  return Object.assign(new Error(message), { code, details: message, metadata });
}

/** The agent's methods the lifecycle calls; each test scripts the ones it needs. */
type Script = Partial<Record<keyof AgentClient, (request: never) => Promise<unknown>>>;

describe('container lifecycle (real store, scripted agent)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoody-lifecycle-'));
  let store: EventStore;
  let db: Database.Database;
  let readModel: ProjectionRunner;
  let queries: SchedulerQueries;
  let commands: SchedulerCommands;
  let script: Script;
  let lifecycle: ContainerLifecycle;
  const user = common.Principal.fromPartial({ userId: newId(), isAdmin: true });
  const projectId = newId();
  const serverId = newId();
  const logs: string[] = [];

  const fakeAgents = {
    for: () =>
      new Proxy({} as AgentClient, {
        get: (_target, method: string) => (request: never) => {
          const handler = script[method as keyof AgentClient];
          if (!handler) return Promise.reject(agentError(status.UNIMPLEMENTED, undefined, `${method} not scripted`));
          return handler(request);
        },
      }),
  } as unknown as AgentClients;

  const transitions = (containerId: string) =>
    queries.statusLogs(containerId, { page: 1, limit: 100, sortBy: 'transition_time', sortOrder: 'asc' }).items.map((l) => `${l.fromStatus ?? '-'}>${l.toStatus} ${l.triggeredBy}`);
  const create = (name: string) =>
    lifecycle.create(
      user,
      {
        projectId,
        serverId,
        name,
        settings: { color: null, autostart: true, environmentVars: {}, comment: null, realmIds: [] },
        spec: { containerImage: '', hoodyKit: false, devKit: false, ramdisk: false, prespawn: false, bypassPrespawn: false, cpu: 0, memory: 0 },
      },
      { principal: `user:${user.userId}` },
    );
  const running = { createContainer: async () => ({ dockerId: 'd'.repeat(64), state: agent.ContainerState.RUNNING, created: true }) };

  beforeAll(async () => {
    store = openEmbeddedEventStore({ path: join(dir, 'events.db') });
    db = new Database(join(dir, 'scheduler.db'));
    readModel = new ProjectionRunner(store, db, schedulerProjection);
    readModel.start();
    queries = new SchedulerQueries(db);
    commands = new SchedulerCommands(store, readModel, { now: () => new Date(), newId });
    const project = await createCommandHandler(store, projectDecider)(`project-${projectId}`, {
      type: 'CreateProject',
      projectId,
      userId: user.userId,
      isDefault: false,
      settings: { alias: 'p', color: null, maxContainers: null, realmIds: [] },
      at: new Date().toISOString(),
    });
    await readModel.waitFor(project.position ?? 0);
    await commands.registerServer(
      {
        serverId,
        name: 'node-1',
        ownerId: user.userId,
        poolId: null,
        agent: { agentUrl: '127.0.0.1:1', specs: { cpuCores: 1, ramGb: 1, diskGb: 1 }, maxContainers: 10 },
        joinToken: null,
        agentSecretHash: null,
      },
      {},
    );
  });

  beforeEach(() => {
    script = {};
    const metrics = new SchedulerMetrics();
    const claims = new PrespawnClaims(commands, new PrespawnQueries(db), new PrespawnStats(metrics), () => undefined);
    lifecycle = new ContainerLifecycle(commands, queries, fakeAgents, claims, { provisionWaitMs: 50, log: (l) => logs.push(l), metrics });
  });

  afterAll(async () => {
    await readModel.stop();
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers creating when the agent outlasts the bounded wait, and finishes in the background', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    script = { createContainer: async () => (await slow, running.createContainer()) };
    const row = await create('slow');
    expect(row.status).toBe('creating');
    release();
    await lifecycle.provision(row.id); // joins the one in flight
    expect(queries.container(row.id)).toMatchObject({ status: 'running', dockerId: 'd'.repeat(64) });
    expect(transitions(row.id)).toEqual([`->creating user:${user.userId}`, 'creating>running system:provisioner']);
  });

  it('leaves a container creating when the agent does not answer, and provisions it again later', async () => {
    script = { createContainer: async () => Promise.reject(agentError(status.UNAVAILABLE)) };
    const row = await create('unreachable');
    expect(queries.container(row.id)?.status).toBe('creating');
    expect(logs.at(-1)).toMatch(/left for reconciliation/);
    script = running;
    await lifecycle.provision(row.id);
    expect(queries.container(row.id)?.status).toBe('running');
  });

  it('records a stop once, even when the engine\'s die event arrives while the stop is in flight', async () => {
    script = running;
    const row = await create('stopping');
    let engineState = agent.ContainerState.RUNNING;
    script = {
      inspectContainer: async () => ({ container: info(row.id, engineState, { exitCode: 0 }) }),
      stopContainer: async () => {
        engineState = agent.ContainerState.STOPPED;
        void lifecycle.observe(row.id, SYSTEM.runtime); // the die event, published before the agent answers
        await sleep(20);
        return { container: info(row.id, engineState, { exitCode: 0 }) };
      },
    };
    expect((await lifecycle.operate(user, row.id, 'stop', {})).status).toBe('stopped');
    await lifecycle.idle();
    expect(transitions(row.id)).toEqual([`->creating user:${user.userId}`, 'creating>running system:provisioner', `running>stopped user:${user.userId}`]);
  });

  it('records an exit it did not ask for as stopped, with the exit code', async () => {
    script = running;
    const row = await create('exiting');
    script = { inspectContainer: async () => ({ container: info(row.id, agent.ContainerState.STOPPED, { exitCode: 3 }) }) };
    await lifecycle.observe(row.id, SYSTEM.runtime);
    expect(queries.container(row.id)).toMatchObject({ status: 'stopped', exitCode: 3 });
    expect(transitions(row.id).at(-1)).toBe('running>stopped system:runtime');
  });

  it('refuses an operation with INVALID_STATE when the engine lost the container, recording it missing', async () => {
    script = running;
    const row = await create('lost');
    script = {
      pauseContainer: async () => Promise.reject(agentError(status.NOT_FOUND, 'CONTAINER_NOT_FOUND', 'container not found on this engine')),
      inspectContainer: async () => ({ container: info(row.id, agent.ContainerState.MISSING, { dockerId: '' }) }),
    };
    const refused = await lifecycle.operate(user, row.id, 'pause', {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CommandRejected);
    expect(refused).toMatchObject({ code: 'INVALID_STATE' });
    expect(queries.container(row.id)).toMatchObject({ status: 'failed', statusReason: expect.stringMatching(/^missing/) });
    // back on the engine (restored): what it shows is recorded again
    script = { inspectContainer: async () => ({ container: info(row.id, agent.ContainerState.RUNNING) }) };
    await lifecycle.observe(row.id, SYSTEM.reconciler);
    expect(queries.container(row.id)).toMatchObject({ status: 'running', statusReason: null });
  });

  it('passes an agent that does not answer on as SERVICE_UNAVAILABLE, recording nothing', async () => {
    script = running;
    const row = await create('flaky');
    script = { restartContainer: async () => Promise.reject(agentError(status.UNAVAILABLE)) };
    const refused = await lifecycle.operate(user, row.id, 'restart', {}).catch((e: unknown) => e);
    expect((refused as { getError(): { code: number } }).getError()).toMatchObject({ code: status.UNAVAILABLE });
    expect(transitions(row.id)).toHaveLength(2);
  });
});
