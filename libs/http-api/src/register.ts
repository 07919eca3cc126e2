import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { type Authenticator, normalizeDomain, type Principal, realmFromHost, tokenFromHeader } from './auth';
import { ApiError, describeIssues, ErrorCodes, type ValidationIssue } from './errors';
import { internalError, isGrpcServiceError } from './grpc-errors';
import type { ResponseCache } from './response-cache';
import type { Route } from './route';
import { isIdPatternIssue } from './schemas';
import { malformedJson, toApiError } from './to-api-error';
import { jsonPointer, parseOrThrow, toValidationIssues, validationError, validationErrorMap } from './validation';

export interface RegisterRoutesOptions {
  /** Resolves a token to its principal, for every route whose `auth` is not `none`. */
  authenticate: Authenticator;
  /** Realm hosts are `<realmId>.<apiDomain>`; default `api.localhost` (ports ignored). */
  apiDomain?: string;
  /** Default `/api/v1`. */
  prefix?: string;
  /** Largest accepted body in bytes; default 1 MiB. Larger → 413 `PAYLOAD_TOO_LARGE`. */
  bodyLimit?: number;
  /**
   * Check every handler's data against its response schema; a mismatch is logged and answered
   * 500. For tests and development: it costs a parse per response.
   */
  validateResponses?: boolean;
  /**
   * Served as is (no envelope, no auth) at `<prefix>/openapi.json`: pass `buildOpenApi(routes, info)`.
   */
  openApiDocument?: object;
  /** Answers of routes defined with `cache: true` are reused from it; writes invalidate it. */
  responseCache?: ResponseCache;
  /**
   * Told of every request to change something that an authenticated caller made and these routes
   * refused themselves (4xx before or without a service's answer: validation, refused fields, an
   * admin route): for an audit trail. Refusals a service answered are the service's to record.
   */
  onRefused?: (refusal: Refusal, principal: Principal) => void;
}

/** A refused request, as onRefused is told of it. */
export interface Refusal {
  /** `POST /api/v1/projects/:project_id/containers` */
  operation: string;
  code: string;
  message: string;
  /** The id the path named (its first parameter), if any. */
  resourceId: string | null;
}

/** What the success envelope looks like. */
export interface SuccessBody<T = unknown> {
  statusCode: number;
  message: string;
  data: T;
}

export const DEFAULT_PREFIX = '/api/v1';
export const DEFAULT_API_DOMAIN = 'api.localhost';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

interface RequestState {
  principal: Principal | undefined;
  realmHost: string | undefined;
}

const STATE = Symbol('hoody.http-api.request');
type WithState = FastifyRequest & { [STATE]: RequestState | null };

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const EMPTY_QUERY: Readonly<Record<string, never>> = Object.freeze({});

/**
 * Registers the routes under the base path (default `/api/v1`) in an encapsulated Fastify context
 * of their own, with every convention of the contract: trailing slashes, envelopes, error shape,
 * validation, auth, realm hosts, 404/405 in the error shape, body limit. Call it once, with every
 * route, before the instance starts listening; it does not touch the instance's other routes,
 * hooks or handlers.
 */
