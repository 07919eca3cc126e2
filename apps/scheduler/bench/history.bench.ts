/**
 * `npm run bench:history` — does what a user asks cost the same on a platform that has seen a long
 * history, and that others use, as on a new one? Two things grow, and neither may be walked:
 *  1. the scheduler's read model keeps deleted containers (their status logs stay readable), and
 *     holds every user's containers. Built through the real projection from events the real
 *     container decider decides, it times the read-model queries of each path (a claim, a cold
 *     create, the pool manager's look, the container lists, a server's and the realms' counts, a
 *     template's status) for one user, before and after HISTORY deleted containers (cold, claimed
 *     warm ones, retired warm ones) and OTHERS other users with OTHERS_LIVE running containers
 *     each. No ANALYZE: the plans are those a read model gets, without statistics;
 *  2. a container's name is a stream of its own in the event store, and a name used again and
 *     again (a webhook handler created and deleted per call) grows it by two events a use. Times a
 *     name's reservation and release on the embedded store, for a new name and for one used
 *     NAME_USES times;
 *  3. a container's own stream grows with every start and stop, for as long as it lives. Times a
 *     stop and a start through the command handler on the embedded store, for a new container and
 *     for one stopped and started STATUS_CHANGES / 2 times before (after the first command of the
 *     process, which folds the stream whole and is timed on its own: once per process and stream).
 *     For the code before the command handler kept folded states, check out 64253b6^ of
 *     libs/eventsourcing/src/command-handler.ts.
 * Target: every path within 2× of its time without history. Last line: one JSON object of the figures.
 */
import { openEmbeddedEventStore } from '@hoody/event-store';
import { createCommandHandler, NameReservations } from '@hoody/eventsourcing';
import { randomUUID } from 'node:crypto';
import { containerDecider, type ContainerCommand, type ContainerSpec } from '@hoody/scheduler-domain';
import { benchReadModel, timePaths } from '@hoody/test-support';
import { join } from 'node:path';
import { PrespawnQueries } from '../src/read-model/prespawn-queries';
import { schedulerProjection } from '../src/read-model/scheduler-projection';
import { SchedulerQueries } from '../src/read-model/scheduler-queries';
import { visibility } from '../src/visibility';

const HISTORY = Number(process.env.BENCH_HISTORY ?? 100_000);
const NAME_USES = Number(process.env.BENCH_NAME_USES ?? 10_000);
const STATUS_CHANGES = Number(process.env.BENCH_STATUS_CHANGES ?? 10_000);
const NEW_CONTAINERS = 3_000;
const OTHERS = 50;
const OTHERS_LIVE = 40;
const LIVE = 10;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);
const RUN_MS = 500;

const readModel = benchReadModel(schedulerProjection);
const { db, apply, home } = readModel;

const at = () => new Date().toISOString();
const member = 'a0000000000000000000000a';
const owner = 'b0000000000000000000000b';
const [projectId, poolId, serverId, templateId] = ['c0000000000000000000000c', 'd0000000000000000000000d', 'e0000000000000000000000e', 'f0000000000000000000000f'];
const spec: ContainerSpec = { containerImage: '', hoodyKit: true, devKit: false, ramdisk: false, prespawn: false, bypassPrespawn: false, cpu: 1, memory: 1 };
const settings = (name: string) => ({ name, color: null, autostart: true, environmentVars: {}, comment: null, realmIds: [] });

// a member of a pool, placing on a server another user owns: every check of a create runs
apply(`user-${member}`, 'UserCreated', { isAdmin: false, createdAt: at() });
apply(`user-${owner}`, 'UserCreated', { isAdmin: true, createdAt: at() });
apply(`project-${projectId}`, 'ProjectCreated', { userId: member, settings: { alias: 'default', maxContainers: null, realmIds: [] }, createdAt: at() });
apply(`pool-${poolId}`, 'PoolCreated', { ownerId: owner, settings: { max_containers_per_member: 1_000_000, max_cpu_per_member: 1_000_000, max_memory_per_member: 1_000_000 } });
apply(`pool-${poolId}`, 'PoolMemberInvited', { userId: member, role: 'user' });
apply(`pool-${poolId}`, 'PoolInvitationAccepted', { userId: member });
apply(`server-${serverId}`, 'ServerRegistered', {
  name: 'bench', ownerId: owner, poolId, agentSecretHash: null, registeredAt: at(),
  agent: { agentUrl: '127.0.0.1:1', specs: {}, maxContainers: 1_000_000 },
});
apply(`template-${templateId}`, 'TemplateCreated', { ownerId: member, defaultForServerId: null, settings: { name: 'bench', minReady: LIVE }, createdAt: at() });

