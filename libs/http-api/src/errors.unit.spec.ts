import { status } from '@grpc/grpc-js';
import { ApiError, apiErrorFromGrpc, grpcErrorCode, isGrpcServiceError, toApiError } from './index';
import { grpcError } from './testing/fixtures';

describe('ApiError', () => {
  it('is answered as { statusCode, error, message } plus data when there is some', () => {
    expect(new ApiError(409, 'NAME_TAKEN', 'Name taken').toBody()).toEqual({ statusCode: 409, error: 'NAME_TAKEN', message: 'Name taken' });
    expect(ApiError.validationFailed([{ instancePath: '/a', message: 'must be a string' }]).toBody()).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: 'Validation failed: /a: must be a string',
      data: [{ instancePath: '/a', message: 'must be a string' }],
    });
  });

  it('names not-found codes after the resource', () => {
    expect(ApiError.notFound('container').toBody()).toEqual({ statusCode: 404, error: 'CONTAINER_NOT_FOUND', message: 'Container not found' });
    expect(ApiError.notFound('storage share').code).toBe('STORAGE_SHARE_NOT_FOUND');
    expect(ApiError.notFound('auth_token').message).toBe('Auth token not found');
  });
});

describe('apiErrorFromGrpc', () => {
  it.each([
    [status.NOT_FOUND, 404, 'NOT_FOUND'],
    [status.ALREADY_EXISTS, 409, 'CONFLICT'],
    [status.ABORTED, 409, 'CONFLICT'],
    [status.FAILED_PRECONDITION, 409, 'INVALID_STATE'],
    [status.INVALID_ARGUMENT, 400, 'VALIDATION_FAILED'],
    [status.OUT_OF_RANGE, 400, 'VALIDATION_FAILED'],
    [status.PERMISSION_DENIED, 403, 'INSUFFICIENT_PERMISSIONS'],
    [status.UNAUTHENTICATED, 401, 'INVALID_TOKEN'],
    [status.RESOURCE_EXHAUSTED, 429, 'TOO_MANY_REQUESTS'],
  ])('maps status %i without a code to %i %s, the details as message', (code, http, machine) => {
    const error = apiErrorFromGrpc(grpcError(code, 'what went wrong'));
    expect([error.statusCode, error.code, error.message]).toEqual([http, machine, 'what went wrong']);
  });

  it('takes the machine code from the hoody-error-code trailer', () => {
    expect(apiErrorFromGrpc(grpcError(status.NOT_FOUND, 'Container not found', 'CONTAINER_NOT_FOUND')).toBody()).toEqual({
      statusCode: 404,
      error: 'CONTAINER_NOT_FOUND',
      message: 'Container not found',
    });
    expect(apiErrorFromGrpc(grpcError(status.FAILED_PRECONDITION, 'Name taken', 'NAME_TAKEN')).toBody()).toEqual({
      statusCode: 409,
      error: 'NAME_TAKEN',
      message: 'Name taken',
    });
    expect(apiErrorFromGrpc(grpcError(status.RESOURCE_EXHAUSTED, 'At most 10 snapshots', 'CONTAINER_SNAPSHOT_LIMIT')).toBody()).toEqual({
      statusCode: 409,
      error: 'CONTAINER_SNAPSHOT_LIMIT',
      message: 'At most 10 snapshots',
    });
    expect(apiErrorFromGrpc(grpcError(status.PERMISSION_DENIED, 'Use a realm host', 'REALM_SCOPE_REQUIRED')).statusCode).toBe(403);
  });

  it('ignores a trailer that is not a machine code', () => {
    expect(grpcErrorCode(grpcError(status.NOT_FOUND, 'x', 'not a code; <script>'))).toBeUndefined();
  });

  it('gives validation failures their data', () => {
    expect(apiErrorFromGrpc(grpcError(status.INVALID_ARGUMENT, 'server_id names no server')).toBody()).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: 'server_id names no server',
      data: [{ instancePath: '', message: 'server_id names no server' }],
    });
  });

  it('uses a default message when the service sent no details', () => {
    expect(apiErrorFromGrpc(grpcError(status.NOT_FOUND, '')).message).toBe('Not found');
  });

  it.each([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED])('answers %i with 503 and no details', (code) => {
    const error = apiErrorFromGrpc(grpcError(code, 'connect ECONNREFUSED 10.1.2.3:50051', 'SOMETHING'), { service: 'scheduler' });
    expect(error.toBody()).toEqual({
      statusCode: 503,
      error: 'SERVICE_UNAVAILABLE',
      message: 'The scheduler service is unavailable; try again shortly',
    });
  });

  it.each([status.INTERNAL, status.UNKNOWN, status.DATA_LOSS, status.UNIMPLEMENTED, status.OK])(
    'answers %i with a generic 500, never the details or code',
    (code) => {
      expect(apiErrorFromGrpc(grpcError(code, 'SQLITE_CORRUPT at /var/lib/hoody/events.db', 'INTERNAL_ERROR')).toBody()).toEqual({
        statusCode: 500,
        error: 'INTERNAL_ERROR',
        message: 'Internal server error',
      });
    },
  );
});

describe('toApiError', () => {
  it('keeps ApiErrors, maps gRPC errors, hides everything else', () => {
    const api = new ApiError(409, 'X', 'x');
    expect(toApiError(api)).toBe(api);
    expect(toApiError(grpcError(status.NOT_FOUND, 'gone')).statusCode).toBe(404);
    for (const thrown of [new Error('ENOENT /etc/secret'), new TypeError('x is undefined'), 'a string', undefined, { code: 5 }]) {
      expect(toApiError(thrown).toBody()).toEqual({ statusCode: 500, error: 'INTERNAL_ERROR', message: 'Internal server error' });
    }
  });

  it('recognizes gRPC errors by shape', () => {
    expect(isGrpcServiceError(grpcError(status.NOT_FOUND, 'x'))).toBe(true);
    expect(isGrpcServiceError(Object.assign(new Error('x'), { code: 5, details: 'x' }))).toBe(false);
    expect(isGrpcServiceError({ code: 5, details: 'x', metadata: {} })).toBe(false);
  });

  it('maps Fastify body errors', () => {
    const fst = (code: string, statusCode: number) => Object.assign(new Error(code), { code, statusCode });
    expect(toApiError(fst('FST_ERR_CTP_BODY_TOO_LARGE', 413), { bodyLimit: 512 * 1024 }).toBody()).toEqual({
      statusCode: 413,
      error: 'PAYLOAD_TOO_LARGE',
      message: 'Request body is larger than 512 KiB',
    });
    expect(toApiError(fst('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).statusCode).toBe(415);
    expect(toApiError(fst('FST_ERR_CTP_INVALID_JSON_BODY', 400)).code).toBe('VALIDATION_FAILED');
    expect(toApiError(fst('FST_ERR_SOMETHING_ELSE', 400)).toBody()).toEqual({ statusCode: 400, error: 'BAD_REQUEST', message: 'FST_ERR_SOMETHING_ELSE' });
    expect(toApiError(fst('FST_ERR_INTERNAL', 500)).statusCode).toBe(500);
  });
});
