/**
 * Environment variables through which the jest global setups hand the shared test services to the
 * test workers. Set one yourself (say, to your own NATS) and the global setup reuses it.
 */
import type Dockerode from 'dockerode';
import { dockerClient } from '@hoody/runtime';

/** `nats://host:port` of a NATS server with JetStream. */
export const TEST_NATS_URL_ENV = 'HOODY_TEST_NATS_URL';
/** DOCKER_HOST-style address (`unix:///…/docker.sock`) of an engine holding the base image. */
export const TEST_DOCKER_HOST_ENV = 'HOODY_TEST_DOCKER_HOST';

/** The shared test NATS URL; throws if the jest config has no NATS global setup. */
export function testNatsUrl(): string {
  const url = process.env[TEST_NATS_URL_ENV];
  if (!url) throw new Error(`${TEST_NATS_URL_ENV} is not set: add libs/test-support/src/jest/nats.global-setup.ts (or stack.*) to the jest config`);
  return url;
}

/** The shared test engine's address; throws if the jest config has no docker global setup. */
export function testDockerHost(): string {
  const host = process.env[TEST_DOCKER_HOST_ENV];
  if (!host) throw new Error(`${TEST_DOCKER_HOST_ENV} is not set: add libs/test-support/src/jest/docker.global-setup.ts (or stack.*) to the jest config`);
  return host;
}

/** A client for the shared test engine. */
export function testDocker(): Dockerode {
  return dockerClient(testDockerHost());
}
