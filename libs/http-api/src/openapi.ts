import { z } from 'zod';
import { DEFAULT_PREFIX } from './register';
import type { HttpMethod, Route } from './route';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

export interface BuildOpenApiOptions {
  /** Base path of every route; default `/api/v1` (as registerRoutes). */
  prefix?: string;
  /** `servers` of the document; default none (the document's own origin). */
  servers?: { url: string; description?: string }[];
}

type JsonSchema = Record<string, unknown>;

/** The OpenAPI 3.1 document (loosely typed: it is meant to be serialized). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: OpenApiInfo;
  servers?: { url: string; description?: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    securitySchemes: Record<string, JsonSchema>;
    schemas: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
  };
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  deprecated?: boolean;
  parameters: OpenApiParameter[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, JsonSchema>;
  security: Record<string, string[]>[];
  'x-hoody-auth': Route['auth'];
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

const ERROR_RESPONSES: Record<string, { status: number; description: string; example: string }> = {
  BadRequest: { status: 400, description: 'Invalid request (VALIDATION_FAILED, INVALID_ID_FORMAT)', example: 'VALIDATION_FAILED' },
  Unauthorized: { status: 401, description: 'Missing, invalid or expired token', example: 'MISSING_TOKEN' },
  Forbidden: { status: 403, description: 'Not allowed (INSUFFICIENT_PERMISSIONS, REALM_SCOPE_REQUIRED)', example: 'INSUFFICIENT_PERMISSIONS' },
  NotFound: { status: 404, description: 'No such resource (<RESOURCE>_NOT_FOUND)', example: 'CONTAINER_NOT_FOUND' },
  PayloadTooLarge: { status: 413, description: 'Body larger than 1 MiB', example: 'PAYLOAD_TOO_LARGE' },
  InternalError: { status: 500, description: 'Unexpected failure', example: 'INTERNAL_ERROR' },
  ServiceUnavailable: { status: 503, description: 'A service behind the gateway is unavailable', example: 'SERVICE_UNAVAILABLE' },
};

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The OpenAPI 3.1 document of the routes: paths under the base path with `{param}` syntax,
 * parameters, request bodies, the success envelope of each route, the error shape, bearer auth.
 * Schemas with a zod `id` (`.meta({ id: 'Container' })`) become `components.schemas` entries.
 */
export function buildOpenApi(routes: readonly Route[], info: OpenApiInfo, options: BuildOpenApiOptions = {}): OpenApiDocument {
  const prefix = (options.prefix ?? DEFAULT_PREFIX).replace(/\/+$/, '');
  const components = new SchemaComponents();
  components.set('ValidationIssue', {
    type: 'object',
    required: ['instancePath', 'message'],
    additionalProperties: false,
    properties: {
      instancePath: { type: 'string', description: 'JSON pointer into the body, query or path parameters' },
      message: { type: 'string' },
    },
  });
  components.set('Error', {
    type: 'object',
    required: ['statusCode', 'error', 'message'],
    additionalProperties: false,
    properties: {
      statusCode: { type: 'integer', minimum: 400, maximum: 599 },
      error: { type: 'string', description: 'Machine code', examples: ['VALIDATION_FAILED'] },
      message: { type: 'string', description: 'Human text' },
      data: { type: 'array', items: { $ref: '#/components/schemas/ValidationIssue' }, description: 'On validation failures' },
    },
  });

  // Responses first: a named schema's output form gets the plain name, its input form `<id>Input`.
  for (const route of routes) components.convert(route.response.data, 'output');

  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  const operationIds = new Set<string>();
  for (const route of routes) {
    const path = route.path === '/' ? `${prefix}/` : `${prefix}${route.openApiPath}`;
    const item = (paths[path] ??= {});
    route.tags.forEach((t) => tags.add(t));
    route.methods.forEach((method, index) => {
      const operationId = index === 0 ? route.operationId : `${route.operationId}${capitalize(method)}`;
      if (operationIds.has(operationId)) throw new Error(`buildOpenApi: duplicate operationId ${operationId}`);
      operationIds.add(operationId);
      item[method.toLowerCase()] = operation(route, method, operationId, components);
    });
  }

  return {
    openapi: '3.1.0',
    info: { ...info },
    ...(options.servers ? { servers: options.servers } : {}),
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'hdy_…',
          description: 'An API token, `Authorization: Bearer hdy_…` (a bare `hdy_…` is accepted too)',
        },
      },
      schemas: components.all(),
      responses: Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([name, r]) => [
          name,
          {
            description: r.description,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        ]),
      ),
    },
  };
}

