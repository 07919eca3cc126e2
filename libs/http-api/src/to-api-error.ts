import { ApiError, ErrorCodes } from './errors';
import { apiErrorFromGrpc, type GrpcErrorOptions, internalError, isGrpcServiceError } from './grpc-errors';

/** Fastify's own request errors (body parsing, limits) and what the client sees instead. */
const FASTIFY_ERRORS: Record<string, (limit: number) => ApiError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (limit) =>
    new ApiError(413, ErrorCodes.PAYLOAD_TOO_LARGE, `Request body is larger than ${formatBytes(limit)}`),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new ApiError(415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE, 'Unsupported Content-Type: send application/json'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => malformedJson(),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    ApiError.validationFailed(
      [{ instancePath: '', message: 'Content-Length does not match the body' }],
      'Content-Length does not match the body',
    ),
};

/** 400 `VALIDATION_FAILED` for a body that is not JSON. */
export function malformedJson(detail?: string): ApiError {
  const message = `Malformed JSON in request body${detail ? `: ${detail}` : ''}`;
  return ApiError.validationFailed([{ instancePath: '', message }], message);
}

export interface ToApiErrorOptions extends GrpcErrorOptions {
  /** Body limit, named in the 413 message (default 1 MiB). */
  bodyLimit?: number;
}

/**
 * What a client sees for any thrown value: an ApiError as is, a gRPC error mapped
 * (apiErrorFromGrpc), Fastify's request errors as 400/413/415, anything else 500 `INTERNAL_ERROR`.
 */
export function toApiError(error: unknown, options: ToApiErrorOptions = {}): ApiError {
  if (error instanceof ApiError) return error;
  if (isGrpcServiceError(error)) return apiErrorFromGrpc(error, options);
  if (error instanceof Error) {
    const { code, statusCode } = error as Error & { code?: unknown; statusCode?: unknown };
    if (typeof code === 'string' && code.startsWith('FST_')) {
      const known = FASTIFY_ERRORS[code];
      if (known) return known(options.bodyLimit ?? 1024 * 1024);
      // Other Fastify request errors are the client's (their messages name no internals).
      if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
        return new ApiError(statusCode, 'BAD_REQUEST', error.message);
      }
    }
  }
  return internalError();
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
