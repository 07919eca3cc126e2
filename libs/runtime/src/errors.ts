/**
 * Typed failures of the container runtime. Each carries the REST machine code (`code`) that a
 * service puts in the `hoody-error-code` trailer, so callers map errors by class, never by message.
 */

export abstract class RuntimeError extends Error {
  /** REST machine code, e.g. `CONTAINER_NOT_FOUND`. */
  abstract readonly code: string;
}

/** The engine has no hoody container with this platform id. */
export class ContainerNotFoundError extends RuntimeError {
  readonly code = 'CONTAINER_NOT_FOUND';
  constructor(readonly containerId: string) {
    super(`container ${containerId} not found on this engine`);
    this.name = 'ContainerNotFoundError';
  }
}

/** The operation is not possible in the container's current state (pause a stopped container...). */
export class ContainerStateError extends RuntimeError {
  readonly code = 'INVALID_STATE';
  constructor(
    readonly containerId: string,
    readonly state: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContainerStateError';
  }
}

/** A malformed platform id (24 lowercase hex characters expected). */
export class InvalidIdError extends RuntimeError {
  readonly code = 'INVALID_ID_FORMAT';
  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super(`${field} ${JSON.stringify(value)} is not an id (expected 24 lowercase hex characters)`);
    this.name = 'InvalidIdError';
  }
}

/** A container spec the runtime refuses (bad limits, environment names...). */
export class InvalidContainerSpecError extends RuntimeError {
  readonly code = 'VALIDATION_FAILED';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InvalidContainerSpecError';
  }
}

/** The image is not on the engine (and no registry is there to pull it from). */
export class ImageNotFoundError extends RuntimeError {
  readonly code = 'IMAGE_NOT_FOUND';
  constructor(readonly image: string) {
    super(`image ${image} is not on this engine`);
    this.name = 'ImageNotFoundError';
  }
}

/** The engine created the container but could not start its main process (a command that does not exist...). */
export class ContainerStartError extends RuntimeError {
  readonly code = 'CONTAINER_START_FAILED';
  constructor(
    readonly containerId: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContainerStartError';
  }
}

/** `exec` did not finish in time (the process may still be running inside the container). */
export class ExecTimeoutError extends RuntimeError {
  readonly code = 'EXEC_TIMEOUT';
  constructor(
    readonly cmd: string[],
    readonly timeoutMs: number,
  ) {
    super(`exec ${JSON.stringify(cmd)}: still running after ${timeoutMs} ms`);
    this.name = 'ExecTimeoutError';
  }
}

/** The status code of a dockerode (docker-modem) error, if it is one. */
export function dockerStatusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The engine's own message of a dockerode error (`json.message`), else the error's message. */
export function dockerMessage(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return error instanceof Error ? error.message : String(error);
}
