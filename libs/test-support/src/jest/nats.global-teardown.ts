/** Jest globalTeardown: stops the NATS server nats.global-setup.ts started, if it started one. */
import './workspace-paths'; // first: lets Node resolve @hoody/* here (see the file)
import { TEST_NATS_URL_ENV } from '../test-env';
import { takeStarted } from './started';

export default async function natsGlobalTeardown(): Promise<void> {
  const server = takeStarted('nats');
  if (!server) return;
  delete process.env[TEST_NATS_URL_ENV];
  await server.stop();
}