let n = 0;
/** Runs commands on a new container's stream through the decider, applying what it decides. */
function container(commands: Array<(id: string) => ContainerCommand>): void {
  const id = (n++).toString(16).padStart(24, '0');
  let state = containerDecider.initialState;
  for (const command of commands) {
    for (const e of containerDecider.decide(command(id), state)) {
      apply(`container-${id}`, e.type, e.data);
      state = containerDecider.evolve(state, e);
    }
  }
}
const acting = () => ({ triggeredBy: `user:${member}`, at: at() });
const provisioned = () => ({ type: 'RecordContainerProvisioned', dockerId: 'd', observed: 'running', ...acting() }) as const;
const deleted = [() => ({ type: 'DeleteContainer', ...acting() }) as const, () => ({ type: 'RecordContainerDeleted', ...acting() }) as const];
const warm = (id: string) => ({ type: 'RequestWarmContainer', containerId: id, serverId, templateId, generation: 1, spec, environmentVars: {}, ...acting() }) as const;
const cold = (id: string) => ({ type: 'RequestContainer', containerId: id, projectId, serverId, settings: settings(`c-${id}`), spec, ...acting() }) as const;
const claim = (id: string) => ({ type: 'ClaimContainer', projectId, settings: settings(`w-${id}`), ...acting() }) as const;
const retire = () => ({ type: 'RetireWarmContainer', ...acting() }) as const;

for (let i = 0; i < LIVE; i++) container([warm, provisioned]);
for (let i = 0; i < LIVE; i++) container([cold, provisioned]);

/** A claim ends by reading the container it answers with. */
const answered = (n - 1).toString(16).padStart(24, '0');
const queries = new SchedulerQueries(db);
const prespawn = new PrespawnQueries(db);
const caller = { userId: member, isAdmin: false, realmIds: [], allowNoRealm: true, activeRealmId: '', tokenId: '' } as unknown as Parameters<typeof visibility.containers>[0];
const page = { page: 1, limit: 20, sortBy: 'created_at', sortOrder: 'DESC' } as const;
const must = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('the bench server is missing from the read model');
  return value;
};
/** The read-model queries of each path, as the scheduler runs them. */
const paths: Record<string, () => unknown> = {
  claim: () => {
    queries.project(projectId);
    const server = must(queries.server(serverId));
    queries.projectContainerCount(projectId);
    prespawn.claimable(serverId, { ...spec }, member, 8);
    prespawn.template(templateId);
    const limits = queries.memberLimitsOn(server, member);
    if (limits) queries.memberUsage(limits.poolId, member);
    queries.container(answered);
  },
  cold_create: () => {
    queries.project(projectId);
    const server = must(queries.server(serverId));
    queries.projectContainerCount(projectId);
    queries.containerNamed(projectId, 'a-new-name');
    const limits = queries.memberLimitsOn(server, member);
    if (limits) queries.memberUsage(limits.poolId, member);
    prespawn.warmToYield(serverId, []);
    prespawn.memberWarmInYieldOrder(poolId, member);
  },
  pool_manager_look: () => {
    queries.allServers();
    prespawn.liveTemplates();
    prespawn.warmContainers();
  },
  list_project: () => queries.containers(visibility.containers(caller), { includePrespawn: false, projectId, serverId: '', realmId: '' } as never, page as never),
  list_all: () => queries.containers(visibility.containers(caller), { includePrespawn: true, projectId: '', serverId: '', realmId: '' } as never, page as never),
  server_and_realm_counts: () => {
    queries.visibleContainersOn(serverId, visibility.containers(caller));
    queries.containerRealmUsage(visibility.containers(caller));
  },
  template_status: () => {
    prespawn.template(templateId);
    queries.allServers();
  },
};
const time = () => timePaths(paths, { samples: SAMPLES, runMs: RUN_MS });