export async function registerRoutes(
  fastify: FastifyInstance,
  routes: readonly Route[],
  options: RegisterRoutesOptions,
): Promise<void> {
  const prefix = normalizePrefix(options.prefix ?? DEFAULT_PREFIX);
  const apiDomain = normalizeDomain(options.apiDomain ?? DEFAULT_API_DOMAIN);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const { authenticate, validateResponses = false } = options;
  if (typeof authenticate !== 'function') throw new TypeError('registerRoutes: options.authenticate is required');
  checkUnique(routes, options.openApiDocument !== undefined);
  const bothSlashForms = !instanceIgnoresTrailingSlash(fastify);
  // What each path allows, for 405 answers.
  const allows: { pattern: RegExp; methods: readonly string[] }[] = routes.map((r) => ({ pattern: r.pattern, methods: r.methods }));
  if (options.openApiDocument) allows.push({ pattern: /^\/openapi\.json\/?$/, methods: ['GET'] });

  await fastify.register(
    async (api) => {
      api.decorateRequest(STATE, null);

      // JSON bodies: an empty one is no body; a malformed one is a 400 in the error shape.
      const parseJson = api.getDefaultJsonParser('error', 'error');
      // JSON only: other media types (Fastify also parses text/plain by default) → 415.
      api.removeAllContentTypeParsers();
      api.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, raw, done) => {
        const text = raw as string;
        if (text.trim() === '') {
          done(null, undefined);
          return;
        }
        parseJson(request, text, (error, value) => {
          if (error) done(malformedJson(jsonSyntaxDetail(text)), undefined);
          else done(null, value);
        });
      });

      api.setErrorHandler((error: unknown, request, reply) => {
        const apiError = toApiError(error, { bodyLimit });
        const principal = (request as WithState)[STATE]?.principal;
        if (options.onRefused && principal && !READ_METHODS.has(request.method) && apiError.statusCode >= 400 && apiError.statusCode < 500 && !isGrpcServiceError(error)) {
          const params = Object.values((request.params ?? {}) as Record<string, string>);
          options.onRefused({ operation: `${request.method} ${request.routeOptions.url ?? request.url}`, code: apiError.code, message: apiError.message, resourceId: params[0] || null }, principal);
        }
        // Our own ApiErrors are deliberate answers; what was mapped to a 5xx is logged in full.
        if (apiError.statusCode >= 500 && !(error instanceof ApiError)) {
          const level = apiError.statusCode === 503 && isGrpcServiceError(error) ? 'warn' : 'error';
          request.log[level]({ err: error }, `${request.method} ${request.url} failed: ${errorMessage(error)}`);
        }
        return reply.code(apiError.statusCode).send(apiError.toBody());
      });

      api.setNotFoundHandler((request, reply) => {
        const path = request.url.split('?', 1)[0].slice(prefix.length);
        const allowed = new Set<string>();
        for (const { pattern, methods } of allows) {
          if (pattern.test(path)) for (const m of methods) allowed.add(m);
        }
        if (allowed.size === 0 || allowed.has(request.method)) {
          const error = new ApiError(404, ErrorCodes.ROUTE_NOT_FOUND, `Route ${request.method} ${request.url.split('?', 1)[0]} not found`);
          return reply.code(404).send(error.toBody());
        }
        if (allowed.has('GET')) allowed.add('HEAD');
        const list = [...allowed].sort().join(', ');
        const error = new ApiError(
          405,
          ErrorCodes.METHOD_NOT_ALLOWED,
          `Method ${request.method} is not allowed on ${request.url.split('?', 1)[0]} (allowed: ${list})`,
        );
        return reply.code(405).header('allow', list).send(error.toBody());
      });

      if (options.openApiDocument) {
        const document = JSON.stringify(options.openApiDocument);
        for (const url of bothSlashForms ? ['/openapi.json', '/openapi.json/'] : ['/openapi.json']) {
          api.get(url, (_request, reply) => reply.type('application/json; charset=utf-8').send(document));
        }
      }

      for (const route of routes) {
        const onRequest = route.auth === 'none' && !route.params ? undefined : requestHook(route, authenticate, apiDomain);
        const handler = routeHandler(route, apiDomain, validateResponses, options.responseCache);
        const urls = route.path === '/' || !bothSlashForms ? [route.path] : [route.path, `${route.path}/`];
        for (const method of route.methods) {
          for (const url of urls) api.route({ method, url, bodyLimit, onRequest, handler });
        }
      }
    },
    { prefix },
  );
}

/**
 * Before the body is read: an empty path parameter (`/containers/` reaching `/containers/:id`) is
 * the parameterless path, so 404/405; then authentication, so an anonymous client learns nothing
 * about validation and never gets a large body read.
 */
