/** Jest globalTeardown for stack.global-setup.ts. */
import './workspace-paths'; // first: lets Node resolve @hoody/* here (see the file)
import dockerGlobalTeardown from './docker.global-teardown';
import natsGlobalTeardown from './nats.global-teardown';

export default async function stackGlobalTeardown(): Promise<void> {
  const results = await Promise.allSettled([natsGlobalTeardown(), dockerGlobalTeardown()]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
