/**
 * `npm run bench:prespawn` — prespawn against cold creates, through the REST API of the platform as
 * a user starts it (the launcher), on a private Docker engine and NATS server, in one run:
 *  1. cold create (`bypass_prespawn`), p50/p99, and create-to-first-exec (create, then
 *     `POST /containers/{id}/exec` of `true`); each sample's container is deleted afterwards,
 *     untimed (here and in 2: a server holds 100 containers);
 *  0. the engine's own exec (dockerode, `true` in a base container): the floor of any exec;
 *  2. the same served from a template's pool (each sample waits, untimed, until the pool is full and
 *     nothing is being warmed, as quiet as for a cold sample): the claim, and create-to-first-exec
 *     (the refill the claim starts runs during that exec); the ratio cold / claim at p50; and, in
 *     the same conditions, the floor of any call that reaches the scheduler through the REST API
 *     (`GET /servers/{id}`: the client, the gateway, one gRPC round trip, a read): what a claim
 *     costs beyond it is the claim's own; and the claim as the scheduler measures it (the
 *     template's status: choosing a warm container, the write, the read model);
 *  3. a burst of 50 concurrent creates against `min_ready: 10`: hit rate, and the time from the
 *     burst until 10 are ready again;
 *  4. the refill capacity on its own (10 claimed while the template is paused, then resumed: the
 *     time until 10 are ready again), and a steady claim rate at half of it for BENCH_STEADY_S
 *     seconds: hit rate.
 * Targets: claim p50 ≤ 5 ms, p99 ≤ 25 ms, ≥ 50× faster than cold; create-to-first-exec p50 ≤ 60 ms
 * on a hit; steady hit rate ≥ 99 %. Last line: one JSON object of the figures.
 */
import { KEEP_ALIVE_COMMAND } from '@hoody/runtime';
import { withBenchPlatform } from './bench-platform';

/** A p99 needs a hundred samples: of 30, it is the slowest one. */
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const BURST = 50;
const MIN_READY = 10;
const STEADY_S = Number(process.env.BENCH_STEADY_S ?? 30);

/** Nearest rank: the smallest sample that p of them do not exceed. */
const quantile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: +quantile(s, 0.5).toFixed(2), p99: +quantile(s, 0.99).toFixed(2) };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Created {
  id: string;
  status: string;
  prespawn: boolean;
}

