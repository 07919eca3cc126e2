import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { buildOpenApi, defineRoute, type OpenApiDocument, type OpenApiOperation } from './index';
import { routes } from './testing/fixtures';

const doc = buildOpenApi(routes, { title: 'Hoody API', version: '1.0.0' }, { servers: [{ url: 'http://api.localhost:7400' }] });

const operations = (d: OpenApiDocument = doc) =>
  Object.entries(d.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

/** An ajv (JSON Schema 2020-12, as OpenAPI 3.1) holding the document, so `#/components/...` refs resolve. */
function ajvFor(d: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, strictTuples: false });
  addFormats(ajv);
  // The document itself is registered under its id (its top-level fields declared as keywords);
  // the schemas in it are compiled one by one, strictly.
  ajv.addVocabulary(['openapi', 'info', 'servers', 'tags', 'paths', 'components']);
  ajv.addSchema({ ...d, $id: 'openapi.json' });
  return ajv;
}

/** Compiles the schema at a JSON pointer of the document (its `$ref`s resolve against the document). */
function compileAt(ajv: Ajv2020, pointer: string) {
  const validate = ajv.getSchema(`openapi.json#${pointer}`);
  if (!validate) throw new Error(`no schema at ${pointer}`);
  return validate;
}

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function bodyOf(op: OpenApiOperation) {
  if (!op.requestBody) throw new Error(`${op.operationId} documents no body`);
  return op.requestBody;
}

