import { status } from '@grpc/grpc-js';
import { rpcError, toRpcError } from '@hoody/service-kit';

const ID = /^[0-9a-f]{24}$/;

/** A malformed id is refused before anything is looked up (REST 400 `INVALID_ID_FORMAT`). */
export function checkId(value: string, field: string): void {
  if (!ID.test(value)) throw rpcError(status.INVALID_ARGUMENT, 'INVALID_ID_FORMAT', `${field} must be 24 lowercase hex characters`);
}

/** Runs a handler, turning whatever it throws into a gRPC error with its machine code. */
export async function guarded<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toRpcError(error);
  }
}
