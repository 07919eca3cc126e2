import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from './auth';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** `none`: public; `token`: any valid token; `admin`: a valid token of an admin (else 403). */
export type AuthMode = 'none' | 'token' | 'admin';

export type SuccessStatus = 200 | 201 | 202;

/** `'/projects/:project_id/containers/:id'` → `'project_id' | 'id'` */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** One schema per path parameter (`idSchema` for ids). */
export type ParamSchemas<Path extends string> = { [K in PathParamNames<Path>]: z.ZodType };

type ParamsOut<P> = { [K in keyof P]: P[K] extends z.ZodType ? z.output<P[K]> : string };
type QueryOut<Q> = Q extends z.ZodType ? z.output<Q> : Record<string, never>;
type BodyOut<B> = B extends z.ZodType ? z.output<B> : undefined;

/** What a handler receives: validated and typed parts, the caller, the realm of the host. */
export interface RouteRequest<Params, Query, Body, A extends AuthMode> {
  params: Params;
  query: Query;
  body: Body;
  /** The authenticated caller (undefined on `auth: 'none'` routes). */
  principal: A extends 'none' ? undefined : Principal;
  /** The realm of a `<realmId>.<api domain>` host, else undefined. */
  realmHost: string | undefined;
  headers: IncomingHttpHeaders;
  ip: string;
  /** The request's logger (carries the request id). */
  log: FastifyBaseLogger;
  /** The Fastify request, for what the above does not cover. */
  request: FastifyRequest;
}

/**
 * A body field of the hosted contract this platform cannot honour. Sent with a value it does not
 * `accept` (default: anything but `false`, `null` and absent), the request is refused with a 400
 * carrying `message`; otherwise the field is dropped before the body schema sees it.
 */
export interface RefusedField {
  message: string;
  accepts?: (value: unknown) => boolean;
}

export interface ResponseSpec<Data extends z.ZodType> {
  /** Default 200. */
  status?: SuccessStatus;
  /** The envelope's `message`: text, or made from the data. */
  message: string | ((data: z.input<Data>) => string);
  /** Schema of the envelope's `data` (`z.null()` for none): documented, and checked with `validateResponses`. */
  data: Data;
  /** OpenAPI response description (default: the message when it is a string). */
  description?: string;
}

export interface RouteSpec<
  Path extends string,
  Params,
  Query extends z.ZodType | undefined,
  Body extends z.ZodType | undefined,
  Data extends z.ZodType,
  A extends AuthMode,
> {
  /** One method, or several for the same operation (the contract's PUT-and-PATCH routes). */
  method: HttpMethod | readonly HttpMethod[];
  /** Below the base path, `:name` for parameters: `/projects/:project_id/containers`. No trailing slash. */
  path: Path;
  /** Unique; with several methods the others are documented as `<operationId><Method>` (`updateContainerPatch`). */
  operationId: string;
  summary: string;
  description?: string;
  tags?: readonly string[];
  deprecated?: boolean;
  /** Query string schema, usually a `z.object` (unknown parameters are ignored; `z.strictObject` refuses them). */
  query?: Query;
  /** Body schema. Objects must be strict (`z.strictObject`): fields no contract knows → 400. */
  body?: Body;
  /** Contract fields refused on this platform: `{ kvm: 'KVM is not available on this platform' }`. Top-level body fields. */
  refused?: Readonly<Record<string, string | RefusedField>>;
  response: ResponseSpec<Data>;
  auth: A;
  /**
   * GET routes only: answers may be reused from the gateway's ResponseCache until a change notice
   * (see ResponseCache). Only for reads of read models whose owners publish change notices; never
   * for live answers (stats, logs).
   */
  cache?: boolean;
  handler: (
    req: RouteRequest<ParamsOut<Params>, QueryOut<Query>, BodyOut<Body>, A>,
  ) => Promise<z.input<Data>> | z.input<Data>;
}

/** Path parameters must each have a schema; a path without parameters takes none. */
export type ParamsField<Path extends string, Params> = [PathParamNames<Path>] extends [never]
  ? { params?: Record<string, never> }
  : { params: Params };

type AnyHandler = (req: RouteRequest<any, any, any, AuthMode>) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A defined route: its spec, normalized and checked. Create with defineRoute. */
export interface Route {
  readonly methods: readonly HttpMethod[];
  readonly path: string;
  /** `/projects/{project_id}/containers` */
  readonly openApiPath: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string | undefined;
  readonly tags: readonly string[];
  readonly deprecated: boolean;
  readonly paramNames: readonly string[];
  /** Undefined when the path has no parameters. */
  readonly params: z.ZodObject | undefined;
  readonly query: z.ZodType | undefined;
  readonly body: z.ZodType | undefined;
  /** Keys the body schema declares at the top level (when it is an object). */
  readonly bodyKeys: ReadonlySet<string>;
  readonly refused: ReadonlyMap<string, Required<RefusedField>>;
  readonly response: {
    readonly status: SuccessStatus;
    readonly message: string | ((data: unknown) => string);
    readonly data: z.ZodType;
    readonly description: string | undefined;
  };
  readonly auth: AuthMode;
  readonly cache: boolean;
  readonly handler: AnyHandler;
  /** Matches the path below the base path, with or without a trailing slash (for 405 answers). */
  readonly pattern: RegExp;
}

/** Thrown at definition time for a route that breaks the conventions. */
export class RouteDefinitionError extends Error {
  override readonly name = 'RouteDefinitionError';
}

