/** A throwaway nats-server (JetStream on, loopback only) for integration tests. */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { findExecutable, LineTail, sleep, terminate, waitForExit } from './process-utils';

export interface NatsServerOptions {
  /** TCP port; default: a free one chosen by nats-server itself (`-p -1`, read back from its ports file, so no race). */
  port?: number;
  /** nats-server binary; default: `nats-server` on PATH, /usr/sbin, /usr/bin… */
  binary?: string;
  /** How long to wait for the server to accept clients with JetStream up; default 15 s. */
  startTimeoutMs?: number;
  /** Extra command-line arguments. */
  args?: string[];
}

export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>` */
  url: string;
  port: number;
  pid: number;
  /** Temp dir holding the JetStream store; removed by stop(). */
  dir: string;
  /** The last lines nats-server logged. */
  logTail(): string;
  /** Kills the server (SIGTERM, then SIGKILL) and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export function findNatsServer(): string {
  const found = findExecutable('nats-server');
  if (!found) throw new Error('nats-server not found on PATH or in /usr/sbin, /usr/bin: install the Debian package `nats-server`');
  return found;
}

export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const binary = opts.binary ?? findNatsServer();
  const startTimeoutMs = opts.startTimeoutMs ?? 15_000;
  const dir = await mkdtemp(join(tmpdir(), 'hnats-'));
  // Event feed messages carry events of up to 1 MiB plus their envelope: over NATS's 1 MiB default.
  await writeFile(join(dir, 'nats.conf'), 'max_payload: 8MB\n');
  const args = [
    '-c', join(dir, 'nats.conf'),
    '-js',
    '-a', '127.0.0.1',
    '-p', String(opts.port ?? -1),
    '-sd', join(dir, 'js'),
    '--ports_file_dir', dir,
    ...(opts.args ?? []),
  ];
  const log = new LineTail();
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c: Buffer) => log.push(c));
  child.stderr?.on('data', (c: Buffer) => log.push(c));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await terminate(child, 5_000);
      await rm(dir, { recursive: true, force: true });
    })());

  try {
    await spawned;
    const deadline = Date.now() + startTimeoutMs;
    let exitCode: number | NodeJS.Signals | null | undefined;
    void waitForExit(child).then((code) => (exitCode = code));
    const fail = (why: string) =>
      new Error(`nats-server (${binary} ${args.join(' ')}) ${why}\n--- nats-server log (tail) ---\n${log.toString()}`);

    // Wait for the ports file even with a fixed port: it is written once *this* server listens,
    // whereas a connection to a taken port might reach some other server.
    let url: string | undefined;
    let lastError: unknown;
    for (;;) {
      if (exitCode !== undefined) throw fail(`exited with ${exitCode} before it was ready`);
      if (Date.now() > deadline) {
        throw fail(`was not ready within ${startTimeoutMs} ms${lastError ? ` (last error: ${String(lastError)})` : ''}`);
      }
      url ??= await readPortsFile(dir);
      if (url !== undefined) {
        try {
          await probe(url);
          break;
        } catch (err) {
          lastError = err;
        }
      }
      await sleep(50);
    }
    return { url, port: Number(new URL(url.replace(/^nats:/, 'http:')).port), pid: child.pid ?? -1, dir, logTail: () => log.toString(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** nats-server writes `<exe>_<pid>.ports` holding `{"nats":["nats://127.0.0.1:4222"]}` once it listens. */
async function readPortsFile(dir: string): Promise<string | undefined> {
  const file = (await readdir(dir)).find((f) => f.endsWith('.ports'));
  if (!file) return undefined;
  try {
    const ports = JSON.parse(await readFile(join(dir, file), 'utf8')) as { nats?: string[] };
    return ports.nats?.[0];
  } catch {
    return undefined; // caught mid-write
  }
}

/** Connects, and checks JetStream answers (`jetstreamManager` asks $JS.API.INFO). */
async function probe(url: string): Promise<void> {
  const nc = await connect({ servers: url, timeout: 1_000, reconnect: false });
  try {
    await jetstreamManager(nc, { timeout: 1_000 });
  } finally {
    await nc.close();
  }
}
