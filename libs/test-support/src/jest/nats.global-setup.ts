/**
 * Jest globalSetup: one NATS server (JetStream on) per jest run, its URL handed to the workers in
 * HOODY_TEST_NATS_URL. Reuses the server named there when the variable is already set.
 * Pair with nats.global-teardown.ts.
 */
import './workspace-paths'; // first: lets Node resolve @hoody/* here (see the file)
import { startNatsServer } from '../nats-server';
import { TEST_NATS_URL_ENV } from '../test-env';
import { setStarted } from './started';

export default async function natsGlobalSetup(): Promise<void> {
  if (process.env[TEST_NATS_URL_ENV]) return;
  const server = await startNatsServer();
  setStarted('nats', server);
  process.env[TEST_NATS_URL_ENV] = server.url;
}
