// A request as data: what to call, not how. The route builders (`routes.ts`) make these, the
// client sends them, and the CLI maps its arguments onto them, so all three agree by construction.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue = string | number | boolean | undefined | null;
export type Query = Readonly<Record<string, QueryValue>>;

/** One API call. `T` is the type of the envelope's `data` the call answers with. */
export interface ApiRequest<T = unknown> {
  readonly method: HttpMethod;
  /** Path under `/api/v1`, starting with `/`, path parameters already encoded. */
  readonly path: string;
  /** Query parameters; `undefined` and `null` values are left out. */
  readonly query?: Query;
  /** JSON body; absent means no body (and no `Content-Type`). */
  readonly body?: unknown;
  /** Overrides the client's timeout for this call (e.g. `exec`, which runs as long as the command). */
  readonly timeoutMs?: number;
  /** Type-level only: never set. */
  readonly __data?: T;
}

export const API_PREFIX = '/api/v1';

/**
 * The API root for an origin: `https://api.hoody.icu` → `https://api.hoody.icu/api/v1`. A base
 * URL that already ends with `/api/v1` is kept; trailing slashes are dropped.
 */
export function apiRoot(baseURL: string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseURL);
  } catch {
    throw new TypeError(`Invalid Hoody base URL "${baseURL}": expected e.g. https://api.hoody.icu`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`Invalid Hoody base URL "${baseURL}": only http and https are supported`);
  }
  if (parsed.search || parsed.hash) {
    throw new TypeError(`Invalid Hoody base URL "${baseURL}": it must not carry a query or fragment`);
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  const root = `${parsed.origin}${path}`;
  return path.endsWith(API_PREFIX) ? root : `${root}${API_PREFIX}`;
}

/** `?a=1&b=true`, leaving out `undefined` and `null`; empty string when nothing is left. */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The absolute URL of a request against a base URL. */
export function requestUrl(baseURL: string, request: Pick<ApiRequest, 'path' | 'query'>): string {
  if (!request.path.startsWith('/')) throw new TypeError(`Request path must start with "/": ${request.path}`);
  return `${apiRoot(baseURL)}${request.path}${queryString(request.query)}`;
}
