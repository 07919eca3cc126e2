import { ApiError, ErrorCodes } from './errors';
import { ID_PATTERN } from './schemas';

/**
 * Who is calling: what the authenticator returns. An interface, so the gateway can add fields by
 * module augmentation (`declare module '@hoody/http-api' { interface Principal { permissions: ... } }`).
 */
export interface Principal {
  userId: string;
  tokenId: string;
  isAdmin: boolean;
  /** Realms the token is restricted to; empty: unrestricted. */
  realmIds: string[];
  /** Whether a realm-restricted token also sees resources with no realm. */
  allowNoRealm: boolean;
}

export interface AuthContext {
  /** Client address (Fastify's `request.ip`: honours the instance's `trustProxy`). */
  ip: string;
  /** The Host header as received (with any port). */
  host: string;
  /** The realm of a `<realmId>.<api domain>` host, else undefined. */
  realmHost: string | undefined;
}

/**
 * Resolves a token (`hdy_…`, without `Bearer `) to its principal, or throws: an ApiError such as
 * 401 `INVALID_TOKEN`, 401 `TOKEN_EXPIRED`, 403 `REALM_SCOPE_REQUIRED`, or a gRPC error of the auth
 * service (mapped like any other: UNAUTHENTICATED → 401, UNAVAILABLE → 503...).
 */
export type Authenticator = (token: string, context: AuthContext) => Promise<Principal>;

export const TOKEN_PREFIX = 'hdy_';

/**
 * The token of an Authorization header: `Bearer hdy_…` (scheme case-insensitive) or a bare `hdy_…`.
 * Undefined when there is none (absent, empty, or `Bearer` with nothing after it); a header in any
 * other form → 401 `INVALID_TOKEN`.
 */
export function tokenFromHeader(header: string | string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (value.startsWith(TOKEN_PREFIX)) return value;
  const match = /^bearer(?:\s+(\S*))?$/i.exec(value);
  if (match) return match[1] || undefined;
  throw new ApiError(
    401,
    ErrorCodes.INVALID_TOKEN,
    `Malformed Authorization header: expected "Bearer ${TOKEN_PREFIX}…" or "${TOKEN_PREFIX}…"`,
  );
}

/** `api.localhost:8080.` → `api.localhost` */
export function normalizeDomain(domain: string): string {
  return stripPort(domain.trim()).replace(/\.$/, '').toLowerCase();
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host; // an IPv6 literal: never a realm host
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * The realm of a request's host: `<24 lowercase hex>.<apiDomain>` (ports ignored, the domain
 * compared case-insensitively) → that id; any other host or first label → undefined.
 */
export function realmFromHost(host: string | undefined, apiDomain: string): string | undefined {
  if (!host) return undefined;
  const name = stripPort(host.trim()).replace(/\.$/, '');
  const dot = name.indexOf('.');
  if (dot !== 24) return undefined;
  const label = name.slice(0, 24);
  if (!ID_PATTERN.test(label)) return undefined;
  return name.slice(25).toLowerCase() === normalizeDomain(apiDomain) ? label : undefined;
}

export interface CachedAuthenticatorOptions {
  /**
   * How long a principal is reused (default 500 ms: a revoked token fails within a second). An
   * answer is as old as the check that gave it began, never older than this.
   */
  ttlMs?: number;
  /** Entries kept at most (default 10,000; the oldest go first). */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * Wraps an authenticator with a short-lived cache per (token, ip, realm host): concurrent requests
 * with the same token share one call, successes are reused for `ttlMs`, failures are not cached.
 * Past half of `ttlMs` a request still gets the reused answer while the token is checked again in
 * the background, so a client that keeps calling never waits for the check (a failed check drops
 * the answer: the next request asks again, and gets the refusal).
 */
export function cachedAuthenticator(
  authenticate: Authenticator,
  options: CachedAuthenticatorOptions = {},
): Authenticator & { clear(): void } {
  const ttl = options.ttlMs ?? 500;
  const max = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  interface Entry {
    /** When the check that gave `principal` began. */
    checkedAt: number;
    principal: Promise<Principal>;
    /** Whether `principal` has its answer: a check still running is not doubled by a recheck. */
    settled: boolean;
    rechecking: boolean;
  }
  const entries = new Map<string, Entry>();

  const recheck = (key: string, hit: Entry, token: string, context: AuthContext, at: number): void => {
    hit.rechecking = true;
    authenticate(token, context).then(
      (principal) => {
        if (entries.get(key) !== hit) return;
        entries.delete(key); // in use: to the back of the eviction order
        entries.set(key, { checkedAt: at, principal: Promise.resolve(principal), settled: true, rechecking: false });
      },
      () => {
        if (entries.get(key) === hit) entries.delete(key);
      },
    );
  };

  const cached = (token: string, context: AuthContext): Promise<Principal> => {
    const key = `${token}\n${context.ip}\n${context.realmHost ?? ''}`;
    const hit = entries.get(key);
    const at = now();
    if (hit && at < hit.checkedAt + ttl) {
      if (at >= hit.checkedAt + ttl / 2 && hit.settled && !hit.rechecking) recheck(key, hit, token, context, at);
      return hit.principal;
    }
    if (hit) entries.delete(key);
    const principal = authenticate(token, context);
    const entry: Entry = { checkedAt: at, principal, settled: false, rechecking: false };
    entries.set(key, entry);
    principal.then(
      () => (entry.settled = true),
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    if (entries.size > max) entries.delete(entries.keys().next().value as string);
    return principal;
  };
  return Object.assign(cached, { clear: () => entries.clear() });
}
