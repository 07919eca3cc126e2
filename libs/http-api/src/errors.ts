/** One failed check of a validation error: a JSON pointer into the checked part, and what is wrong. */
export interface ValidationIssue {
  /** JSON pointer into the part that failed (body, query or path parameters), `''` for the part itself. */
  instancePath: string;
  message: string;
}

/** The error body every failure is answered with. */
export interface ErrorBody {
  statusCode: number;
  /** Machine code: `VALIDATION_FAILED`, `CONTAINER_NOT_FOUND`, ... */
  error: string;
  /** Human text; never internals (5xx messages are generic, the details go to the log). */
  message: string;
  /** Only on validation failures (400). */
  data?: ValidationIssue[];
}

/** Machine codes the conventions layer itself answers with. Handlers and services add their own. */
export const ErrorCodes = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  INVALID_ID_FORMAT: 'INVALID_ID_FORMAT',
  MISSING_TOKEN: 'MISSING_TOKEN',
  INVALID_TOKEN: 'INVALID_TOKEN',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  INSUFFICIENT_PERMISSIONS: 'INSUFFICIENT_PERMISSIONS',
  REALM_SCOPE_REQUIRED: 'REALM_SCOPE_REQUIRED',
  NOT_FOUND: 'NOT_FOUND',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  CONFLICT: 'CONFLICT',
  INVALID_STATE: 'INVALID_STATE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const;

/**
 * An error a client may see: thrown by handlers (and authenticators), answered as
 * `{ statusCode, error: code, message, data? }`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly data?: ValidationIssue[],
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { statusCode: this.statusCode, error: this.code, message: this.message };
    if (this.data !== undefined) body.data = this.data;
    return body;
  }

  /** 400 `VALIDATION_FAILED` with its issues; the message lists them unless given. */
  static validationFailed(issues: ValidationIssue[], message?: string): ApiError {
    return new ApiError(400, ErrorCodes.VALIDATION_FAILED, message ?? `Validation failed: ${describeIssues(issues)}`, issues);
  }

  /** 404 `<RESOURCE>_NOT_FOUND`: `notFound('container')` → `CONTAINER_NOT_FOUND`, "Container not found". */
  static notFound(resource: string): ApiError {
    const words = resource.trim().replace(/[\s_-]+/g, ' ');
    const code = `${words.toUpperCase().replace(/ /g, '_')}_NOT_FOUND`;
    return new ApiError(404, code, `${words.charAt(0).toUpperCase()}${words.slice(1)} not found`);
  }
}

/** `/name: must be a string; /foo: unknown field "foo" is not allowed` */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => (i.instancePath === '' ? i.message : `${i.instancePath}: ${i.message}`)).join('; ');
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
