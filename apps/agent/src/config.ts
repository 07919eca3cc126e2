import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SERVER_NAME_PATTERN } from '@hoody/runtime';
import { baseConfigSchema, envConnectionString, envInt, envPath, envPort, loadConfig } from '@hoody/service-kit';

export const agentConfigSchema = baseConfigSchema.extend({
  HOODY_GRPC_PORT: envPort().default(7450),
  HOODY_HTTP_PORT: envPort().default(7451),
  /** The engine this agent drives. */
  DOCKER_HOST: envConnectionString({
    prefixes: ['unix://', 'tcp://', 'http://', 'https://'],
    what: 'a Docker engine address',
  }).default('unix:///var/run/docker.sock'),
  /** Agent state (the containers' Hoody Kit directories); default `$HOODY_HOME/agent`. */
  HOODY_AGENT_DATA: envPath().optional(),
  /** The server's name: one NATS subject token. Default: the host name, `.` and other characters turned into `-`. */
  HOODY_SERVER_NAME: z
    .string()
    .regex(SERVER_NAME_PATTERN, { error: 'is not a server name (expected 1-63 characters of A-Z, a-z, 0-9, _ and -)' })
    .optional(),
  /** Join token from `POST /servers/join-tokens`; sent in heartbeats so the scheduler registers this server. */
  HOODY_JOIN_TOKEN: z.string().optional(),
  /** Heartbeat period on NATS (`hoody.agents.heartbeat`). */
  HOODY_HEARTBEAT_MS: envInt(100, 3_600_000).default(5_000),
  /** Most containers this server takes (the heartbeat's `capacity.max`). */
  HOODY_AGENT_MAX_CONTAINERS: envInt(1, 1_000_000).default(100),
  /** `host:port` the services dial for this agent's gRPC; default the address it binds (loopback for 0.0.0.0). */
  HOODY_AGENT_URL: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, { error: 'is not a host:port address (expected e.g. 10.0.0.5:7450)' })
    .optional(),
});

export type AgentConfig = Omit<z.output<typeof agentConfigSchema>, 'HOODY_AGENT_DATA' | 'HOODY_SERVER_NAME'> & {
  HOODY_AGENT_DATA: string;
  HOODY_SERVER_NAME: string;
};

/** loadConfig plus the defaults that depend on other variables or on the machine. */
export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const config = loadConfig(agentConfigSchema, env);
  return {
    ...config,
    HOODY_AGENT_DATA: config.HOODY_AGENT_DATA ?? join(config.HOODY_HOME, 'agent'),
    HOODY_SERVER_NAME: config.HOODY_SERVER_NAME ?? serverNameFromHost(hostname()),
  };
}

/** `node-1.example.com` → `node-1-example-com`: a valid server name from any host name. */
export function serverNameFromHost(host: string): string {
  const name = host.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return name.length > 0 ? name : 'server';
}