function operation(route: Route, method: HttpMethod, operationId: string, components: SchemaComponents): OpenApiOperation {
  const parameters: OpenApiParameter[] = [];
  if (route.params) {
    const json = components.convert(route.params, 'input');
    const properties = (json['properties'] ?? {}) as Record<string, JsonSchema>;
    for (const name of route.paramNames) parameters.push(parameter(name, 'path', true, properties[name] ?? { type: 'string' }));
  }
  if (route.query) {
    const json = components.convert(route.query, 'input');
    const required = new Set((json['required'] ?? []) as string[]);
    for (const [name, schema] of Object.entries((json['properties'] ?? {}) as Record<string, JsonSchema>)) {
      parameters.push(parameter(name, 'query', required.has(name), schema));
    }
  }

  const op: OpenApiOperation = {
    operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    ...(route.deprecated ? { deprecated: true } : {}),
    parameters,
    responses: {},
    security: route.auth === 'none' ? [] : [{ bearerAuth: [] }],
    'x-hoody-auth': route.auth,
  };

  if (route.body || (route.refused.size > 0 && method !== 'GET')) {
    const schema: JsonSchema = route.body
      ? { ...components.convert(route.body, 'input') }
      : { type: 'object', properties: {}, additionalProperties: false };
    if (route.refused.size > 0) {
      const properties = { ...((schema['properties'] ?? {}) as Record<string, JsonSchema>) };
      for (const [field, refusal] of route.refused) {
        properties[field] ??= { description: `Not supported on this platform: ${refusal.message}. Refused unless false or absent.` };
      }
      schema['properties'] = properties;
    }
    const required = (schema['required'] ?? []) as string[];
    op.requestBody = { required: required.length > 0, content: { 'application/json': { schema } } };
  }

  const { status, message, data, description } = route.response;
  op.responses[String(status)] = {
    description: description ?? (typeof message === 'string' ? message : 'Success'),
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['statusCode', 'message', 'data'],
          additionalProperties: false,
          properties: {
            statusCode: { type: 'integer', const: status },
            message: { type: 'string', ...(typeof message === 'string' ? { examples: [message] } : {}) },
            data: components.convert(data, 'output'),
          },
        },
      },
    },
  };
  const errors = ['BadRequest'];
  if (route.auth !== 'none') errors.push('Unauthorized', 'Forbidden');
  if (route.params) errors.push('NotFound');
  if (route.body) errors.push('PayloadTooLarge');
  errors.push('InternalError', 'ServiceUnavailable');
  for (const name of errors) op.responses[String(ERROR_RESPONSES[name].status)] = { $ref: `#/components/responses/${name}` };
  return op;
}

function parameter(name: string, where: 'path' | 'query', required: boolean, schema: JsonSchema): OpenApiParameter {
  const { description, ...rest } = schema as { description?: string } & JsonSchema;
  return { name, in: where, required, ...(description ? { description } : {}), schema: rest };
}

function capitalize(method: string): string {
  return method.charAt(0) + method.slice(1).toLowerCase();
}

/**
 * Converts zod schemas to JSON Schema 2020-12 (what OpenAPI 3.1 uses) and collects the named
 * ones (`.meta({ id })`) as components, `$ref`'d as `#/components/schemas/<id>`. When a named
 * schema reads differently as input and as output (defaults make fields optional on input), the
 * input form is `<id>Input`.
 */
class SchemaComponents {
  private readonly schemas = new Map<string, JsonSchema>();
  private readonly keys = new Map<string, string>();
  private readonly converted = new Map<z.ZodType, Partial<Record<'input' | 'output', JsonSchema>>>();

  set(name: string, schema: JsonSchema): void {
    this.schemas.set(name, schema);
    this.keys.set(name, stableStringify(schema));
  }

  all(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.schemas.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const cached = this.converted.get(schema)?.[io];
    if (cached) return cached;
    const result = this.doConvert(schema, io);
    this.converted.set(schema, { ...this.converted.get(schema), [io]: result });
    return result;
  }

  private doConvert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
    delete json['$schema'];
    const defs = (json['$defs'] ?? {}) as Record<string, JsonSchema>;
    delete json['$defs'];

    const names = new Map<string, string>();
    for (const [id, def] of Object.entries(defs)) {
      const candidates = io === 'input' ? [id, `${id}Input`] : [id];
      const key = stableStringify(rewrite(def, new Map())); // refs compared by their zod ids
      const name = candidates.find((c) => !this.keys.has(c) || this.keys.get(c) === key);
      if (!name) throw new Error(`buildOpenApi: two different schemas are named ${id}`);
      names.set(id, name);
      this.keys.set(name, key);
    }
    for (const [id, def] of Object.entries(defs)) this.schemas.set(names.get(id) ?? id, rewrite(def, names));
    return rewrite(json, names);
  }
}

/** Rewrites `#/$defs/X` refs to components and drops the safe-integer bounds zod adds to every int. */
function rewrite<T>(node: T, names: Map<string, string>): T {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, names)) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node as JsonSchema)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')) {
      const id = value.slice('#/$defs/'.length);
      out[key] = `#/components/schemas/${names.get(id) ?? id}`;
    } else if ((key === 'maximum' && value === MAX_SAFE) || (key === 'minimum' && value === -MAX_SAFE)) {
      continue;
    } else {
      out[key] = rewrite(value, names);
    }
  }
  return out as T;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.entries(value as JsonSchema).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}
