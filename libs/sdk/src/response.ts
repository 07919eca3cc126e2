// From an HTTP answer to the contract's envelope, or to a `HoodyApiError`. Pure.
import { HoodyApiError } from './errors';
import type { Envelope, ValidationIssue } from './types';

export interface RawResponse {
  status: number;
  statusText: string;
  /** The body as text ('' when empty). */
  text: string;
}

const MAX_QUOTED_BODY = 200;

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validationIssues(data: unknown): ValidationIssue[] | undefined {
  if (!Array.isArray(data)) return undefined;
  return data
    .filter(isRecord)
    .map((d) => ({ instancePath: String(d['instancePath'] ?? ''), message: String(d['message'] ?? '') }));
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUOTED_BODY ? `${flat.slice(0, MAX_QUOTED_BODY)}…` : flat;
}

/**
 * The envelope of a 2xx answer (an empty body, e.g. a 204, is `data: null`); throws `HoodyApiError`
 * for any other status, using the contract's error body when there is one.
 */
export function parseResponse<T>(raw: RawResponse, request: { method: string; url: string }): Envelope<T> {
  const { status, statusText, text } = raw;
  const ok = status >= 200 && status < 300;
  const base = { statusCode: status, method: request.method, url: request.url };

  if (text.trim() === '') {
    if (ok) return { statusCode: status, message: statusText, data: null as T };
    return throwError({ ...base, error: `HTTP_${status}`, message: statusText || `HTTP ${status}`, body: '' });
  }

  const parsed = parseJson(text);
  if (!parsed.ok) {
    if (ok) {
      return throwError({ ...base, error: 'INVALID_RESPONSE', message: `Expected a JSON envelope, got: ${quote(text)}`, body: text });
    }
    return throwError({ ...base, error: `HTTP_${status}`, message: `${statusText || `HTTP ${status}`}: ${quote(text)}`, body: text });
  }

  const body = parsed.value;
  if (ok) {
    if (isRecord(body) && typeof body['statusCode'] === 'number' && 'data' in body) {
      return {
        statusCode: body['statusCode'],
        message: typeof body['message'] === 'string' ? body['message'] : '',
        data: body['data'] as T,
      };
    }
    return throwError({ ...base, error: 'INVALID_RESPONSE', message: `Expected a JSON envelope, got: ${quote(text)}`, body });
  }

  if (isRecord(body)) {
    const error = typeof body['error'] === 'string' && body['error'] ? body['error'] : `HTTP_${status}`;
    const message = typeof body['message'] === 'string' && body['message'] ? body['message'] : statusText || `HTTP ${status}`;
    return throwError({ ...base, error, message, data: validationIssues(body['data']), body });
  }
  return throwError({ ...base, error: `HTTP_${status}`, message: `${statusText || `HTTP ${status}`}: ${quote(text)}`, body });
}

function throwError(init: ConstructorParameters<typeof HoodyApiError>[0]): never {
  throw new HoodyApiError(init);
}
