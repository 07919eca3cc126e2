import { freePort, ServiceProcess, testDockerHost } from '@hoody/test-support';

export interface SchedulerStack {
  auth: ServiceProcess;
  agent: ServiceProcess;
  scheduler: ServiceProcess;
  /** `127.0.0.1:<port>` of auth's and the scheduler's gRPC. */
  authAddress: string;
  schedulerAddress: string;
}

/**
 * Auth, one agent on the test Docker engine and the scheduler, as a user starts them (processes
 * sharing `home` and one NATS server); the local agent joins without a join token. Not started:
 * the suite starts and stops them, also one at a time.
 */
export async function schedulerStack(options: {
  home: string;
  natsUrl: string;
  serverName: string;
  heartbeatMs: number;
  /** More scheduler settings (e.g. the prespawn pool manager's), read at every start. */
  schedulerEnv?: () => Record<string, string>;
  /** More agent settings, read at every start (a suite may restart the agent with others). */
  agentEnv?: () => Record<string, string>;
}): Promise<SchedulerStack> {
  const [authPort, schedulerPort] = await Promise.all([freePort(), freePort()]);
  const shared = { HOODY_HOME: options.home, NATS_URL: options.natsUrl };
  return {
    auth: new ServiceProcess('auth', 'apps/auth/src/main.ts', /auth: gRPC/, () => ({ ...shared, HOODY_GRPC_PORT: String(authPort) })),
    agent: new ServiceProcess('agent', 'apps/agent/src/main.ts', /gRPC on/, () => ({
      ...shared,
      DOCKER_HOST: testDockerHost(),
      HOODY_SERVER_NAME: options.serverName,
      HOODY_GRPC_PORT: '0',
      HOODY_HEARTBEAT_MS: String(options.heartbeatMs),
      ...options.agentEnv?.(),
    })),
    scheduler: new ServiceProcess('scheduler', 'apps/scheduler/src/main.ts', /scheduler: gRPC/, () => ({
      ...shared,
      HOODY_GRPC_PORT: String(schedulerPort),
      HOODY_SCHEDULER_HEARTBEAT_MS: String(options.heartbeatMs),
      HOODY_SCHEDULER_RECONCILE_MS: '1000',
      HOODY_SCHEDULER_TRUST_LOCAL_AGENTS: 'true',
      ...options.schedulerEnv?.(),
    })),
    authAddress: `127.0.0.1:${authPort}`,
    schedulerAddress: `127.0.0.1:${schedulerPort}`,
  };
}