const STATIC_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const PARAM_SEGMENT = /^:([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Defines a route. Types flow from the schemas into the handler; the definition is checked now
 * (path syntax, one schema per path parameter, strict body objects, ...) so a mistake fails at
 * startup, not on a request.
 */
export function defineRoute<
  const Path extends string,
  Params extends ParamSchemas<Path>,
  Data extends z.ZodType,
  A extends AuthMode,
  Query extends z.ZodType | undefined = undefined,
  Body extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<Path, Params, Query, Body, Data, A> & ParamsField<Path, Params>): Route {
  const where = `route ${spec.operationId ?? '?'} (${spec.path})`;
  const fail = (problem: string): never => {
    throw new RouteDefinitionError(`${where}: ${problem}`);
  };

  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(spec.operationId ?? '')) fail('operationId must be an identifier');
  const methods = [...new Set(typeof spec.method === 'string' ? [spec.method] : spec.method)];
  if (methods.length === 0 || methods.some((m) => !HTTP_METHODS.includes(m))) {
    fail(`method must be one or more of ${HTTP_METHODS.join(', ')}`);
  }

  const paramNames = parsePath(spec.path, fail);
  const paramSchemas = (spec.params ?? {}) as Record<string, z.ZodType>;
  for (const name of paramNames) if (!(paramSchemas[name] instanceof z.ZodType)) fail(`no schema for path parameter :${name}`);
  for (const name of Object.keys(paramSchemas)) if (!paramNames.includes(name)) fail(`params.${name} is not in the path`);

  if (spec.query !== undefined && !(spec.query instanceof z.ZodType)) fail('query must be a zod schema');
  if (spec.body !== undefined && !(spec.body instanceof z.ZodType)) fail('body must be a zod schema');
  if (spec.body) {
    const loose = nonStrictObjects(spec.body);
    if (loose.length > 0) {
      fail(`body objects must be strict (z.strictObject): not at ${loose.map((p) => p || '(root)').join(', ')}`);
    }
  }
  if (!(spec.response?.data instanceof z.ZodType)) fail('response.data must be a zod schema');
  const status = spec.response.status ?? 200;
  if (![200, 201, 202].includes(status)) fail('response.status must be 200, 201 or 202');
  if (!['none', 'token', 'admin'].includes(spec.auth)) fail(`auth must be 'none', 'token' or 'admin'`);
  if (typeof spec.handler !== 'function') fail('handler must be a function');
  if (spec.cache && methods.some((m) => m !== 'GET')) fail('only GET routes may be cached');

  const bodyKeys = new Set(spec.body instanceof z.ZodObject ? Object.keys(spec.body.shape) : []);
  const refused = new Map<string, Required<RefusedField>>();
  for (const [field, entry] of Object.entries(spec.refused ?? {})) {
    const { message, accepts } = typeof entry === 'string' ? { message: entry, accepts: undefined } : entry;
    if (!message) fail(`refused.${field} needs a message`);
    refused.set(field, { message, accepts: accepts ?? ((v) => v === undefined || v === null || v === false) });
  }

  return Object.freeze({
    methods,
    path: spec.path,
    openApiPath: spec.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}'),
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description,
    tags: spec.tags ?? [],
    deprecated: spec.deprecated ?? false,
    paramNames,
    params: paramNames.length > 0 ? z.strictObject(paramSchemas) : undefined,
    query: spec.query,
    body: spec.body,
    bodyKeys,
    refused,
    response: {
      status,
      message: spec.response.message as Route['response']['message'],
      data: spec.response.data,
      description: spec.response.description,
    },
    auth: spec.auth,
    cache: spec.cache ?? false,
    handler: spec.handler as AnyHandler,
    pattern: pathPattern(spec.path),
  });
}

function parsePath(path: string, fail: (problem: string) => never): string[] {
  if (typeof path !== 'string' || !path.startsWith('/')) fail('path must start with /');
  if (path.length > 1 && path.endsWith('/')) fail('path must not end with / (both forms are served)');
  const names: string[] = [];
  for (const segment of path === '/' ? [] : path.slice(1).split('/')) {
    const param = PARAM_SEGMENT.exec(segment);
    if (param) {
      if (names.includes(param[1])) fail(`duplicate path parameter :${param[1]}`);
      names.push(param[1]);
    } else if (!STATIC_SEGMENT.test(segment)) {
      fail(`invalid path segment "${segment}"`);
    }
  }
  return names;
}

function pathPattern(path: string): RegExp {
  if (path === '/') return /^\/?$/;
  const body = path
    .split('/')
    .map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}/?$`);
}

/** JSON pointers (in the input JSON schema) of objects that would silently drop unknown fields. */
function nonStrictObjects(schema: z.ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'inline' }) as Record<
    string,
    unknown
  >;
  const found: string[] = [];
  const visit = (node: unknown, at: string): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((n, i) => visit(n, `${at}/${i}`));
      return;
    }
    const n = node as Record<string, unknown>;
    const types = Array.isArray(n['type']) ? (n['type'] as unknown[]) : [n['type']];
    if (types.includes('object') && n['properties'] !== undefined && n['additionalProperties'] === undefined) {
      found.push(at);
    }
    for (const [key, child] of Object.entries(n)) {
      if (key === 'properties' || key === '$defs' || key === 'patternProperties') {
        for (const [name, sub] of Object.entries((child ?? {}) as Record<string, unknown>)) {
          visit(sub, key === 'properties' ? `${at}/${name}` : `${at}/${key}/${name}`);
        }
      } else if (typeof child === 'object') {
        visit(child, at);
      }
    }
  };
  visit(json, '');
  return found;
}
