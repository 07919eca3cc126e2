import { Metadata, status } from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY } from '@hoody/contracts';
import { CommandRejected } from '@hoody/decider';
import { RpcException } from '@nestjs/microservices';

/** A refusal with the REST contract's machine code, carried to the gateway in trailing metadata. */
export function rpcError(code: status, machineCode: string, message: string): RpcException {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_METADATA_KEY, machineCode);
  return new RpcException({ code, message, metadata });
}

function statusOf(machineCode: string): status {
  if (machineCode.endsWith('_NOT_FOUND')) return status.NOT_FOUND;
  if (machineCode === 'VALIDATION_FAILED' || machineCode.startsWith('INVALID_') && machineCode !== 'INVALID_STATE') return status.INVALID_ARGUMENT;
  if (machineCode === 'INSUFFICIENT_PERMISSIONS' || machineCode === 'REALM_SCOPE_REQUIRED') return status.PERMISSION_DENIED;
  if (machineCode === 'TOKEN_EXPIRED') return status.UNAUTHENTICATED;
  return status.FAILED_PRECONDITION; // NAME_TAKEN, INVALID_STATE, *_EXISTS, limits: 409 on the REST side
}

/** Maps what a command handler throws to a gRPC error: rejections keep their code, conflicts retry-able. */
export function toRpcError(error: unknown): RpcException {
  if (error instanceof RpcException) return error;
  if (error instanceof CommandRejected) return rpcError(statusOf(error.code), error.code, error.message);
  if (error instanceof Error && error.name === 'ConcurrencyExhaustedError') {
    return rpcError(status.ABORTED, 'OPERATION_IN_PROGRESS', 'the resource is being changed by another request; try again');
  }
  return error instanceof Error ? rpcError(status.INTERNAL, 'INTERNAL_ERROR', error.message) : rpcError(status.INTERNAL, 'INTERNAL_ERROR', String(error));
}
