import { startDockerEngine, startNatsServer, testDockerHost, type NatsServerHandle } from '@hoody/test-support';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');

export interface LaunchedPlatform {
  /** `http://127.0.0.1:<gateway port>` */
  base: string;
  adminToken(): string;
  /** The platform's NATS server (once started), for agents of more servers. */
  natsUrl(): string;
  /** Starts the launcher (again): `npm start` as a user runs it, one process per app. */
  start(): Promise<void>;
  /** SIGTERM to the launcher, which stops every app. */
  stop(): Promise<void>;
  /**
   * Runs `cleanUp` (e.g. deleting containers through the API: they outlive the platform's
   * processes) if the platform runs, then stops the platform and its NATS server, whatever happened.
   */
  close(cleanUp?: () => Promise<void>): Promise<void>;
}

/**
 * The platform as `npm start` runs it (tools/start.ts), on this jest run's Docker engine and a NATS
 * server of its own (two platforms on one NATS would hear each other's agents and share one event
 * feed), with its state in `home`. Read answers are cached for ten minutes: a change a test sees
 * through the API arrived as a change notice, not by expiry.
 */
/** `portBase` below 32768, Linux's ephemeral range, so no client connection can hold one of its ports; one per suite. */
export function launcher(home: string, portBase: number): LaunchedPlatform {
  let platform: ChildProcess | undefined;
  let nats: NatsServerHandle | undefined;
  const stop = async () => {
    const child = platform;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  return {
    base: `http://127.0.0.1:${portBase + 80}`,
    adminToken: () => readFileSync(join(home, 'admin-token'), 'utf8').trim(),
    natsUrl: () => {
      if (!nats) throw new Error('the platform has not been started');
      return nats.url;
    },
    async start() {
      nats ??= await startNatsServer();
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'tools/start.ts')], {
        cwd: root,
        env: {
          ...process.env,
          HOODY_HOME: home,
          HOODY_PORT_BASE: String(portBase),
          HOODY_GATEWAY_PORT: String(portBase + 80),
          HOODY_GATEWAY_CACHE_TTL_MS: '600000',
          NATS_URL: nats.url,
          DOCKER_HOST: testDockerHost(),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      platform = child;
      let output = '';
      await new Promise<void>((ready, fail) => {
        const seen = (d: Buffer) => {
          output += d;
          if (output.includes('hoody: ready')) ready();
        };
        child.stdout?.on('data', seen);
        child.stderr?.on('data', seen);
        child.once('exit', (code) => fail(new Error(`the platform exited (${code}):\n${output}`)));
      });
    },
    stop,
    async close(cleanUp) {
      try {
        if (cleanUp && platform && platform.exitCode === null && platform.signalCode === null) await cleanUp();
      } catch (error) {
        console.error(`cleaning up the platform failed: ${(error as Error).message}`);
      } finally {
        await stop();
        await nats?.stop();
      }
    },
  };
}

export interface JoinedServer {
  /** The server's platform id, once it is online. */
  id: string;
  docker: Awaited<ReturnType<typeof startDockerEngine>>['docker'];
  stop(): Promise<void>;
}

/**
 * A second server for a launched platform: a Docker engine of its own and an agent started with a
 * join token, as an operator adds a machine. Resolves once the server is online.
 */
export async function joinServer(
  platform: LaunchedPlatform,
  home: string,
  options: { name: string; joinToken: string; onlineId: (name: string) => Promise<string | undefined> },
): Promise<JoinedServer> {
  const engine = await startDockerEngine();
  const agent = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/agent/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      HOODY_HOME: join(home, options.name),
      DOCKER_HOST: engine.host,
      NATS_URL: platform.natsUrl(),
      HOODY_SERVER_NAME: options.name,
      HOODY_JOIN_TOKEN: options.joinToken,
      HOODY_GRPC_PORT: '0',
      HOODY_HTTP_PORT: '0',
    },
    stdio: 'ignore',
  });
  const stop = async () => {
    if (agent.exitCode === null && agent.signalCode === null) {
      agent.kill('SIGTERM');
      await new Promise((r) => agent.once('exit', r));
    }
    await engine.stop();
  };
  for (let i = 0; i < 150; i++) {
    const id = await options.onlineId(options.name);
    if (id) return { id, docker: engine.docker, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`server ${options.name} did not come online`);
}