function requestHook(route: Route, authenticate: Authenticator, apiDomain: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (route.params && hasEmptyParam(request.params)) {
      reply.callNotFound();
      return reply;
    }
    if (route.auth === 'none') return undefined;
    const host = request.host ?? '';
    const realmHost = realmFromHost(host, apiDomain);
    const token = tokenFromHeader(request.headers.authorization);
    if (token === undefined) {
      throw new ApiError(401, ErrorCodes.MISSING_TOKEN, 'Missing token: send Authorization: Bearer hdy_…');
    }
    const principal = await authenticate(token, { ip: request.ip, host, realmHost });
    (request as WithState)[STATE] = { principal, realmHost };
    if (route.auth === 'admin' && !principal.isAdmin) {
      throw new ApiError(403, ErrorCodes.INSUFFICIENT_PERMISSIONS, 'This operation requires an admin token');
    }
    return undefined;
  };
}

function hasEmptyParam(params: unknown): boolean {
  for (const value of Object.values(params as Record<string, string>)) if (value === '') return true;
  return false;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * With a response cache: a cached route answers from it while no change notice arrived, and every
 * write through this gateway is a change notice (so a client reads its own writes here).
 */
function routeHandler(route: Route, apiDomain: string, validateResponses: boolean, cache: ResponseCache | undefined) {
  const answer = answerOf(route, apiDomain, validateResponses);
  if (!cache) return answer;
  if (route.cache) {
    return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const key = cacheKey(request);
      const hit = cache.lookup(key);
      if (hit !== undefined) return reply.code(route.response.status).type(JSON_TYPE).send(hit);
      const generation = cache.generation;
      const body = JSON.stringify(await answer(request, reply));
      cache.store(key, generation, body);
      return reply.type(JSON_TYPE).send(body);
    };
  }
  if (route.methods.every((m) => m === 'GET')) return answer;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<SuccessBody> => {
    try {
      return await answer(request, reply);
    } finally {
      cache.invalidate();
    }
  };
}

/** Everything an answer may depend on: who asks (with their restrictions), on which host, for what. */
function cacheKey(request: FastifyRequest): string {
  const { principal, realmHost } = (request as WithState)[STATE] ?? { principal: undefined, realmHost: undefined };
  const who = principal
    ? `${principal.tokenId}\n${principal.userId}\n${principal.isAdmin}\n${principal.realmIds.join(',')}\n${principal.allowNoRealm}`
    : '';
  return `${who}\n${realmHost ?? ''}\n${request.url}`;
}

function answerOf(route: Route, apiDomain: string, validateResponses: boolean) {
  const { status, message, data: dataSchema } = route.response;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<SuccessBody> => {
    const state = (request as WithState)[STATE] ?? {
      principal: undefined,
      realmHost: realmFromHost(request.host, apiDomain),
    };
    const params = route.params ? parseParams(route.params, request.params) : EMPTY_QUERY;
    const query = route.query ? parseOrThrow(route.query, request.query, 'query') : EMPTY_QUERY;
    const body = parseBody(route, request.body);

    const result = await route.handler({
      params,
      query,
      body,
      principal: state.principal,
      realmHost: state.realmHost,
      headers: request.headers,
      ip: request.ip,
      log: request.log,
      request,
    });
    const data = result === undefined ? null : result;

    if (validateResponses) {
      const checked = dataSchema.safeParse(data, { error: validationErrorMap });
      if (!checked.success) {
        const issues = describeIssues(toValidationIssues(checked.error.issues));
        request.log.error(`${route.operationId}: response data does not match its schema: ${issues}`);
        throw internalError();
      }
    }

    reply.code(status);
    return { statusCode: status, message: typeof message === 'function' ? message(data) : message, data };
  };
}

