/**
 * npm run bench:store — figures for the embedded event store on this machine.
 * Prints one line per figure, then one JSON object of them all as the last line.
 * HOODY_STORE_DURABILITY=power measures with an fsync per commit.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedEventStore, type Durability, type EventStore } from '../src';

const durability = (process.env.HOODY_STORE_DURABILITY ?? 'process') as Durability;
const dir = mkdtempSync(join(tmpdir(), 'hoody-bench-'));
let fileNo = 0;
const freshStore = () => openEmbeddedEventStore({ path: join(dir, `bench-${fileNo++}.db`), durability });
const event = (i: number) => ({ type: 'BenchEventHappened', data: { i, payload: 'x'.repeat(100) } });
const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function sequentialSingles(n: number): Promise<number> {
  const store = freshStore();
  const ms = await timed(async () => {
    for (let i = 0; i < n; i++) await store.append(`seq-${i % 100}`, [event(i)]);
  });
  await store.close();
  return perSecond(n, ms);
}

async function batchesOf100(batches: number): Promise<number> {
  const store = freshStore();
  const ms = await timed(async () => {
    for (let b = 0; b < batches; b++) await store.append(`batch-${b % 100}`, Array.from({ length: 100 }, (_, i) => event(i)));
  });
  await store.close();
  return perSecond(batches * 100, ms);
}

async function concurrentAppenders(appenders: number, each: number): Promise<number> {
  const store = freshStore();
  const ms = await timed(async () => {
    await Promise.all(
      Array.from({ length: appenders }, async (_, a) => {
        for (let i = 0; i < each; i++) await store.append(`conc-${a}`, [event(i)], { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
      }),
    );
  });
  await store.close();
  return perSecond(appenders * each, ms);
}

async function replay(total: number): Promise<number> {
  const path = join(dir, `replay.db`);
  const writer = openEmbeddedEventStore({ path, durability });
  for (let b = 0; b < total / 1000; b++) await writer.append(`replay-${b % 500}`, Array.from({ length: 1000 }, (_, i) => event(i)));
  await writer.close();
  const reader: EventStore = openEmbeddedEventStore({ path, durability });
  let count = 0;
  const ms = await timed(async () => {
    for await (const e of reader.readAll()) if (e.position) count++;
  });
  await reader.close();
  if (count !== total) throw new Error(`replayed ${count} of ${total}`);
  return perSecond(total, ms);
}

async function crossProcessLag(count: number): Promise<{ p50: number; p99: number }> {
  const path = join(dir, 'lag.db');
  const store = openEmbeddedEventStore({ path, durability });
  await store.append('lag-init', [event(0)]);
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'lag-subscriber.ts'), path, String(count)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const ready = new Promise<void>((resolve) => child.stdout.on('data', (d) => (out += d).startsWith('ready\n') && resolve()));
  const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await ready;
  for (let i = 0; i < count; i++) {
    await store.append(`lag-${i % 10}`, [{ id: randomUUID(), type: 'Pinged', data: { sentAt: performance.timeOrigin + performance.now() } }]);
    await new Promise((r) => setTimeout(r, 2));
  }
  await done;
  await store.close();
  const lags = (JSON.parse(out.trim().split('\n').pop() ?? '[]') as number[]).sort((a, b) => a - b);
  return { p50: +percentile(lags, 50).toFixed(2), p99: +percentile(lags, 99).toFixed(2) };
}

async function main(): Promise<void> {
  console.log(`embedded event store, durability=${durability} (${durability === 'power' ? 'synchronous=FULL' : 'synchronous=NORMAL'}, WAL)`);
  const figures = {
    durability,
    sequential_single_appends_per_s: await sequentialSingles(10_000),
    batch_100_events_per_s: await batchesOf100(500),
    concurrent_8_appenders_events_per_s: await concurrentAppenders(8, 2_500),
    replay_100k_events_per_s: await replay(100_000),
    subscription_lag_ms: await crossProcessLag(1_000),
  };
  const targets = [
    ['sequential single appends/s', figures.sequential_single_appends_per_s, 5_000],
    ['events/s in batches of 100', figures.batch_100_events_per_s, null],
    ['events/s from 8 concurrent appenders', figures.concurrent_8_appenders_events_per_s, 20_000],
    ['readAll replay of 100,000 events, events/s', figures.replay_100k_events_per_s, 100_000],
  ] as const;
  for (const [name, value, target] of targets) {
    console.log(`${name}: ${value}${target ? ` (target ≥ ${target}, ratio ${(value / target).toFixed(2)})` : ''}`);
  }
  console.log(`subscription lag across processes: p50 ${figures.subscription_lag_ms.p50} ms, p99 ${figures.subscription_lag_ms.p99} ms (target p99 ≤ 10 ms)`);
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(figures));
}

void main();
