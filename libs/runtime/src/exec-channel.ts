import { randomBytes } from 'node:crypto';
import { constants, watch } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecResult } from './docker-client';
import { ExecTimeoutError } from './errors';

/**
 * The kit's exec channel: a faster `exec` than the engine's for containers with the Hoody Kit.
 *
 * An engine exec goes dockerd → containerd → shim → runc, some 60-70 ms on a small machine before
 * the command runs at all. Instead, the kit container's main shell runs a dispatcher in the
 * background (EXEC_DISPATCHER) that owns a FIFO in the kit's `run` directory (`/hoody/run` inside,
 * a bind mount of `<kit>/run`). To run a command the agent writes a shell script of it there
 * (argv and environment single-quoted), names it on the FIFO, and waits for its exit code; the
 * dispatcher starts it with the container's own shell, as the container's user, in its working
 * directory, with its environment: what an engine exec would run, a fork away.
 *
 * The directory is the container's to change, so the agent (root on the host) trusts nothing it
 * finds there: it creates its files with O_EXCL and O_NOFOLLOW, reads results with O_NOFOLLOW
 * from regular files only, at most OUTPUT_LIMIT bytes each, and writes to the FIFO only after
 * checking it is one. Whenever the channel is not there or not answering (a container from before
 * the channel, an image without /bin/sh or mkfifo, a dispatcher killed from inside, a paused
 * container), the request is withdrawn before the dispatcher takes it and the caller falls back to
 * the engine's exec: a command never runs twice.
 */

/** Where the channel appears inside a kit container. */
export const KIT_RUN_PATH = '/hoody/run';

const REQUESTS = 'requests';
/** A request the dispatcher has not taken by then is withdrawn, and exec falls back to the engine. */
const PICKUP_MS = 2_000;
/** stdout and stderr are cut at this size (each). */
const OUTPUT_LIMIT = 16 * 1024 ** 2;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The dispatcher, run in the background by a kit container's main shell. A request id is taken by
 * renaming its script (`<id>.sh` → `<id>.run`), so a request withdrawn at the same moment is either
 * taken or withdrawn, never both. The exit code file appears by rename, complete.
 */
export const EXEC_DISPATCHER = [
  `R=${KIT_RUN_PATH}`,
  // an image without these keeps the engine's exec (no FIFO: the agent falls back at once)
  'command -v mkfifo >/dev/null && command -v mv >/dev/null || exit 0',
  `rm -f $R/${REQUESTS}`,
  `mkfifo -m 600 $R/${REQUESTS} || exit 0`,
  `exec 3<>$R/${REQUESTS}`,
  'while read -r id <&3; do',
  "  case $id in ''|*[!0-9a-f]*) continue;; esac",
  '  mv "$R/$id.sh" "$R/$id.run" 2>/dev/null || continue',
  '  ( sh "$R/$id.run" >"$R/$id.out" 2>"$R/$id.err" </dev/null; echo $? >"$R/$id.rc.tmp"; mv -f "$R/$id.rc.tmp" "$R/$id.rc" ) &',
  'done',
].join('\n');

/** Single-quoted for sh: any bytes but NUL, taken literally. */
const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** The script the dispatcher runs for one exec: the environment exported, then the command exec'd. */
export function execScript(cmd: string[], env: Record<string, string> = {}): string {
  const exports = Object.entries(env).map(([name, value]) => `export ${name}=${quote(value)}\n`);
  return `${exports.join('')}exec ${cmd.map(quote).join(' ')}\n`;
}

/** Whether the channel can carry this exec at all (argv and names a script can hold). */
function carries(cmd: string[], env: Record<string, string>): boolean {
  return cmd.every((a) => !a.includes('\0')) && Object.entries(env).every(([k, v]) => ENV_NAME.test(k) && !v.includes('\0'));
}

/**
 * Runs `cmd` through the channel in `runDir` (the host side of `/hoody/run`). Undefined when the
 * channel cannot take it (the caller uses the engine's exec); ExecTimeoutError after `timeoutMs`
 * (the process may keep running, as with the engine's exec).
 */
