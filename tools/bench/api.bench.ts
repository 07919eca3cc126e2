/**
 * `npm run bench:api` — the platform as a user starts it (the launcher), on a private Docker engine
 * and NATS server, measured in one run:
 *  - container create through the REST API, p50/p99, against a raw Docker create+start of the same
 *    image and command on the same engine, taken in turn and both left running (the ratio is the
 *    platform's overhead, hoody_kit mounts included);
 *  - authenticated `GET /api/v1/containers` with 100 containers: req/s, p50/p99, the load from a
 *    separate process (keep-alive, 32 in flight); once as clients read (the same list again and
 *    again: the gateway answers from its response cache until the scheduler's read model announces
 *    a change), once with every request a distinct URL (each one goes to the scheduler).
 * Last line: one JSON object of the figures.
 */
import { KEEP_ALIVE_COMMAND } from '@hoody/runtime';
import { runHttpLoad } from '@hoody/test-support';
import { withBenchPlatform } from './bench-platform';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);
const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: +quantile(s, 0.5).toFixed(1), p99: +quantile(s, 0.99).toFixed(1) };
};

function main(): Promise<void> {
  return withBenchPlatform('api', 28000, async ({ base, engine, adminToken, defaultProjectId, serverId, api }) => {
    // Raw Docker (`docker run -d` of the same image and command on the same engine) and the API,
    // sample by sample in turn, both left running: each measure sees the same engine load.
    const raw: number[] = [];
    const created: number[] = [];
    const rawContainers: Array<{ remove(options: object): Promise<unknown> }> = [];
    for (let i = 0; i < SAMPLES; i++) {
      let t0 = performance.now();
      const r = await engine.docker.createContainer({ Image: 'hoody/base:latest', Cmd: [...KEEP_ALIVE_COMMAND], HostConfig: { NetworkMode: 'none' } });
      await r.start();
      raw.push(performance.now() - t0);
      rawContainers.push(r);
      t0 = performance.now();
      const c = await api<{ name: string; status: string }>('POST', `/projects/${defaultProjectId}/containers`, { server_id: serverId, name: `bench-${i}` });
      created.push(performance.now() - t0);
      if (c.status !== 'running') throw new Error(`container ${c.name} is ${c.status}`);
    }
    for (const r of rawContainers) await r.remove({ force: true });
    for (let i = SAMPLES; i < 100; i++) await api('POST', `/projects/${defaultProjectId}/containers`, { server_id: serverId, name: `bench-${i}` });

    const load = (seconds: number, query = '') => runHttpLoad(`${base}/api/v1/containers?limit=20${query}`, { seconds, concurrency: 32, token: adminToken });
    await load(1);
    const reads = await load(5);
    const uncached = await load(5, '&nocache={n}');

    const rawS = summary(raw);
    const apiS = summary(created);
    const figures = {
      samples: SAMPLES,
      raw_docker_create_ms: rawS,
      api_create_ms: apiS,
      create_overhead_p50: +(apiS.p50 / rawS.p50 - 1).toFixed(3),
      list_reads_per_s: reads.rps,
      list_read_ms: { p50: +reads.p50.toFixed(2), p99: +reads.p99.toFixed(2) },
      list_errors: reads.errors,
      uncached_list_reads_per_s: uncached.rps,
      uncached_list_read_ms: { p50: +uncached.p50.toFixed(2), p99: +uncached.p99.toFixed(2) },
      uncached_list_errors: uncached.errors,
    };
    console.log(`raw docker create+start: p50 ${rawS.p50} ms, p99 ${rawS.p99} ms`);
    console.log(`API container create:    p50 ${apiS.p50} ms, p99 ${apiS.p99} ms (overhead ${(figures.create_overhead_p50 * 100).toFixed(1)} % at p50; target ≤ 20 %)`);
    console.log(`GET /api/v1/containers (100 containers, 32 in flight): ${reads.rps} req/s, p50 ${figures.list_read_ms.p50} ms, p99 ${figures.list_read_ms.p99} ms, ${reads.errors} errors (target ≥ 2,000 req/s)`);
    console.log(`  the same, every request a distinct URL (no cache):   ${uncached.rps} req/s, p50 ${figures.uncached_list_read_ms.p50} ms, p99 ${figures.uncached_list_read_ms.p99} ms, ${uncached.errors} errors`);
    console.log(JSON.stringify(figures));
    if (process.env.BENCH_HOLD) {
      console.log(`holding the platform at ${base} (admin token ${adminToken}) for ${process.env.BENCH_HOLD} s`);
      await new Promise((r) => setTimeout(r, Number(process.env.BENCH_HOLD) * 1000));
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
