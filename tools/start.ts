/**
 * `npm start`: runs the platform on this machine, each app as its own process, with the embedded
 * event store in $HOODY_HOME (default .hoody). Uses NATS_URL when it answers, else starts a
 * nats-server of its own (data in $HOODY_HOME/nats). Ctrl-C stops everything; a second start
 * reuses the state.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const home = resolve(process.env.HOODY_HOME ?? join(root, '.hoody'));
const children: Array<{ name: string; child: ChildProcess }> = [];
let stopping = false;

const say = (line: string) => console.log(`hoody: ${line}`);

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = tcpConnect({ host: hostname, port: Number(port || 4222) }, () => (socket.destroy(), done(true)));
    socket.on('error', () => done(false));
    socket.setTimeout(1000, () => (socket.destroy(), done(false)));
  });
}

function which(binary: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin']) {
    if (dir && existsSync(join(dir, binary))) return join(dir, binary);
  }
  return undefined;
}

/** Installs a Debian package when we may (root on Debian/Ubuntu); otherwise says what to run. */
function ensurePackage(binary: string, pkg: string): string {
  const found = which(binary);
  if (found) return found;
  const debian = existsSync('/usr/bin/apt-get');
  if (process.getuid?.() === 0 && debian) {
    say(`${binary} is missing: installing the Debian package ${pkg} (apt-get install -y ${pkg})`);
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-q', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    const installed = which(binary);
    if (installed) return installed;
  }
  console.error(`hoody: ${binary} is needed. Install it, then run npm start again:\n  sudo apt-get install -y ${pkg}`);
  process.exit(1);
}

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}, log?: string): ChildProcess {
  const output = log ? openSync(log, 'a') : 'inherit';
  // Own process group: Ctrl-C reaches the launcher only, which stops the apps before NATS.
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', output, output], detached: true });
  children.push({ name, child });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`hoody: ${name} exited (${code ?? signal}); stopping the platform`);
    void stop(1);
  });
  return child;
}

async function startNats(): Promise<string> {
  const wanted = process.env.NATS_URL;
  if (wanted && (await reachable(wanted))) {
    say(`using NATS at ${wanted}`);
    return wanted;
  }
  if (wanted) say(`NATS_URL ${wanted} does not answer: starting a nats-server of our own`);
  const binary = ensurePackage('nats-server', 'nats-server');
  const port = Number(process.env.HOODY_NATS_PORT ?? 4222);
  const url = `nats://127.0.0.1:${port}`;
  if (await reachable(url)) throw new Error(`port ${port} is taken by something else; set HOODY_NATS_PORT or NATS_URL`);
  mkdirSync(join(home, 'nats'), { recursive: true });
  // Event feed messages carry events of up to 1 MiB plus their envelope: over NATS's 1 MiB default.
  writeFileSync(join(home, 'nats.conf'), 'max_payload: 8MB\n');
  run('nats-server', binary, ['-c', join(home, 'nats.conf'), '-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(home, 'nats')], {}, join(home, 'nats.log'));
  say(`started nats-server on ${url} (log: ${join(home, 'nats.log')})`);
  for (let i = 0; i < 100 && !(await reachable(url)); i++) await new Promise((r) => setTimeout(r, 100));
  return url;
}

function app(name: string, env: NodeJS.ProcessEnv): void {
  run(name, process.execPath, ['--import', 'tsx', join(root, 'apps', name, 'src', 'main.ts')], env);
}

async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  // apps first, NATS last, so they drain into a live server
  for (const { child } of [...children].reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  process.exit(code);
}

async function main(): Promise<void> {
  mkdirSync(home, { recursive: true });
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const natsUrl = await startNats();
  const env = { NATS_URL: natsUrl, HOODY_HOME: home };
  app('event-relay', env);
  say(`ready: event store ${join(home, 'events.db')}, NATS ${natsUrl}, event feed JetStream HOODY_EVENTS. Ctrl-C stops.`);
}

main().catch((error) => {
  console.error(`hoody: ${(error as Error).message}`);
  void stop(1);
});