function main(): Promise<void> {
  return withBenchPlatform('prespawn', 28200, async (platform) => {
    const { api, request, defaultProjectId, serverId, engine } = platform;
    let n = 0;
    const create = (extra: object = {}) => api<Created>('POST', `/projects/${defaultProjectId}/containers`, { server_id: serverId, name: `b-${n++}`, ...extra });
    const exec = async (id: string) => {
      const r = await api<{ exit_code: number }>('POST', `/containers/${id}/exec`, { cmd: ['true'] });
      if (r.exit_code !== 0) throw new Error(`exec in ${id} exited ${r.exit_code}`);
    };
    const removeClaimed = async () => {
      for (;;) {
        const { containers } = await api<{ containers: Array<{ id: string }> }>('GET', '/containers?limit=100');
        if (containers.length === 0) return;
        for (const c of containers) await request('DELETE', `/containers/${c.id}`);
      }
    };

    // 0. the engine's own exec, the floor of any exec through the platform
    const probe = await engine.docker.createContainer({ Image: 'hoody/base:latest', Cmd: [...KEEP_ALIVE_COMMAND], HostConfig: { NetworkMode: 'none' } });
    await probe.start();
    const rawExec: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now();
      const e = await probe.exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true });
      const stream = await e.start({ hijack: true, stdin: false });
      await new Promise((r) => stream.on('end', r).resume());
      if ((await e.inspect()).ExitCode !== 0) throw new Error('raw exec failed');
      rawExec.push(performance.now() - t0);
    }
    await probe.remove({ force: true });

    // 1. cold
    const coldCreate: number[] = [];
    const coldToExec: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now();
      const c = await create({ bypass_prespawn: true });
      coldCreate.push(performance.now() - t0);
      if (c.status !== 'running' || c.prespawn) throw new Error(`cold create gave ${c.status}, prespawn ${c.prespawn}`);
      await exec(c.id);
      coldToExec.push(performance.now() - t0);
      await api('DELETE', `/containers/${c.id}`); // untimed; the server holds 100 containers
    }
    await removeClaimed();

    // 2. claims, one at a time, each with a ready container waiting
    const template = await api<{ id: string }>('POST', '/prespawn/templates', { name: 'bench', server_ids: [serverId], min_ready: MIN_READY, max_ready: BURST });
    const status = () => api<{ ready: number; warming: number; hits: number; misses: number; claim_latency_ms: { p50: number; p99: number } }>('GET', `/prespawn/templates/${template.id}/status`);
    const readyAtLeast = async (k: number) => {
      while ((await status()).ready < k) await sleep(20);
    };
    /** The pool full and nothing being warmed: the engine is as quiet as for a cold sample. */
    const atRest = async () => {
      for (;;) {
        const s = await status();
        if (s.ready >= MIN_READY && s.warming === 0) return;
        await sleep(20);
      }
    };
    await readyAtLeast(MIN_READY);
    const floor: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      await atRest();
      const t0 = performance.now();
      await api('GET', `/servers/${serverId}`);
      floor.push(performance.now() - t0);
    }
    const claim: number[] = [];
    const claimToExec: number[] = [];
    let claimMisses = 0;
    for (let i = 0; i < SAMPLES; i++) {
      await atRest();
      const t0 = performance.now();
      const c = await create();
      claim.push(performance.now() - t0);
      if (!c.prespawn) claimMisses++;
      await exec(c.id);
      claimToExec.push(performance.now() - t0);
      await api('DELETE', `/containers/${c.id}`);
    }
    // The scheduler's own measure of these claims (the template's status): from choosing a warm
    // container until the claim is written and in the read model.
    const inScheduler = (await status()).claim_latency_ms;
    await removeClaimed();

    // 3. a burst of 50 against min_ready 10, the pool at rest
    await sleep(1_000);
    await readyAtLeast(MIN_READY);
    const before = await status();
    const burstStart = performance.now();
    const burst = await Promise.all(Array.from({ length: BURST }, () => create()));
    const burstMs = performance.now() - burstStart;
    const burstHits = burst.filter((c) => c.prespawn).length;
    await readyAtLeast(MIN_READY);
    const refillMs = performance.now() - burstStart;
    await removeClaimed();

    // 4. the refill capacity on its own (the pool emptied while paused, then resumed), and a steady
    // claim rate at half of it
    await readyAtLeast(MIN_READY);
    await api('POST', `/prespawn/templates/${template.id}/pause`);
    for (let i = 0; i < MIN_READY; i++) await create();
    await api('POST', `/prespawn/templates/${template.id}/resume`);
    const resumed = performance.now();
    await readyAtLeast(MIN_READY);
    const pureRefillMs = performance.now() - resumed;
    await removeClaimed();
    const capacityPerS = MIN_READY / (pureRefillMs / 1000);
    const rate = capacityPerS / 2;
    await sleep(DEMAND_SETTLE_MS);
    await readyAtLeast(MIN_READY);
    const steady = await steadyClaims(create, rate, STEADY_S);
    await removeClaimed();

    const coldS = summary(coldCreate);
    const claimS = summary(claim);
    const floorS = summary(floor);
    const figures = {
      samples: SAMPLES,
      raw_docker_exec_ms: summary(rawExec),
      cold_create_ms: coldS,
      cold_create_to_first_exec_ms: summary(coldToExec),
      claim_ms: claimS,
      rest_floor_ms: floorS,
      claim_over_floor_p50_ms: +(claimS.p50 - floorS.p50).toFixed(2),
      claim_in_scheduler_ms: { p50: +inScheduler.p50.toFixed(2), p99: +inScheduler.p99.toFixed(2) },
      claim_misses: claimMisses,
      claim_create_to_first_exec_ms: summary(claimToExec),
      cold_over_claim_p50: +(coldS.p50 / claimS.p50).toFixed(1),
      burst: { creates: BURST, min_ready: MIN_READY, ready_before: before.ready, hits: burstHits, hit_rate: +(burstHits / BURST).toFixed(3), all_answered_ms: +burstMs.toFixed(0), refilled_ms: +refillMs.toFixed(0) },
      refill: { containers: MIN_READY, ms: +pureRefillMs.toFixed(0), per_s: +capacityPerS.toFixed(2) },
      steady: { claims_per_s: +rate.toFixed(2), seconds: STEADY_S, creates: steady.creates, hits: steady.hits, hit_rate: +(steady.hits / steady.creates).toFixed(4) },
    };
    console.log(`raw docker exec of true (the floor): p50 ${figures.raw_docker_exec_ms.p50} ms, p99 ${figures.raw_docker_exec_ms.p99} ms`);
    console.log(`cold create (bypass_prespawn):      p50 ${coldS.p50} ms, p99 ${coldS.p99} ms; create-to-first-exec p50 ${figures.cold_create_to_first_exec_ms.p50} ms`);
    console.log(`prespawned claim:                   p50 ${claimS.p50} ms, p99 ${claimS.p99} ms (targets ≤ 5 / ≤ 25 ms); ${claimMisses} misses`);
    console.log(`  floor of any call to the scheduler through REST (GET /servers/{id}), same conditions: p50 ${floorS.p50} ms, p99 ${floorS.p99} ms; the claim's own cost at p50: ${figures.claim_over_floor_p50_ms} ms`);
    console.log(`  the claim as the scheduler measures it (template status): p50 ${inScheduler.p50.toFixed(2)} ms, p99 ${inScheduler.p99.toFixed(2)} ms`);
    console.log(`  create-to-first-exec on a hit:    p50 ${figures.claim_create_to_first_exec_ms.p50} ms, p99 ${figures.claim_create_to_first_exec_ms.p99} ms (target p50 ≤ 60 ms)`);
    console.log(`  cold / claim at p50:              ${figures.cold_over_claim_p50}× (target ≥ 50×)`);
    console.log(`burst of ${BURST} against min_ready ${MIN_READY}:   ${burstHits} hits (${(figures.burst.hit_rate * 100).toFixed(0)} %), all answered in ${figures.burst.all_answered_ms} ms, ${MIN_READY} ready again after ${figures.burst.refilled_ms} ms`);
    console.log(`refill of ${MIN_READY} on its own:          ${figures.refill.ms} ms (${figures.refill.per_s} containers/s)`);
    console.log(`steady ${figures.steady.claims_per_s} claims/s for ${STEADY_S} s:       ${steady.hits}/${steady.creates} hits (${(figures.steady.hit_rate * 100).toFixed(2)} %; target ≥ 99 %)`);
    console.log(JSON.stringify(figures));
  });
}

/** Lets the burst's claims leave the pool manager's demand window, so the steady phase starts from min_ready. */
const DEMAND_SETTLE_MS = 31_000;

async function steadyClaims(create: () => Promise<Created>, perSecond: number, seconds: number): Promise<{ creates: number; hits: number }> {
  const interval = 1000 / perSecond;
  const start = performance.now();
  const pending: Array<Promise<Created>> = [];
  for (let i = 0; performance.now() - start < seconds * 1000; i++) {
    pending.push(create());
    const next = start + (i + 1) * interval;
    await sleep(Math.max(0, next - performance.now()));
  }
  const all = await Promise.all(pending);
  return { creates: all.length, hits: all.filter((c) => c.prespawn).length };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
