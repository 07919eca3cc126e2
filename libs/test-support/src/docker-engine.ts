/**
 * A private docker engine for integration tests: its own dockerd (and the containerd it manages)
 * with every directory under one short temp dir, so several can run side by side and none touches
 * the machine's default engine. Needs root.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { dockerClient } from '@hoody/runtime';
import { findExecutable, sleep, terminate, waitForExit, withTimeout } from './process-utils';

export interface DockerEngineOptions {
  /** dockerd binary; default: `dockerd` on PATH, /usr/sbin, /usr/bin… */
  dockerd?: string;
  /** Parent of the engine's temp dir; default os.tmpdir(), or /tmp when that is too long for sockets. */
  tmpRoot?: string;
  /** How long to wait for `docker.ping()`; default 30 s. */
  startTimeoutMs?: number;
  /** How long dockerd gets to exit after SIGTERM before SIGKILL; default 20 s. */
  stopTimeoutMs?: number;
  /** `--log-level`; default `warn` (the log lands in `<dir>/dockerd.log`). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** Extra dockerd arguments (e.g. `--storage-driver=vfs`). */
  extraArgs?: string[];
}

export interface DockerEngineHandle {
  /** `unix://<dir>/docker.sock`: a DOCKER_HOST value. */
  host: string;
  socketPath: string;
  docker: Dockerode;
  pid: number;
  /** The engine's temp dir (data-root, exec-root, socket, log); removed by stop(). */
  dir: string;
  /** The last lines of dockerd's log. */
  logTail(lines?: number): string;
  /**
   * Removes every container (forcibly), SIGTERMs dockerd and waits for it, kills anything of this
   * engine still running, unmounts whatever is left under `dir` and deletes it. Safe to call twice.
   */
  stop(): Promise<void>;
}

/** Unix socket paths are limited to 108 bytes; containerd's ttrpc socket is the deepest one. */
const DEEPEST_SOCKET = 'exec/containerd/containerd.sock.ttrpc';
const SOCKET_PATH_MAX = 100;

export function findDockerd(): string {
  const found = findExecutable('dockerd');
  if (!found) throw new Error('dockerd not found on PATH or in /usr/sbin, /usr/bin: install the Debian package `docker.io`');
  return found;
}

export async function startDockerEngine(opts: DockerEngineOptions = {}): Promise<DockerEngineHandle> {
  const dockerd = opts.dockerd ?? findDockerd();
  if (process.getuid?.() !== 0) throw new Error('startDockerEngine needs root (dockerd mounts and creates namespaces)');
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  let root = opts.tmpRoot ?? tmpdir();
  if (join(root, 'hde-XXXXXX', DEEPEST_SOCKET).length > SOCKET_PATH_MAX) root = '/tmp';
  const dir = await mkdtemp(join(root, 'hde-'));
  const socketPath = join(dir, 'docker.sock');
  const host = `unix://${socketPath}`;
  const logFile = join(dir, 'dockerd.log');
  // An empty config file of our own: the machine's /etc/docker/daemon.json (say, with "hosts") must not apply.
  await writeFile(join(dir, 'daemon.json'), '{}\n');

  const args = [
    `--host=${host}`,
    `--data-root=${join(dir, 'data')}`,
    `--exec-root=${join(dir, 'exec')}`,
    `--pidfile=${join(dir, 'docker.pid')}`,
    `--config-file=${join(dir, 'daemon.json')}`,
    '--bridge=none',
    '--iptables=false',
    '--ip-masq=false',
    '--userland-proxy=false',
    `--log-level=${opts.logLevel ?? 'warn'}`,
    ...(opts.extraArgs ?? []),
  ];
  const logFd = openSync(logFile, 'a');
  // Same process group as us: a Ctrl-C in the terminal reaches dockerd too, which then cleans up.
  const child = spawn(dockerd, args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });

  const docker = dockerClient(host);
  const logTail = (lines = 40) => tailFile(logFile, lines);
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= stopEngine(docker, child, dir, opts.stopTimeoutMs ?? 20_000));

  try {
    await spawned;
    let exitCode: number | NodeJS.Signals | null | undefined;
    void waitForExit(child).then((code) => (exitCode = code));
    const deadline = Date.now() + startTimeoutMs;
    let lastError: unknown;
    for (;;) {
      if (exitCode !== undefined) throw new Error(`dockerd exited with ${exitCode} before it answered`);
      try {
        await withTimeout(docker.ping(), 2_000, 'docker ping');
        break;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) throw new Error(`dockerd did not answer on ${host} within ${startTimeoutMs} ms (last error: ${String(lastError)})`);
      await sleep(100);
    }
  } catch (err) {
    const tail = logTail();
    await stop().catch(() => undefined);
    throw new Error(`${(err as Error).message}\n  ${dockerd} ${args.join(' ')}\n--- dockerd log (tail) ---\n${tail}`);
  }
  return { host, socketPath, docker, pid: child.pid ?? -1, dir, logTail, stop };
}

async function stopEngine(docker: Dockerode, child: ReturnType<typeof spawn>, dir: string, graceMs: number): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    // dockerd gives running containers 10 s to stop on shutdown; removing them first is quicker.
    try {
      const containers = await withTimeout(docker.listContainers({ all: true }), 5_000, 'listing containers');
      await withTimeout(
        Promise.allSettled(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }))),
        graceMs,
        'removing containers',
      );
    } catch {
      // the engine is unwell: the kill below still applies
    }
    await terminate(child, graceMs);
  }
  // dockerd stops its containerd on the way out; anything left (containerd, shims) is killed here.
  if (killLeftovers(dir)) await sleep(200);
  unmountUnder(dir);
  try {
    await rm(dir, { recursive: true, force: true });
  } catch {
    unmountUnder(dir, true);
    await rm(dir, { recursive: true, force: true });
  }
}

/** SIGKILLs every process whose command line names `<dir>/exec/` (this engine's containerd and shims). */
function killLeftovers(dir: string): boolean {
  const needle = `${dir}/exec/`;
  let killed = false;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // gone
    }
    if (cmdline.split('\0').some((arg) => arg.includes(needle))) {
      try {
        process.kill(Number(entry), 'SIGKILL');
        killed = true;
      } catch {
        // gone
      }
    }
  }
  return killed;
}

/** Unmounts, deepest first, every mount point at or below `dir` (overlay layers, netns files…). */
function unmountUnder(dir: string, lazy = false): void {
  const mountPoints = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((mp): mp is string => mp !== undefined)
    .map((mp) => mp.replace(/\\(\d{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))))
    .filter((mp) => mp === dir || mp.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const mp of mountPoints) {
    const res = spawnSync('umount', lazy ? ['-l', mp] : [mp], { stdio: 'ignore' });
    if (res.status !== 0 && !lazy) spawnSync('umount', ['-l', mp], { stdio: 'ignore' });
  }
}

function tailFile(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
