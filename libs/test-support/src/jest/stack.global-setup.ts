/**
 * Jest globalSetup: NATS and a docker engine with the base image, started side by side (see
 * nats.global-setup.ts and docker.global-setup.ts). If one fails, the other is stopped again:
 * jest runs no globalTeardown after a failed globalSetup. Pair with stack.global-teardown.ts.
 */
import './workspace-paths'; // first: lets Node resolve @hoody/* here (see the file)
import dockerGlobalSetup from './docker.global-setup';
import dockerGlobalTeardown from './docker.global-teardown';
import natsGlobalSetup from './nats.global-setup';
import natsGlobalTeardown from './nats.global-teardown';

export default async function stackGlobalSetup(): Promise<void> {
  const results = await Promise.allSettled([natsGlobalSetup(), dockerGlobalSetup()]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.allSettled([natsGlobalTeardown(), dockerGlobalTeardown()]);
    throw failure.reason;
  }
}
