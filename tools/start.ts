/**
 * `npm start`: runs the platform on this machine, each app as its own process, with the embedded
 * event store in $HOODY_HOME (default .hoody). Uses NATS_URL when it answers, else starts a
 * nats-server of its own; uses the Docker engine at DOCKER_HOST or /var/run/docker.sock, else starts
 * a private one under $HOODY_HOME (installing Debian's packages when it runs as root). Ctrl-C stops
 * everything; a second start reuses the state.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const home = resolve(process.env.HOODY_HOME ?? join(root, '.hoody'));
const portBase = Number(process.env.HOODY_PORT_BASE ?? 7400);
const gatewayPort = Number(process.env.HOODY_GATEWAY_PORT ?? 8080);
const ports = {
  relayHttp: portBase + 9,
  authGrpc: portBase + 11,
  authHttp: portBase + 12,
  schedulerGrpc: portBase + 21,
  schedulerHttp: portBase + 22,
  historyGrpc: portBase + 31,
  historyHttp: portBase + 32,
  agentGrpc: portBase + 50,
  agentHttp: portBase + 51,
  gatewayGrpc: 0,
};
const children: Array<{ name: string; child: ChildProcess }> = [];
let stopping = false;

const say = (line: string) => console.log(`hoody: ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = tcpConnect({ host, port }, () => (socket.destroy(), done(true)));
    socket.on('error', () => done(false));
    socket.setTimeout(1000, () => (socket.destroy(), done(false)));
  });
}

/** GET /_ping (Docker) or /health (our services) over TCP or a unix socket. */
function httpOk(target: { socketPath?: string; port?: number; path: string }): Promise<boolean> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', ...target, timeout: 1500 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.on('timeout', () => (req.destroy(), done(false)));
    req.end();
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (stopping) throw new Error('stopping');
    if (Date.now() > deadline) throw new Error(`${what} did not come up in ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

function which(binary: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin']) {
    if (dir && existsSync(join(dir, binary))) return join(dir, binary);
  }
  return undefined;
}

/** Installs Debian packages when we may (root on Debian/Ubuntu); otherwise says what to run. */
function ensurePackages(needs: Array<[binary: string, pkg: string]>): void {
  const missing = needs.filter(([binary]) => !which(binary)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    say(`installing Debian packages: ${missing.join(' ')}`);
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return;
  }
  console.error(`hoody: these packages are needed. Install them, then run npm start again:\n  sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}, log?: string): ChildProcess {
  const output = log ? openSync(log, 'a') : 'inherit';
  // Own process group: Ctrl-C reaches the launcher only, which stops the apps before their dependencies.
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', output, output], detached: true });
  children.push({ name, child });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`hoody: ${name} exited (${code ?? signal}); stopping the platform`);
    void stop(1);
  });
  return child;
}

