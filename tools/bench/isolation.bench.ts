/**
 * `npm run bench:isolation` — does answering "not found" about another realm's resource take
 * longer or shorter than about an id that never existed? The platform as the launcher starts it, on
 * a private Docker engine and NATS server; a token restricted to realm B asks, in strict
 * alternation, for realm A's container and for fresh random ids (`GET /api/v1/containers/{id}` and
 * `POST /api/v1/containers/{id}/stop`), one request at a time. Prints p50/p99 of each and their
 * difference; last line: one JSON object of the figures.
 */
import { randomBytes } from 'node:crypto';
import { withBenchPlatform } from './bench-platform';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400);
const hex24 = () => randomBytes(12).toString('hex');
const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const summary = (xs: number[]) => ({ p50: +quantile(xs, 0.5).toFixed(3), p99: +quantile(xs, 0.99).toFixed(3) });

function main(): Promise<void> {
  return withBenchPlatform('isolation', 28100, async ({ serverId, request, api }) => {
    const realmA = hex24();
    const realmB = hex24();
    const project = (await api<{ id: string }>('POST', '/projects', { alias: 'realm-a', realm_ids: [realmA] })).id;
    const container = (await api<{ id: string }>('POST', `/projects/${project}/containers`, { server_id: serverId, name: 'in-a', realm_ids: [realmA] })).id;
    const stranger = (await api<{ token: string }>('POST', '/auth/tokens', { alias: 'b', realm_ids: [realmB], allow_no_realm: true })).token;

    const timed = async (method: string, path: string) => {
      const t0 = performance.now();
      const { status } = await request(method, path, undefined, stranger);
      if (status !== 404) throw new Error(`${method} ${path}: ${status}, not 404`);
      return performance.now() - t0;
    };
    const figures: Record<string, unknown> = { samples: SAMPLES };
    for (const [name, method, suffix] of [['get', 'GET', ''], ['stop', 'POST', '/stop']] as const) {
      for (let i = 0; i < 20; i++) await timed(method, `/containers/${hex24()}${suffix}`); // warm-up
      const other: number[] = [];
      const never: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        other.push(await timed(method, `/containers/${container}${suffix}`));
        never.push(await timed(method, `/containers/${hex24()}${suffix}`));
      }
      const a = summary(other);
      const b = summary(never);
      figures[name] = { other_realm_ms: a, never_existed_ms: b, p50_difference_ms: +(a.p50 - b.p50).toFixed(3) };
      console.log(`${method} /containers/{id}${suffix} as a realm-B token: another realm's container p50 ${a.p50} ms p99 ${a.p99} ms; an id that never existed p50 ${b.p50} ms p99 ${b.p99} ms (difference at p50 ${(a.p50 - b.p50).toFixed(3)} ms)`);
    }
    console.log(JSON.stringify(figures));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
