export { startNatsServer, findNatsServer, type NatsServerHandle, type NatsServerOptions } from './nats-server';
export { startDockerEngine, findDockerd, type DockerEngineHandle, type DockerEngineOptions } from './docker-engine';
export { TEST_DOCKER_HOST_ENV, TEST_NATS_URL_ENV, testDocker, testDockerHost, testNatsUrl } from './test-env';
export { runHttpLoad, type HttpLoadResult } from './http-load';
export { ServiceProcess } from './service-process';
export { eventually, freePort, rpcFailure } from './e2e';
export { benchReadModel, timePaths } from './read-model-bench';
