import { HoodyConnectionError, HoodyTimeoutError } from './errors';
import { type ApiRequest, apiRoot, queryString } from './request';
import { isLocalhostSubdomain, loopbackFetch } from './localhost';
import { parseResponse } from './response';
import { routes, type Routes } from './routes';
import type { Envelope } from './types';

/** The part of `fetch` the client uses, so any compatible implementation can be passed. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ status: number; statusText: string; text(): Promise<string> }>;

export interface HoodyClientOptions {
  /**
   * The API origin, e.g. `https://api.hoody.icu` or a realm host
   * `https://507f1f77bcf86cd799439011.api.hoody.icu`; `/api/v1` is appended unless already there.
   */
  baseURL: string;
  /** An API token (`hdy_…`), sent as `Authorization: Bearer <token>`. Without one, calls go unauthenticated. */
  token?: string;
  /**
   * Defaults to the global `fetch` (Node 18+); for `*.localhost` hosts (local realm hosts), to a
   * node:http transport that resolves them to loopback as curl does.
   */
  fetch?: FetchLike;
  /** Per-call timeout in milliseconds (default 60 000; 0 disables). `exec` waits for its command. */
  timeoutMs?: number;
  /** Extra headers on every call. */
  headers?: Record<string, string>;
}

/** Each route builder of `R`, turned into a call that answers with the envelope. */
export type BoundRoutes<R> = {
  readonly [K in keyof R]: R[K] extends (...args: infer A) => ApiRequest<infer T>
    ? (...args: A) => Promise<Envelope<T>>
    : BoundRoutes<R[K]>;
};

/** `client.api`: `containers`, `projects`, `servers`, `authTokens`, `users`, `realms`, `pools`, … */
export type HoodyApi = BoundRoutes<Routes>;

export const DEFAULT_TIMEOUT_MS = 60_000;
const USER_AGENT = 'hoody-sdk/0.1.0';

function bind<R extends object>(tree: R, send: (request: ApiRequest) => Promise<Envelope<unknown>>): BoundRoutes<R> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree)) {
    out[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            try {
              return send((value as (...a: unknown[]) => ApiRequest)(...args));
            } catch (err) {
              return Promise.reject(err);
            }
          }
        : bind(value as object, send);
  }
  return Object.freeze(out) as BoundRoutes<R>;
}

/**
 * A client of the Hoody REST API.
 *
 * ```ts
 * const client = new HoodyClient({ baseURL: 'https://api.hoody.icu', token: process.env.HOODY_TOKEN });
 * const container = await client.api.containers.create(projectId, { server_id: serverId, name: 'web' });
 * console.log(container.data.status);
 * ```
 *
 * Every call answers with the envelope `{ statusCode, message, data }`; an error status throws
 * `HoodyApiError`, no answer at all throws `HoodyConnectionError` (`HoodyTimeoutError` on timeout).
 */
export class HoodyClient {
  readonly api: HoodyApi;
  /** The API root requests go to, e.g. `https://api.hoody.icu/api/v1`. */
  readonly apiRoot: string;
  private readonly token: string | undefined;
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(options: HoodyClientOptions) {
    if (!options || typeof options.baseURL !== 'string') throw new TypeError('HoodyClient needs { baseURL }');
    this.apiRoot = apiRoot(options.baseURL);
    this.token = options.token || undefined;
    const fetchImpl =
      options.fetch ?? (isLocalhostSubdomain(this.apiRoot) ? loopbackFetch : (globalThis.fetch as unknown as FetchLike | undefined));
    if (!fetchImpl) throw new TypeError('No fetch implementation: use Node 18+ or pass { fetch }');
    this.fetchImpl = fetchImpl;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.headers = { ...(options.headers ?? {}) };
    this.api = bind(routes, (request) => this.send(request));
  }

  /** The absolute URL of a request. */
  url(request: Pick<ApiRequest, 'path' | 'query'>): string {
    return `${this.apiRoot}${request.path}${queryString(request.query)}`;
  }

  /** Sends a request description (from `routes`, or hand-made for a route the SDK lacks). */
  async send<T>(request: ApiRequest<T>): Promise<Envelope<T>> {
    const url = this.url(request);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT, ...this.headers };
    if (this.token) headers['authorization'] = /^bearer /i.test(this.token) ? this.token : `Bearer ${this.token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }

    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs)
        : undefined;

    let raw: { status: number; statusText: string; text: string };
    try {
      const response = await this.fetchImpl(url, { method: request.method, headers, body, signal: controller.signal });
      raw = { status: response.status, statusText: response.statusText, text: await response.text() };
    } catch (err) {
      if (timedOut) throw new HoodyTimeoutError({ method: request.method, url, timeoutMs });
      throw new HoodyConnectionError({ message: `Cannot reach ${url}: ${describe(err)}`, method: request.method, url, cause: err });
    } finally {
      if (timer) clearTimeout(timer);
    }
    return parseResponse<T>(raw, { method: request.method, url });
  }
}

/** `fetch failed` hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, …): surface it. */
function describe(err: unknown): string {
  const { message, cause } = (err ?? {}) as { message?: unknown; cause?: { message?: unknown; code?: unknown } };
  const text = typeof message === 'string' ? message : String(err);
  if (cause && typeof cause.message === 'string') {
    const code = typeof cause.code === 'string' ? cause.code : '';
    const reason = code && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
    return reason || code || text;
  }
  return text;
}
