import { z } from 'zod';
import { defineRoute, idSchema, paged, pagedSchema, pageQuerySchema, type Principal, RouteDefinitionError } from './index';

const item = z.strictObject({ id: idSchema, name: z.string() });
const base = {
  operationId: 'op',
  summary: 'An operation',
  response: { data: z.null(), message: 'Done' },
  auth: 'token' as const,
  handler: () => null,
};

describe('defineRoute', () => {
  it('normalizes the definition', () => {
    const route = defineRoute({ ...base, method: ['PUT', 'PATCH', 'PUT'], path: '/containers/:id/snapshots/:name', params: { id: idSchema, name: z.string() } });
    expect(route).toMatchObject({
      methods: ['PUT', 'PATCH'],
      openApiPath: '/containers/{id}/snapshots/{name}',
      paramNames: ['id', 'name'],
      tags: [],
      deprecated: false,
      response: { status: 200, message: 'Done' },
    });
    expect(route.pattern.test('/containers/a/snapshots/b')).toBe(true);
    expect(route.pattern.test('/containers/a/snapshots/b/')).toBe(true);
    expect(route.pattern.test('/containers/a/snapshots')).toBe(false);
    expect(Object.isFrozen(route)).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a path without a leading slash', { path: 'containers' }, 'path must start with /'],
    ['a trailing slash', { path: '/containers/' }, 'path must not end with /'],
    ['a bad segment', { path: '/containers/{id}' }, 'invalid path segment "{id}"'],
    ['a parameter without a schema', { path: '/containers/:id' }, 'no schema for path parameter :id'],
    ['a schema for no parameter', { path: '/containers', params: { id: idSchema } }, 'params.id is not in the path'],
    ['a duplicate parameter', { path: '/a/:id/b/:id', params: { id: idSchema } }, 'duplicate path parameter :id'],
    ['a lenient body object', { path: '/a', method: 'POST', body: z.object({ a: z.string() }) }, 'body objects must be strict (z.strictObject): not at (root)'],
    ['a lenient nested object', { path: '/a', method: 'POST', body: z.strictObject({ a: z.object({ b: z.string() }).optional() }) }, 'not at /a'],
    ['a lenient object in an array', { path: '/a', method: 'POST', body: z.strictObject({ a: z.array(z.object({ b: z.string() })) }) }, 'not at /a'],
    ['an unknown method', { path: '/a', method: 'TRACE' }, 'method must be one or more of'],
    ['no method', { path: '/a', method: [] }, 'method must be one or more of'],
    ['a bad status', { path: '/a', response: { status: 204, data: z.null(), message: 'x' } }, 'response.status must be 200, 201 or 202'],
    ['a bad operationId', { path: '/a', operationId: 'get-a' }, 'operationId must be an identifier'],
    ['a bad auth', { path: '/a', auth: 'maybe' }, "auth must be 'none', 'token' or 'admin'"],
    ['a refusal without message', { path: '/a', refused: { kvm: '' } }, 'refused.kvm needs a message'],
  ])('refuses %s', (_name, overrides, message) => {
    const define = () => defineRoute({ ...base, method: 'GET', ...overrides } as unknown as Parameters<typeof defineRoute>[0]);
    expect(define).toThrow(RouteDefinitionError);
    expect(define).toThrow(message);
  });

  it('accepts records and loose objects the author asked for', () => {
    expect(() =>
      defineRoute({
        ...base,
        method: 'POST',
        path: '/a',
        body: z.strictObject({ env: z.record(z.string(), z.string()), extra: z.looseObject({ a: z.string() }) }),
      }),
    ).not.toThrow();
  });
});

// Compile-time checks (the typecheck target compiles this file): the handler's types come from the schemas.
describe('types', () => {
  it('flow from the schemas into the handler', () => {
    const route = defineRoute({
      method: 'POST',
      path: '/projects/:project_id/containers',
      operationId: 'createContainer',
      summary: 'Create',
      params: { project_id: idSchema },
      query: z.object({ dry_run: z.stringbool().default(false) }),
      body: z.strictObject({ name: z.string().optional(), server_id: idSchema, autostart: z.boolean().default(true) }),
      response: { status: 201, data: item, message: (data) => `Created ${data.name}` },
      auth: 'token',
      handler: async (req) => {
        const projectId: string = req.params.project_id;
        const name: string | undefined = req.body.name;
        const autostart: boolean = req.body.autostart;
        const dryRun: boolean = req.query.dry_run;
        const principal: Principal = req.principal;
        const realm: string | undefined = req.realmHost;
        // @ts-expect-error: no such parameter
        void req.params.id;
        // @ts-expect-error: no such field
        void req.body.kvm;
        void [projectId, name, autostart, dryRun, principal, realm];
        return { id: req.body.server_id, name: name ?? 'generated' };
      },
    });
    expect(route.operationId).toBe('createContainer');

    defineRoute({
      method: 'GET',
      path: '/containers',
      operationId: 'listContainers',
      summary: 'List',
      query: pageQuerySchema(['id', 'name']),
      response: { data: pagedSchema('containers', item), message: 'ok' },
      auth: 'none',
      handler: (req) => {
        const sortBy: 'id' | 'name' = req.query.sort_by;
        const principal: undefined = req.principal;
        const body: undefined = req.body;
        void [sortBy, principal, body];
        return paged([], 0, req.query.page, req.query.limit, 'containers');
      },
    });

    // @ts-expect-error: a path parameter without a schema (refused at run time too)
    expect(() => defineRoute({ ...base, method: 'GET', path: '/containers/:id' })).toThrow(RouteDefinitionError);

    defineRoute({
      ...base,
      method: 'GET',
      path: '/containers/:id',
      params: { id: idSchema },
      response: { data: item, message: 'ok' },
      // @ts-expect-error: data that does not match the response schema
      handler: () => ({ id: 'a', name: 1 }),
    });

    defineRoute({
      ...base,
      method: 'GET',
      path: '/containers',
      response: { data: pagedSchema('containers', item), message: 'ok' },
      // @ts-expect-error: the list under the wrong key
      handler: () => paged([], 0, 1, 20, 'projects'),
    });
  });
});