describe('buildOpenApi', () => {
  it('is an OpenAPI 3.1 document with info, servers, tags and bearer auth', () => {
    expect(doc).toMatchObject({
      openapi: '3.1.0',
      info: { title: 'Hoody API', version: '1.0.0' },
      servers: [{ url: 'http://api.localhost:7400' }],
      tags: [{ name: 'containers' }, { name: 'health' }, { name: 'users' }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('has every route and method, under the base path with {param} syntax', () => {
    const expected = routes.flatMap((r) => r.methods.map((m) => `${m.toLowerCase()} /api/v1${r.openApiPath}`)).sort();
    expect(operations().map(({ path, method }) => `${method} ${path}`).sort()).toEqual(expected);
    expect(Object.keys(doc.paths)).toContain('/api/v1/projects/{project_id}/containers');
    expect(Object.keys(doc.paths).every((p) => !p.includes(':'))).toBe(true);
  });

  it('gives every operation a unique operationId, the extra methods suffixed', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/api/v1/containers/{id}']['put'].operationId).toBe('updateContainer');
    expect(doc.paths['/api/v1/containers/{id}']['patch'].operationId).toBe('updateContainerPatch');
  });

  it('declares every path parameter, and no other', () => {
    for (const { path, op } of operations()) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = op.parameters.filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name)).toEqual(inPath);
      expect(declared.every((p) => p.required)).toBe(true);
    }
    const getContainer = doc.paths['/api/v1/containers/{id}']['get'];
    expect(getContainer.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{24}$' } }]);
  });

  it('declares query parameters with their defaults', () => {
    const list = doc.paths['/api/v1/containers']['get'];
    expect(list.parameters).toEqual([
      { name: 'page', in: 'query', required: false, description: 'Page number, from 1', schema: { type: 'integer', minimum: 1, default: 1 } },
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'Items per page (at most 100)',
        schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
      },
      {
        name: 'sort_by',
        in: 'query',
        required: false,
        description: 'Field to sort by',
        schema: { type: 'string', enum: ['id', 'name', 'status', 'created_at', 'updated_at'], default: 'created_at' },
      },
      { name: 'sort_order', in: 'query', required: false, description: 'Sort direction', schema: { type: 'string', enum: ['asc', 'desc'], default: 'desc' } },
      { name: 'realm_id', in: 'query', required: false, schema: { type: 'string', pattern: '^[0-9a-f]{24}$' } },
      { name: 'include_prespawn', in: 'query', required: false, schema: { type: 'boolean' } },
    ]);
  });

  it('documents request bodies as strict objects, with the refused fields', () => {
    const create = doc.paths['/api/v1/projects/{project_id}/containers']['post'];
    const schema = bodyOf(create).content['application/json'].schema;
    expect(bodyOf(create).required).toBe(true);
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false, required: ['server_id'] });
    expect(Object.keys(schema['properties'] as object)).toEqual(expect.arrayContaining(['server_id', 'name', 'hoody_kit', 'kvm', 'gpu']));
    expect((schema['properties'] as Record<string, { description: string }>)['kvm'].description).toMatch(/^Not supported on this platform: KVM/);
    const update = doc.paths['/api/v1/containers/{id}']['patch'];
    expect(bodyOf(update).required).toBe(false);
    expect(doc.paths['/api/v1/containers/{id}']['get'].requestBody).toBeUndefined();
  });

  it('documents the success envelope of each route and the error responses', () => {
    const create = doc.paths['/api/v1/projects/{project_id}/containers']['post'];
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '404', '413', '500', '503']);
    expect(create.responses['201']).toEqual({
      description: 'Success',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['statusCode', 'message', 'data'],
            additionalProperties: false,
            properties: {
              statusCode: { type: 'integer', const: 201 },
              message: { type: 'string' },
              data: { $ref: '#/components/schemas/Container' },
            },
          },
        },
      },
    });
    expect(create.responses['400']).toEqual({ $ref: '#/components/responses/BadRequest' });
    const health = doc.paths['/api/v1/health']['get'];
    expect(Object.keys(health.responses).sort()).toEqual(['200', '400', '500', '503']);
    expect(doc.components.schemas['Error']).toMatchObject({ required: ['statusCode', 'error', 'message'] });
  });

  it('collects named schemas as components', () => {
    expect(Object.keys(doc.components.schemas).sort()).toEqual(['Container', 'Error', 'Pagination', 'ValidationIssue']);
    const list = doc.paths['/api/v1/containers']['get'].responses['200'] as { content: Record<string, { schema: { properties: { data: unknown } } }> };
    expect(list.content['application/json'].schema.properties.data).toEqual({
      type: 'object',
      properties: {
        containers: { type: 'array', items: { $ref: '#/components/schemas/Container' } },
        pagination: { $ref: '#/components/schemas/Pagination' },
      },
      required: ['containers', 'pagination'],
      additionalProperties: false,
    });
  });

  it('says who may call each operation', () => {
    const byId = Object.fromEntries(operations().map(({ op }) => [op.operationId, op] as [string, OpenApiOperation]));
    expect(byId['getHealth'].security).toEqual([]);
    expect(byId['getContainer'].security).toEqual([{ bearerAuth: [] }]);
    expect(byId['createUser']['x-hoody-auth']).toBe('admin');
  });

  it('holds only valid JSON Schema (2020-12), every $ref resolving', () => {
    const ajv = ajvFor(doc);
    const pointers: string[] = [];
    for (const name of Object.keys(doc.components.schemas)) pointers.push(`/components/schemas/${esc(name)}`);
    for (const { path, method, op } of operations()) {
      const at = `/paths/${esc(path)}/${method}`;
      op.parameters.forEach((_p, i) => pointers.push(`${at}/parameters/${i}/schema`));
      if (op.requestBody) pointers.push(`${at}/requestBody/content/application~1json/schema`);
      for (const [status, response] of Object.entries(op.responses)) {
        if (!('$ref' in response)) pointers.push(`${at}/responses/${status}/content/application~1json/schema`);
      }
    }
    expect(pointers.length).toBeGreaterThan(30);
    for (const pointer of pointers) expect(() => compileAt(ajv, pointer)).not.toThrow();

    // The check has teeth: a bad type or a dangling $ref fails.
    const broken = structuredClone(doc);
    broken.components.schemas['Error'] = { type: 'strnig' };
    broken.components.schemas['Dangling'] = { $ref: '#/components/schemas/Nothing' };
    const brokenAjv = ajvFor(broken);
    expect(() => compileAt(brokenAjv, '/components/schemas/Error')).toThrow();
    expect(() => compileAt(brokenAjv, '/components/schemas/Dangling')).toThrow();
  });

  it('names the input form of a schema that reads differently as input', () => {
    const thing = z.strictObject({ name: z.string(), enabled: z.boolean().default(true) }).meta({ id: 'Thing' });
    const routesWithThing = [
      defineRoute({
        method: 'POST',
        path: '/things',
        operationId: 'createThing',
        summary: 'Create a thing',
        body: z.strictObject({ thing }),
        response: { status: 201, data: thing, message: 'Created' },
        auth: 'token',
        handler: ({ body }) => body.thing,
      }),
    ];
    const d = buildOpenApi(routesWithThing, { title: 't', version: '1' });
    expect(d.components.schemas['Thing']).toMatchObject({ required: ['name', 'enabled'] });
    expect(d.components.schemas['ThingInput']).toMatchObject({ required: ['name'] });
    const body = bodyOf(d.paths['/api/v1/things']['post']).content['application/json'].schema;
    expect(body['properties']).toEqual({ thing: { $ref: '#/components/schemas/ThingInput' } });
  });
});
