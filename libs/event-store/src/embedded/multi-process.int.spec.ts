import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../port';
import { openEmbeddedEventStore } from './sqlite-event-store';

const WORKERS = 4;
const APPENDS = 1000;

function run(script: string, args: string[], onReady?: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../testing', script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (onReady && out.startsWith('ready\n')) {
        onReady();
        onReady = undefined;
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}: ${err}`))));
  });
}

describe('embedded store shared by several processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoody-mp-'));
  const path = join(dir, 'events.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`given ${WORKERS} processes appending ${APPENDS} events each to overlapping streams, nothing is lost, duplicated or reordered`, async () => {
    // the subscribers start first, so they cross from catch-up to live while the appenders run
    const subscribersReady: Array<Promise<void>> = [];
    const subscribers = [0, 1].map(() => {
      let ready!: () => void;
      subscribersReady.push(new Promise<void>((r) => (ready = r)));
      return run('subscribe-worker.ts', [path, String(WORKERS * APPENDS)], ready);
    });
    await Promise.all(subscribersReady);
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => run('append-worker.ts', [path, String(w), String(APPENDS)])));

    const store = openEmbeddedEventStore({ path });
    const all: RecordedEvent[] = [];
    for await (const e of store.readAll()) all.push(e);
    await store.close();

    // every append landed exactly once
    expect(all).toHaveLength(WORKERS * APPENDS);
    const keys = new Set(all.map((e) => JSON.stringify(e.data)));
    expect(keys.size).toBe(WORKERS * APPENDS);
    expect(new Set(all.map((e) => e.id)).size).toBe(WORKERS * APPENDS);

    // global positions strictly increase; per-stream revisions are contiguous from 0
    for (let i = 1; i < all.length; i++) expect(all[i].position).toBeGreaterThan(all[i - 1].position);
    const revisions = new Map<string, number[]>();
    for (const e of all) revisions.set(e.streamId, [...(revisions.get(e.streamId) ?? []), e.revision]);
    for (const [, revs] of revisions) expect(revs).toEqual(revs.map((_, i) => i));

    // each subscriber, in its own process, saw every event once, in store order
    const expected = all.map((e) => [e.position, e.id]);
    for (const output of await Promise.all(subscribers)) {
      expect(JSON.parse(output.trim().split('\n').pop() ?? 'null')).toEqual(expected);
    }
  }, 120_000);
});