function parseParams(schema: z.ZodType, raw: unknown): unknown {
  const result = schema.safeParse(raw, { error: validationErrorMap });
  if (result.success) return result.data;
  const idIssue = result.error.issues.find(isIdPatternIssue);
  if (idIssue) {
    const name = String(idIssue.path[0]);
    const message = `Malformed id in path: ${name} must be 24 lowercase hex characters`;
    throw new ApiError(400, ErrorCodes.INVALID_ID_FORMAT, message, [
      { instancePath: jsonPointer(idIssue.path), message: idIssue.message },
    ]);
  }
  throw validationError(toValidationIssues(result.error.issues), 'params');
}

function parseBody(route: Route, raw: unknown): unknown {
  let body = raw;
  if (route.refused.size > 0 && isPlainObject(body)) {
    const issues: ValidationIssue[] = [];
    let kept: Record<string, unknown> | undefined;
    for (const [field, refusal] of route.refused) {
      if (!Object.hasOwn(body, field)) continue;
      if (!refusal.accepts(body[field])) {
        issues.push({ instancePath: jsonPointer([field]), message: refusal.message });
      } else if (!route.bodyKeys.has(field)) {
        kept ??= { ...body };
        delete kept[field];
      }
    }
    if (issues.length > 0) {
      throw ApiError.validationFailed(issues, `Not supported on this platform: ${describeIssues(issues)}`);
    }
    if (kept) body = kept;
  }

  if (!route.body) {
    if (body === undefined || body === null || (isPlainObject(body) && Object.keys(body).length === 0)) {
      return undefined;
    }
    const issues = isPlainObject(body)
      ? Object.keys(body).map((key) => ({
          instancePath: jsonPointer([key]),
          message: `unknown field "${key}" is not allowed`,
        }))
      : [{ instancePath: '', message: 'this route takes no request body' }];
    throw validationError(issues, 'body');
  }
  // No body at all reads as an empty object: "server_id is required" rather than "must be an object".
  return parseOrThrow(route.body, body ?? {}, 'body');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkUnique(routes: readonly Route[], servesOpenApi: boolean): void {
  const seen = new Map<string, string>(servesOpenApi ? [['GET /openapi.json', 'the OpenAPI document']] : []);
  const ids = new Set<string>();
  for (const route of routes) {
    if (ids.has(route.operationId)) throw new Error(`registerRoutes: duplicate operationId ${route.operationId}`);
    ids.add(route.operationId);
    // `/a/:x` and `/a/:y` are the same route to the router.
    const shape = route.path.replace(/:[^/]+/g, ':');
    for (const method of route.methods) {
      const key = `${method} ${shape}`;
      const other = seen.get(key);
      if (other) throw new Error(`registerRoutes: ${method} ${route.path} is defined by both ${other} and ${route.operationId}`);
      seen.set(key, route.operationId);
    }
  }
}

function normalizePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, '');
  if (trimmed !== '' && !trimmed.startsWith('/')) throw new Error(`registerRoutes: prefix must start with / (${prefix})`);
  return trimmed;
}

/** Whether the instance already treats `/a/` as `/a` (then each route is registered once). */
function instanceIgnoresTrailingSlash(fastify: FastifyInstance): boolean {
  const config = fastify.initialConfig as {
    routerOptions?: { ignoreTrailingSlash?: boolean };
    ignoreTrailingSlash?: boolean;
  };
  if (config.routerOptions !== undefined) return config.routerOptions.ignoreTrailingSlash === true;
  return config.ignoreTrailingSlash === true;
}

/** The parser's own words for a malformed body ("Unexpected token } in JSON at position 9"). */
function jsonSyntaxDetail(text: string): string | undefined {
  try {
    JSON.parse(text);
    return 'forbidden __proto__ or constructor.prototype key';
  } catch (error) {
    return error instanceof Error ? error.message : undefined;
  }
}

function errorMessage(error: unknown): string {
  if (isGrpcServiceError(error)) return `gRPC ${error.code} ${error.details}`;
  return error instanceof Error ? error.message : String(error);
}

