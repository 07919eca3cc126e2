import { Metadata, type ServiceError, status as GrpcStatus } from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY } from '@hoody/contracts';
import { ApiError, ErrorCodes } from './errors';

interface StatusMapping {
  http: number;
  /** Machine code when the service sent no `hoody-error-code` trailer. */
  code: string;
  /** Message when the service sent no details. */
  message: string;
}

const CLIENT_ERRORS: Partial<Record<GrpcStatus, StatusMapping>> = {
  [GrpcStatus.INVALID_ARGUMENT]: { http: 400, code: ErrorCodes.VALIDATION_FAILED, message: 'Invalid request' },
  [GrpcStatus.OUT_OF_RANGE]: { http: 400, code: ErrorCodes.VALIDATION_FAILED, message: 'Value out of range' },
  [GrpcStatus.UNAUTHENTICATED]: { http: 401, code: ErrorCodes.INVALID_TOKEN, message: 'Invalid token' },
  [GrpcStatus.PERMISSION_DENIED]: {
    http: 403,
    code: ErrorCodes.INSUFFICIENT_PERMISSIONS,
    message: 'Insufficient permissions',
  },
  [GrpcStatus.NOT_FOUND]: { http: 404, code: ErrorCodes.NOT_FOUND, message: 'Not found' },
  [GrpcStatus.ALREADY_EXISTS]: { http: 409, code: ErrorCodes.CONFLICT, message: 'Already exists' },
  [GrpcStatus.ABORTED]: { http: 409, code: ErrorCodes.CONFLICT, message: 'Conflicting concurrent change; retry' },
  [GrpcStatus.FAILED_PRECONDITION]: {
    http: 409,
    code: ErrorCodes.INVALID_STATE,
    message: 'Operation not allowed in the current state',
  },
};

/** Transient: the service is down, overloaded, or did not answer in time. */
const UNAVAILABLE = new Set<GrpcStatus>([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.CANCELLED]);

/** An error of a @grpc/grpc-js call (`ServiceError`): numeric status, details, trailing metadata. */
export function isGrpcServiceError(error: unknown): error is ServiceError {
  if (!(error instanceof Error)) return false;
  const e = error as Partial<ServiceError>;
  return typeof e.code === 'number' && typeof e.details === 'string' && e.metadata instanceof Metadata;
}

/** The machine code a service put in the trailing metadata (`hoody-error-code`), if any. */
export function grpcErrorCode(error: ServiceError): string | undefined {
  const [value] = error.metadata?.get(ERROR_CODE_METADATA_KEY) ?? [];
  const code = typeof value === 'string' ? value : value?.toString('utf8');
  return code && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}

export interface GrpcErrorOptions {
  /** Named in the 503 message: "The scheduler service is unavailable; try again shortly". */
  service?: string;
}

/**
 * Maps a failed gRPC call to the error the client sees:
 * NOT_FOUND → 404; ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION → 409; INVALID_ARGUMENT,
 * OUT_OF_RANGE → 400; UNAUTHENTICATED → 401; PERMISSION_DENIED → 403; RESOURCE_EXHAUSTED → 409
 * when the service named a code (a domain limit such as `CONTAINER_SNAPSHOT_LIMIT`), else 429;
 * UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED → 503 `SERVICE_UNAVAILABLE`; anything else → 500
 * `INTERNAL_ERROR`. For 4xx the machine code is the `hoody-error-code` trailer when present and the
 * message is the status details (services write them for users). 5xx answers never carry the
 * details (they can name hosts and ports): log the original error.
 */
export function apiErrorFromGrpc(error: ServiceError, options: GrpcErrorOptions = {}): ApiError {
  const status = error.code as GrpcStatus;
  if (UNAVAILABLE.has(status)) {
    const who = options.service ? `The ${options.service} service is` : 'A service is';
    return new ApiError(503, ErrorCodes.SERVICE_UNAVAILABLE, `${who} unavailable; try again shortly`);
  }
  const code = grpcErrorCode(error);
  const details = error.details?.trim();
  if (status === GrpcStatus.RESOURCE_EXHAUSTED) {
    return code
      ? new ApiError(409, code, details || 'Limit reached')
      : new ApiError(429, ErrorCodes.TOO_MANY_REQUESTS, details || 'Too many requests; try again later');
  }
  const mapping = CLIENT_ERRORS[status];
  if (!mapping) return internalError();
  const message = details || mapping.message;
  const finalCode = code ?? mapping.code;
  const data = finalCode === ErrorCodes.VALIDATION_FAILED ? [{ instancePath: '', message }] : undefined;
  return new ApiError(mapping.http, finalCode, message, data);
}

/** The answer to anything unexpected: 500 with a generic message. */
export function internalError(): ApiError {
  return new ApiError(500, ErrorCodes.INTERNAL_ERROR, 'Internal server error');
}
