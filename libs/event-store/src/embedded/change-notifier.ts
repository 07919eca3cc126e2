import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** How long after a sign of another process's write the poll stays fast (its commit may not be visible yet). */
const HOT_WINDOW_MS = 200;
/** The poll's pace otherwise, while inotify watches: a safety net only. */
const SAFETY_NET_MS = 250;

/**
 * Wakes subscriptions when the log may have grown: at once for this process's own commits, and for
 * other processes' commits by SQLite's `data_version` (which changes when another connection
 * commits), read when inotify reports a write to the WAL file and by a poll while someone waits.
 *
 * inotify sees the WAL frames being written, a moment before the commit becomes visible, so a
 * report is no proof of a commit: after each one the poll runs every `pollIntervalMs` for a short
 * window, which catches a commit that became visible just after. Outside that window, and with
 * inotify working, the poll only runs as a safety net, so an idle process does not wake 100 times a
 * second. Without inotify (exotic filesystems) the poll always runs at `pollIntervalMs`.
 */
export class ChangeNotifier {
  private version = 0;
  private waiters = new Set<() => void>();
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private timerFast = false;
  private lastDataVersion: number;
  private hotUntil = 0;

  constructor(
    dbPath: string,
    private readonly dataVersion: () => number,
    private readonly pollIntervalMs: number,
  ) {
    this.lastDataVersion = dataVersion();
    const wal = `${basename(dbPath)}-wal`;
    try {
      this.watcher = watch(dirname(dbPath), { persistent: false }, (_event, file) => {
        if (file === null || file === wal) this.walWritten();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      // No inotify: the poll alone delivers, at its fast pace.
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
      this.schedulePoll();
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

  /** Another process's commit, or this process's own (already announced by `changed`), or one on its way. */
  private walWritten(): void {
    this.hotUntil = performance.now() + HOT_WINDOW_MS;
    if (!this.otherCommitted() && this.waiters.size > 0) this.schedulePoll();
  }

  /** Wakes the waiters if another connection committed since the last look. */
  private otherCommitted(): boolean {
    const v = this.dataVersion();
    if (v === this.lastDataVersion) return false;
    this.lastDataVersion = v;
    this.changed();
    return true;
  }

  /** Polls soon: at the fast pace when it is due, without pushing back a poll already that near. */
  private schedulePoll(): void {
    const fast = !this.watcher || performance.now() < this.hotUntil;
    if (this.timer && (this.timerFast || !fast)) return;
    this.stopPolling();
    this.timerFast = fast;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.otherCommitted() && this.waiters.size > 0) this.schedulePoll();
    }, fast ? this.pollIntervalMs : SAFETY_NET_MS); // not unref'd: a waiting subscription keeps its process alive
  }

  private stopPolling(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