/** A name's reservation and release, as a create and a delete make them, for a new name and for one used NAME_USES times. */
async function nameReuse(): Promise<{ fresh: number; used: number; buildS: number }> {
  const store = openEmbeddedEventStore({ path: join(home, 'events.db') });
  const names = new NameReservations(store, { holderStream: (id) => `container-${id}`, holds: async () => true, now: () => new Date() });
  const used = 'name-bench-used';
  const t0 = performance.now();
  for (let i = 0; i < NAME_USES; i += 500) {
    const events = [];
    for (let k = i; k < Math.min(NAME_USES, i + 500); k++) {
      events.push({ id: randomUUID(), type: 'NameReserved', data: { ownerId: `c${k}`, at: at() } }, { id: randomUUID(), type: 'NameReleased', data: { ownerId: `c${k}`, at: at() } });
    }
    await store.append(used, events);
  }
  const buildS = (performance.now() - t0) / 1000;
  const cycle = async (stream: (i: number) => string, i: number) => {
    await names.reserve(stream(i), `holder-${i}`);
    await names.release(stream(i), `holder-${i}`);
  };
  const timed = async (stream: (i: number) => string) => {
    for (let i = 0; i < 20; i++) await cycle(stream, i);
    const start = performance.now();
    for (let i = 0; i < SAMPLES; i++) await cycle(stream, i);
    return +((performance.now() - start) / SAMPLES).toFixed(4);
  };
  const fresh = await timed((i) => `name-bench-new-${i}`);
  const usedMs = await timed(() => used);
  await store.close();
  return { fresh, used: usedMs, buildS };
}

/** A stop and a start through the command handler, on a new container and on one with STATUS_CHANGES status changes behind it. */
async function longContainer(): Promise<{ fresh: number; longFirst: number; longAfter: number; buildS: number }> {
  const path = join(home, 'containers.db');
  let store = openEmbeddedEventStore({ path });
  const write = async (id: string, commands: Array<(id: string) => ContainerCommand>) => {
    let state = containerDecider.initialState;
    const events = [];
    for (const command of commands) {
      for (const e of containerDecider.decide(command(id), state)) {
        events.push({ id: randomUUID(), type: e.type, data: e.data });
        state = containerDecider.evolve(state, e);
      }
    }
    for (let i = 0; i < events.length; i += 500) await store.append(`container-${id}`, events.slice(i, i + 500));
  };
  const stop = () => ({ type: 'StopContainer', ...acting() }) as const;
  const start = () => ({ type: 'StartContainer', ...acting() }) as const;
  const t0 = performance.now();
  await write('long', [cold, provisioned, ...Array.from({ length: STATUS_CHANGES / 2 }, () => [stop, start]).flat()]);
  const buildS = (performance.now() - t0) / 1000;
  // each sample of a new container on one not commanded before (a few events, as a new one has)
  for (let i = 0; i < NEW_CONTAINERS; i++) await write(`new-${i}`, [cold, provisioned]);
  const cycle = async (id: string) => {
    const handle = createCommandHandler(store, containerDecider);
    await handle(`container-${id}`, stop());
    await handle(`container-${id}`, start());
  };
  const timed = async (next: (i: number) => string) => {
    for (let i = 0; i < 20; i++) await cycle(next(i));
    const began = performance.now();
    let runs = 0;
    while ((runs < SAMPLES || performance.now() - began < RUN_MS) && runs < NEW_CONTAINERS - 20) await cycle(next(20 + runs++));
    return +((performance.now() - began) / runs).toFixed(4);
  };
  const fresh = await timed((i) => `new-${i}`);
  const longAfter = await timed(() => 'long');
  // a process's first command on it (a stop): a store opened anew has folded nothing yet
  const firsts: number[] = [];
  for (let i = 0; i < 5; i++) {
    await store.close();
    store = openEmbeddedEventStore({ path });
    const handle = createCommandHandler(store, containerDecider);
    const began = performance.now();
    await handle('container-long', stop());
    firsts.push(performance.now() - began);
    await handle('container-long', start());
  }
  await store.close();
  const longFirst = +firsts.sort((a, b) => a - b)[2].toFixed(4);
  return { fresh, longFirst, longAfter, buildS };
}