export async function execThroughChannel(runDir: string, cmd: string[], env: Record<string, string>, timeoutMs: number): Promise<ExecResult | undefined> {
  if (!carries(cmd, env)) return undefined;
  const fifo = await open(join(runDir, REQUESTS), constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW).catch(() => undefined);
  if (!fifo) return undefined; // no channel, or no dispatcher reading it (ENXIO)
  const id = randomBytes(12).toString('hex');
  const path = (suffix: string) => join(runDir, `${id}.${suffix}`);
  try {
    if (!(await fifo.stat()).isFIFO()) return undefined;
    const script = await open(path('sh'), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644).catch(() => undefined);
    if (!script) return undefined;
    try {
      await script.writeFile(execScript(cmd, env));
    } finally {
      await script.close();
    }
    const done = exitFile(runDir, `${id}.rc`, () => dispatcherAlive(runDir));
    const started = Date.now();
    let outcome: 'exited' | 'gone' | 'waiting';
    try {
      await fifo.write(`${id}\n`);
      outcome = await done.within(Math.min(PICKUP_MS, timeoutMs));
      if (outcome !== 'exited') {
        // Not taken yet: withdraw it; if the dispatcher took it meanwhile, it runs and is waited for.
        const withdrawn = await rename(path('sh'), path('withdrawn')).then(
          () => true,
          () => false,
        );
        if (withdrawn) return undefined;
        if (outcome === 'waiting') outcome = await done.within(timeoutMs - (Date.now() - started));
        if (outcome === 'waiting') throw new ExecTimeoutError(cmd, timeoutMs);
      }
    } finally {
      done.close();
    }
    const [rc, stdout, stderr] = await Promise.all([readResult(path('rc'), 64), readResult(path('out'), OUTPUT_LIMIT), readResult(path('err'), OUTPUT_LIMIT)]);
    // Taken, then the dispatcher went away without an exit code (the container stopped under the
    // command, say, when it killed the main process): killed, as an engine exec reports it.
    if (outcome === 'gone') return { exitCode: 137, stdout, stderr };
    const exitCode = Number.parseInt(rc, 10);
    return Number.isInteger(exitCode) ? { exitCode, stdout, stderr } : undefined;
  } finally {
    await fifo.close();
    await Promise.all(['sh', 'run', 'withdrawn', 'out', 'err', 'rc', 'rc.tmp'].map((s) => unlink(path(s)).catch(() => undefined)));
  }
}

/** Whether a dispatcher still reads the channel's FIFO (opening it for writing without a reader fails). */
async function dispatcherAlive(runDir: string): Promise<boolean> {
  const probe = await open(join(runDir, REQUESTS), constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW).catch(() => undefined);
  await probe?.close();
  return probe !== undefined;
}

/**
 * Waits for a file to appear in `dir` (by inotify, with a poll in case an event is missed):
 * `exited` when it did, `gone` when `alive` says nobody will write it any more, `waiting` at the
 * end of the time given.
 */
function exitFile(dir: string, name: string, alive: () => Promise<boolean>): { within(ms: number): Promise<'exited' | 'gone' | 'waiting'>; close(): void } {
  let appeared = false;
  let wake: (() => void) | undefined;
  const seen = () => {
    appeared = true;
    wake?.();
  };
  const watcher = watch(dir, { persistent: false }, (_event, file) => {
    if (file === name) void exists(join(dir, name)).then((yes) => yes && seen());
  });
  watcher.on('error', () => undefined);
  return {
    async within(ms) {
      const deadline = Date.now() + ms;
      for (let round = 1; !appeared && Date.now() < deadline; round++) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(100, Math.max(0, deadline - Date.now())));
        });
        wake = undefined;
        if (!appeared && (await exists(join(dir, name)))) appeared = true;
        if (!appeared && round % 5 === 0 && !(await alive())) return (await exists(join(dir, name))) ? 'exited' : 'gone';
      }
      return appeared ? 'exited' : 'waiting';
    },
    close: () => watcher.close(),
  };
}

async function exists(path: string): Promise<boolean> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  await handle?.close();
  return handle !== undefined;
}

/** A result file's text: a regular file (not a link, FIFO or device the container put there), at most `limit` bytes. */
async function readResult(path: string, limit: number): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return '';
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return '';
    const buffer = Buffer.alloc(Math.min(stat.size, limit));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
