/** Jest globalTeardown: stops the engine docker.global-setup.ts started, if it started one. */
import './workspace-paths'; // first: lets Node resolve @hoody/* here (see the file)
import { TEST_DOCKER_HOST_ENV } from '../test-env';
import { takeStarted } from './started';

export default async function dockerGlobalTeardown(): Promise<void> {
  const engine = takeStarted('docker');
  if (!engine) return;
  delete process.env[TEST_DOCKER_HOST_ENV];
  await engine.stop();
}
