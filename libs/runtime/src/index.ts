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
export { demuxDockerOutput, dockerClient, execInContainer, type DockerOutput, type ExecOptions, type ExecResult } from './docker-client';
