export {
  BASE_IMAGE_CHANGES,
  BASE_IMAGE_PATH,
  BASE_IMAGE_TAG,
  buildBaseRootfs,
  elfLinkage,
  ensureBaseImage,
  findBusybox,
  splitReference,
  type BaseImage,
  type EnsureBaseImageOptions,
  type FindBusyboxOptions,
} from './base-image';
export {
  demuxDockerOutput,
  dockerClient,
  execInContainer,
  interleavedDockerOutput,
  type DockerOutput,
  type ExecOptions,
  type ExecResult,
} from './docker-client';
export {
  ContainerRuntime,
  KEEP_ALIVE_COMMAND,
  KIT_SHARES_PATH,
  KIT_STORAGE_PATH,
  type ContainerInspection,
  type ContainerRuntimeOptions,
  type ContainerSpec,
  type ContainerState,
  type ContainerSummary,
  type CreateResult,
  type HostSpecs,
  type RuntimeExecOptions,
} from './container-runtime';
export {
  CONTAINER_EVENT_ACTIONS,
  ContainerEventStream,
  parseEngineEvent,
  type ContainerEvent,
  type ContainerEventAction,
  type ContainerEventsOptions,
} from './container-events';
export { containerStatsFrom, type ContainerStats } from './container-stats';
export { execScript, KIT_RUN_PATH } from './exec-channel';
export {
  ContainerNotFoundError,
  ContainerStartError,
  ContainerStateError,
  ExecTimeoutError,
  ImageNotFoundError,
  InvalidContainerSpecError,
  InvalidIdError,
  RuntimeError,
} from './errors';
export { CONTAINER_ID_LABEL, KIT_LABEL, MANAGED_LABEL, NAME_LABEL, PROJECT_ID_LABEL } from './labels';
export { makeSharedBindMount, mountPointsUnder, parseMountInfo, unmountTree, type MountInfoEntry } from './host-mounts';
export {
  AGENT_HEARTBEAT_SUBJECT,
  ALL_CONTAINER_EVENTS_SUBJECT,
  SERVER_NAME_PATTERN,
  containerEventsSubject,
  type AgentContainerEvent,
  type AgentHeartbeat,
} from './agent-messages';
