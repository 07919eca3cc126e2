import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeNotifier } from './change-notifier';

// What another process's commit looks like to this one: a write to the WAL file (seen by inotify),
// and SQLite's data_version moving once the commit is visible, which may be a moment later.
describe('change notifier (real inotify)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoody-notifier-'));
  const db = join(dir, 'events.db');
  let dataVersion = 1;
  let looks = 0;
  let notifier: ChangeNotifier;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeEach(() => {
    looks = 0;
    notifier = new ChangeNotifier(
      db,
      () => {
        looks++;
        return dataVersion;
      },
      10,
    );
  });
  afterEach(() => notifier.close());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('given a waiting subscriber and no writes, it looks a few times a second, not a hundred', async () => {
    const waiting = notifier.waitForChange(notifier.current);
    await sleep(1_000);
    expect(looks).toBeLessThanOrEqual(6);
    notifier.wakeAll();
    await waiting;
  });

  it('given a WAL write whose commit becomes visible only later, then the waiter wakes within milliseconds of it', async () => {
    const waiting = notifier.waitForChange(notifier.current);
    let woke = 0;
    void waiting.then(() => (woke = performance.now()));
    await sleep(300); // past the first safety-net poll: only the hot window can be quick now
    writeFileSync(`${db}-wal`, 'frames'); // inotify reports it; data_version has not moved yet
    await sleep(30);
    const visible = performance.now();
    dataVersion++;
    await waiting;
    expect(woke - visible).toBeLessThan(100);
  });

  it('given a WAL write of a commit already visible, then the waiter wakes at once', async () => {
    const waiting = notifier.waitForChange(notifier.current);
    dataVersion++;
    const written = performance.now();
    writeFileSync(`${db}-wal`, 'frames');
    await waiting;
    expect(performance.now() - written).toBeLessThan(100);
  });
});
