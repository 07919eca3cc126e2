import { status } from '@grpc/grpc-js';
import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { type Observable, throwError } from 'rxjs';
import {
  ContainerNotFoundError,
  ContainerStartError,
  ContainerStateError,
  ExecTimeoutError,
  ImageNotFoundError,
  InvalidContainerSpecError,
  InvalidIdError,
  RuntimeError,
} from '@hoody/runtime';
import { rpcError } from '@hoody/service-kit';

/** Connection failures reaching the engine (socket missing, refused, reset, timed out). */
const ENGINE_DOWN = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EACCES']);

/**
 * A runtime failure as a gRPC error: a status code plus the REST machine code in the
 * `hoody-error-code` trailer (ContainerNotFoundError → NOT_FOUND + CONTAINER_NOT_FOUND, ...).
 */
export function toRpcException(error: unknown): RpcException {
  if (error instanceof RpcException) return error;
  if (error instanceof RuntimeError) return rpcError(statusOf(error), error.code, error.message);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code !== undefined && ENGINE_DOWN.has(code)) {
    return rpcError(status.UNAVAILABLE, 'SERVICE_UNAVAILABLE', `the Docker engine does not answer (${code})`);
  }
  return rpcError(status.INTERNAL, 'INTERNAL_ERROR', error instanceof Error ? error.message : String(error));
}

function statusOf(error: RuntimeError): status {
  if (error instanceof ContainerNotFoundError) return status.NOT_FOUND;
  if (error instanceof InvalidIdError || error instanceof InvalidContainerSpecError) return status.INVALID_ARGUMENT;
  if (error instanceof ContainerStateError || error instanceof ContainerStartError || error instanceof ImageNotFoundError) {
    return status.FAILED_PRECONDITION;
  }
  if (error instanceof ExecTimeoutError) return status.DEADLINE_EXCEEDED;
  return status.INTERNAL;
}

/** Applied to the AgentService controller: every failure leaves as a mapped gRPC status. */
@Catch()
export class RuntimeErrorsFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    const error = toRpcException(exception).getError();
    return throwError(() => error);
  }
}
