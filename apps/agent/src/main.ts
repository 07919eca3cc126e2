/**
 * The agent process: one per server. Serves hoody.agent.v1.AgentService (gRPC) over the server's
 * Docker engine, publishes heartbeats on NATS (`hoody.agents.heartbeat`) and forwards the engine's
 * container events (`hoody.agents.<serverName>.container-events`). Owns nothing in the event store.
 * HTTP: /health (engine and NATS), /metrics.
 */
import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import { connectNats, drainNats } from '@hoody/messaging';
import { ContainerRuntime, ensureBaseImage } from '@hoody/runtime';
import { bootstrapService, ConfigError } from '@hoody/service-kit';
import { AgentModule } from './agent.module';
import { loadAgentConfig, type AgentConfig } from './config';
import { ContainerEventForwarder } from './event-forwarder';
import { HeartbeatPublisher } from './heartbeat';

function configOrExit(): AgentConfig {
  try {
    return loadAgentConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const serverName = config.HOODY_SERVER_NAME;
  await mkdir(config.HOODY_AGENT_DATA, { recursive: true });
  const runtime = new ContainerRuntime({ docker: config.DOCKER_HOST, dataRoot: config.HOODY_AGENT_DATA });
  // In the background, so that the first create does not pay for it; create ensures it too.
  void ensureBaseImage(runtime.docker).catch((error: Error) => console.error(`agent: base image not ready yet: ${error.message}`));

  const nc = await connectNats({ servers: config.NATS_URL, name: `agent-${serverName}` });
  const service = await bootstrapService({
    name: 'agent',
    module: AgentModule.forRoot(runtime),
    grpc: { package: 'hoody.agent.v1' },
    config,
  });
  service.health.register('docker', async () => {
    await runtime.ping();
    return { ok: true, detail: config.DOCKER_HOST };
  });
  service.health.register('nats', async () => {
    await nc.flush(); // a round trip to the server
    return true;
  });

  const agentUrl = config.HOODY_AGENT_URL ?? service.grpcUrl ?? '';
  const forwarded = service.metrics.counter({
    name: 'hoody_agent_container_events_total',
    help: 'Engine container events forwarded to NATS, by action',
    labelNames: ['action'],
  });
  const heartbeat = new HeartbeatPublisher(nc, runtime, {
    serverName,
    agentUrl,
    maxContainers: config.HOODY_AGENT_MAX_CONTAINERS,
    intervalMs: config.HOODY_HEARTBEAT_MS,
    joinToken: config.HOODY_JOIN_TOKEN,
  });
  const events = new ContainerEventForwarder(nc, runtime, { serverName, onForwarded: (e) => forwarded.inc({ action: e.action }) });
  events.start();
  heartbeat.start();
  console.log(`agent ${serverName}: gRPC on ${agentUrl}, engine ${config.DOCKER_HOST}, data in ${config.HOODY_AGENT_DATA}; health and metrics on ${service.httpUrl}`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await heartbeat.stop();
      await events.stop();
      await service.close();
      await drainNats(nc);
      process.exit(0);
    } catch (error) {
      console.error(`agent: unclean stop: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  // `on`, not `once`: Nest's own shutdown hook re-raises the signal after closing the app, which
  // must land here again (a no-op) rather than kill the process before NATS is drained.
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}

main().catch((error) => {
  console.error(`agent: ${(error as Error).message}`);
  process.exit(1);
});