async function main(): Promise<void> {
  const fresh = time();
  const built = performance.now();
  db.transaction(() => {
    for (let i = 0; i < HISTORY; i++) {
      if (i % 3 === 0) container([cold, provisioned, ...deleted]);
      else if (i % 3 === 1) container([warm, provisioned, claim, ...deleted]);
      else container([warm, provisioned, retire, deleted[1]]);
    }
    for (let u = 0; u < OTHERS; u++) {
      const [user, project] = [`1${u}`.padStart(24, '0'), `2${u}`.padStart(24, '0')];
      apply(`user-${user}`, 'UserCreated', { isAdmin: false, createdAt: at() });
      apply(`project-${project}`, 'ProjectCreated', { userId: user, settings: { alias: 'default', maxContainers: null, realmIds: [] }, createdAt: at() });
      const theirs = (id: string) => ({ type: 'RequestContainer', containerId: id, projectId: project, serverId, settings: settings(`o-${id}`), spec, triggeredBy: `user:${user}`, at: at() }) as const;
      for (let i = 0; i < OTHERS_LIVE; i++) container([theirs, provisioned]);
    }
  })();
  const buildS = (performance.now() - built) / 1000;
  const long = time();
  db.close();
  const name = await nameReuse();
  const commanded = await longContainer();
  readModel.remove();

  const mark = (ratio: number) => (ratio <= 2 ? '✓' : '✗ (target ≤ 2×)');
  console.log(
    `read model: ${HISTORY} deleted containers (cold, claimed, retired warm) and ${OTHERS} other users with ${OTHERS_LIVE} running each, built through the projection in ${buildS.toFixed(1)} s; the user's own: ${LIVE} warm ready and ${LIVE} running`,
  );
  const ratios: Record<string, number> = {};
  for (const path of Object.keys(paths)) {
    ratios[path] = +(long[path] / fresh[path]).toFixed(2);
    console.log(`  ${path.padEnd(18)} new server ${fresh[path].toFixed(3)} ms, after the history ${long[path].toFixed(3)} ms: ${ratios[path]}× ${mark(ratios[path])}`);
  }
  const nameRatio = +(name.used / name.fresh).toFixed(2);
  console.log(`a container's name reserved and released: a new name ${name.fresh.toFixed(3)} ms, a name used ${NAME_USES} times before (${2 * NAME_USES} events, appended in ${name.buildS.toFixed(1)} s) ${name.used.toFixed(3)} ms: ${nameRatio}× ${mark(nameRatio)}`);
  const longRatio = +(commanded.longAfter / commanded.fresh).toFixed(2);
  console.log(
    `a container stopped and started: a new one ${commanded.fresh.toFixed(3)} ms; one with ${STATUS_CHANGES} status changes before (appended in ${commanded.buildS.toFixed(1)} s) ${commanded.longAfter.toFixed(3)} ms: ${longRatio}× ${mark(longRatio)}; ` +
      `its first command in a process (a stop), which folds the stream whole, ${commanded.longFirst.toFixed(3)} ms: paid once per process and stream, not within the target`,
  );
  console.log(
    JSON.stringify({
      long_container: { status_changes: STATUS_CHANGES, new_ms: commanded.fresh, long_ms: commanded.longAfter, long_first_in_process_ms: commanded.longFirst, ratio: longRatio },
      read_model: { history: HISTORY, others: OTHERS, others_live: OTHERS_LIVE, live: LIVE, new_server_ms: fresh, after_history_ms: long, ratio: ratios },
      name_reuse: { uses: NAME_USES, new_name_ms: name.fresh, used_name_ms: name.used, ratio: nameRatio },
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
