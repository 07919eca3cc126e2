/**
 * Jest globalSetup: one private docker engine per jest run with the base image (hoody/base:latest)
 * imported, its address handed to the workers in HOODY_TEST_DOCKER_HOST. When the variable is
 * already set, that engine is used instead (the base image is still ensured on it).
 * Pair with docker.global-teardown.ts.
 */
import './workspace-paths'; // first: lets Node resolve @hoody/* here (see the file)
import { ensureBaseImage } from '@hoody/runtime';
import { startDockerEngine } from '../docker-engine';
import { testDocker, TEST_DOCKER_HOST_ENV } from '../test-env';
import { setStarted } from './started';

export default async function dockerGlobalSetup(): Promise<void> {
  if (process.env[TEST_DOCKER_HOST_ENV]) {
    await ensureBaseImage(testDocker());
    return;
  }
  const engine = await startDockerEngine();
  try {
    await ensureBaseImage(engine.docker);
  } catch (err) {
    await engine.stop();
    throw err;
  }
  setStarted('docker', engine);
  process.env[TEST_DOCKER_HOST_ENV] = engine.host;
}
