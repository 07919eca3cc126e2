import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Wakes subscriptions when the log may have grown: at once for this process's own commits, through
 * inotify on the WAL file for other processes' commits, and by a short poll of SQLite's
 * `data_version` (which changes when another connection commits) as a safety net. The poll runs
 * only while someone waits.
 */
export class ChangeNotifier {
  private version = 0;
  private waiters = new Set<() => void>();
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private lastDataVersion: number;

  constructor(
    dbPath: string,
    private readonly dataVersion: () => number,
    private readonly pollIntervalMs: number,
  ) {
    this.lastDataVersion = dataVersion();
    const wal = `${basename(dbPath)}-wal`;
    try {
      this.watcher = watch(dirname(dbPath), { persistent: false }, (_event, file) => {
        if (file === null || file === wal) this.changed();
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No inotify (exotic filesystems): the poll alone still delivers, only later.
    }
  }

  get current(): number {
    return this.version;
  }

  changed(): void {
    this.version++;
    const waiters = [...this.waiters];
    this.waiters.clear();
    this.stopPolling();
    for (const wake of waiters) wake();
  }

  /** Resolves once the version moves past `since` (at once if it already has). */
  waitForChange(since: number): Promise<void> {
    if (this.version !== since) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.add(resolve);
      this.startPolling();
    });
  }

  /** Wakes every waiter without a change, so closed subscriptions can end. */
  wakeAll(): void {
    this.changed();
  }

  close(): void {
    this.watcher?.close();
    this.stopPolling();
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  private startPolling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const v = this.dataVersion();
      if (v !== this.lastDataVersion) {
        this.lastDataVersion = v;
        this.changed();
      }
    }, this.pollIntervalMs); // not unref'd: a waiting subscription keeps its process alive
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
