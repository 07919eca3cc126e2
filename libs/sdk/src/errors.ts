import type { ValidationIssue } from './types';

/** Base of every error the SDK throws. */
export class HoodyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The API answered with an error (any non-2xx status), or with something that is not the
 * contract's envelope (`error: 'INVALID_RESPONSE'`).
 */
export class HoodyApiError extends HoodyError {
  /** The HTTP status: 400, 401, 403, 404, 409, 413, 503, … */
  readonly statusCode: number;
  /** The machine code: `NAME_TAKEN`, `CONTAINER_NOT_FOUND`, `VALIDATION_FAILED`, … */
  readonly error: string;
  /** Validation details of a 400 (`[{ instancePath, message }]`), when the server gave them. */
  readonly data: ValidationIssue[] | undefined;
  readonly method: string;
  readonly url: string;
  /** The parsed response body (or its text when it was not JSON). */
  readonly body: unknown;

  constructor(init: {
    statusCode: number;
    error: string;
    message: string;
    data?: ValidationIssue[];
    method: string;
    url: string;
    body?: unknown;
  }) {
    super(init.message);
    this.statusCode = init.statusCode;
    this.error = init.error;
    this.data = init.data;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
  }
}

/** The request never got an answer: DNS, refused or reset connection, TLS failure, or a timeout. */
export class HoodyConnectionError extends HoodyError {
  readonly method: string;
  readonly url: string;

  constructor(init: { message: string; method: string; url: string; cause?: unknown }) {
    super(init.message, { cause: init.cause });
    this.method = init.method;
    this.url = init.url;
  }
}

/** No answer within the timeout. */
export class HoodyTimeoutError extends HoodyConnectionError {
  readonly timeoutMs: number;

  constructor(init: { method: string; url: string; timeoutMs: number }) {
    super({ message: `No answer from ${init.method} ${init.url} within ${init.timeoutMs} ms`, method: init.method, url: init.url });
    this.timeoutMs = init.timeoutMs;
  }
}