function app(name: string, env: NodeJS.ProcessEnv): void {
  mkdirSync(join(home, 'logs'), { recursive: true });
  const log = join(home, 'logs', `${name}.log`);
  // HOODY_APP_NODE_ARGS: extra node flags for every app (e.g. --cpu-prof, --inspect), for diagnosis
  const nodeArgs = (process.env.HOODY_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  run(name, process.execPath, [...nodeArgs, '--import', 'tsx', join(root, 'apps', name, 'src', 'main.ts')], { ...env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') }, log);
}

async function startNats(): Promise<string> {
  const wanted = process.env.NATS_URL;
  if (wanted) {
    const url = new URL(wanted);
    if (await reachable(url.hostname, Number(url.port || 4222))) {
      say(`using NATS at ${wanted}`);
      return wanted;
    }
    say(`NATS_URL ${wanted} does not answer: starting a nats-server of our own`);
  }
  ensurePackages([['nats-server', 'nats-server']]);
  const port = Number(process.env.HOODY_NATS_PORT ?? 4222);
  if (await reachable('127.0.0.1', port)) throw new Error(`port ${port} is taken by something else; set HOODY_NATS_PORT or NATS_URL`);
  mkdirSync(join(home, 'nats'), { recursive: true });
  // Event feed messages carry events of up to 1 MiB plus their envelope: over NATS's 1 MiB default.
  writeFileSync(join(home, 'nats.conf'), 'max_payload: 8MB\n');
  const binary = which('nats-server') as string;
  run('nats-server', binary, ['-c', join(home, 'nats.conf'), '-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(home, 'nats')], {}, join(home, 'nats.log'));
  await until('nats-server', () => reachable('127.0.0.1', port));
  say(`started nats-server on 127.0.0.1:${port} (log: ${join(home, 'nats.log')})`);
  return `nats://127.0.0.1:${port}`;
}

/** The engine at DOCKER_HOST or the system socket; else a private dockerd under $HOODY_HOME. */
async function startDocker(): Promise<string> {
  const wanted = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (wanted.startsWith('unix://') && (await httpOk({ socketPath: wanted.slice(7), path: '/_ping' }))) {
    say(`using the Docker engine at ${wanted}`);
    return wanted;
  }
  say(`no Docker engine answers at ${wanted}: starting one of our own`);
  ensurePackages([
    ['dockerd', 'docker.io'],
    ['busybox', 'busybox-static'],
  ]);
  if (process.getuid?.() !== 0) {
    console.error('hoody: a Docker engine is needed and only root may start one: run npm start as root, or point DOCKER_HOST at a running engine');
    process.exit(1);
  }
  const socket = join(home, 'docker.sock');
  const exec = `/run/hoody-docker-${Buffer.from(home).toString('base64url').slice(-12)}`;
  run(
    'dockerd',
    which('dockerd') as string,
    ['--host', `unix://${socket}`, '--data-root', join(home, 'docker'), '--exec-root', exec, '--pidfile', join(home, 'docker.pid'), '--bridge=none', '--iptables=false', '--ip-masq=false'],
    {},
    join(home, 'dockerd.log'),
  );
  await until('dockerd', () => httpOk({ socketPath: socket, path: '/_ping' }));
  return `unix://${socket}`;
}

async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
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
  const dockerHost = await startDocker();
  const common = { NATS_URL: natsUrl, HOODY_HOME: home, HOODY_HOST: '127.0.0.1' };

  app('event-relay', { ...common, HOODY_HTTP_PORT: String(ports.relayHttp) });
  app('auth', { ...common, HOODY_GRPC_PORT: String(ports.authGrpc), HOODY_HTTP_PORT: String(ports.authHttp) });
  await until('auth', () => httpOk({ port: ports.authHttp, path: '/health' }));
  // The local agent joins without a join token: NATS listens on loopback only (see apps/scheduler/README.md).
  app('scheduler', { ...common, HOODY_GRPC_PORT: String(ports.schedulerGrpc), HOODY_HTTP_PORT: String(ports.schedulerHttp), HOODY_SCHEDULER_TRUST_LOCAL_AGENTS: 'true' });
  app('history', { ...common, HOODY_GRPC_PORT: String(ports.historyGrpc), HOODY_HTTP_PORT: String(ports.historyHttp) });
  app('agent', { ...common, DOCKER_HOST: dockerHost, HOODY_GRPC_PORT: String(ports.agentGrpc), HOODY_HTTP_PORT: String(ports.agentHttp) });
  app('gateway', {
    ...common,
    HOODY_HTTP_PORT: String(gatewayPort),
    HOODY_GRPC_PORT: String(ports.gatewayGrpc),
    HOODY_AUTH_GRPC: `127.0.0.1:${ports.authGrpc}`,
    HOODY_AUTH_HEALTH_URL: `http://127.0.0.1:${ports.authHttp}/health`,
    HOODY_SCHEDULER_GRPC: `127.0.0.1:${ports.schedulerGrpc}`,
    HOODY_SCHEDULER_HEALTH_URL: `http://127.0.0.1:${ports.schedulerHttp}/health`,
    HOODY_RELAY_HEALTH_URL: `http://127.0.0.1:${ports.relayHttp}/health`,
    HOODY_HISTORY_GRPC: `127.0.0.1:${ports.historyGrpc}`,
    HOODY_HISTORY_HEALTH_URL: `http://127.0.0.1:${ports.historyHttp}/health`,
  });
  await until('gateway', () => httpOk({ port: gatewayPort, path: '/api/v1/health' }));
  await until('agent', () => httpOk({ port: ports.agentHttp, path: '/health' }));

  const admin = JSON.parse(readFileSync(join(home, 'admin.json'), 'utf8')) as { userId: string; defaultProjectId: string };
  const token = readFileSync(join(home, 'admin-token'), 'utf8').trim();
  let server: { id: string; name: string } | undefined;
  await until('the local server', async () => {
    const res = await fetch(`http://127.0.0.1:${gatewayPort}/api/v1/servers`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
    const servers = res?.ok ? ((await res.json()) as { data: Array<{ id: string; name: string; status: string }> }).data : [];
    server = servers.find((s) => s.status === 'online');
    return server !== undefined;
  });
  say('ready');
  console.log(`  gateway:         http://127.0.0.1:${gatewayPort}/api/v1  (OpenAPI: /api/v1/openapi.json)`);
  console.log(`  admin token:     ${join(home, 'admin-token')}   (export HOODY_TOKEN=$(cat ${join(home, 'admin-token')}))`);
  console.log(`  default project: ${admin.defaultProjectId}`);
  console.log(`  local server:    ${server?.id} (${server?.name})`);
  console.log(`  Docker engine:   ${dockerHost}`);
  console.log(`  logs:            ${join(home, 'logs')}/<app>.log`);
  console.log('  Ctrl-C stops the platform; its state stays in ' + home);
}

main().catch((error) => {
  console.error(`hoody: ${(error as Error).message}`);
  void stop(1);
});
