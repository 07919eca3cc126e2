import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY } from '@hoody/contracts';
import { z } from 'zod';
import {
  ApiError,
  type Authenticator,
  booleanQuery,
  defineRoute,
  idSchema,
  type Principal,
  paged,
  pagedSchema,
  pageQuerySchema,
  type Route,
} from '../index';

// A small slice of the contract (containers, users, health), enough to exercise every convention.

export const PROJECT_ID = '0123456789abcdef01234567';
export const CONTAINER_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
export const SERVER_ID = 'bbbbbbbbbbbbbbbbbbbbbbbb';
export const REALM_ID = 'cccccccccccccccccccccccc';

export const USER: Principal = { userId: 'u1', tokenId: 't1', isAdmin: false, realmIds: [], allowNoRealm: true };
export const ADMIN: Principal = { userId: 'admin', tokenId: 't0', isAdmin: true, realmIds: [], allowNoRealm: true };
export const REALM_USER: Principal = { userId: 'u2', tokenId: 't2', isAdmin: false, realmIds: [REALM_ID], allowNoRealm: false };

export function grpcError(code: status, details: string, machineCode?: string): ServiceError {
  const metadata = new Metadata();
  if (machineCode) metadata.set(ERROR_CODE_METADATA_KEY, machineCode);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

/** Tokens: hdy_user, hdy_admin, hdy_realm (realm-restricted, no realm-less access), hdy_expired, hdy_down. */
export const authenticate: jest.MockedFunction<Authenticator> = jest.fn(async (token, context) => {
  switch (token) {
    case 'hdy_user':
      return USER;
    case 'hdy_admin':
      return ADMIN;
    case 'hdy_realm':
      if (!context.realmHost) {
        throw new ApiError(403, 'REALM_SCOPE_REQUIRED', 'This token may only be used on a realm host');
      }
      return REALM_USER;
    case 'hdy_expired':
      throw new ApiError(401, 'TOKEN_EXPIRED', 'Token expired');
    case 'hdy_down':
      throw grpcError(status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED 10.0.0.7:50051');
    default:
      throw new ApiError(401, 'INVALID_TOKEN', 'Invalid token');
  }
});

export const containerSchema = z
  .strictObject({
    id: idSchema,
    project_id: idSchema,
    server_id: idSchema,
    name: z.string(),
    status: z.enum(['creating', 'running', 'stopped']),
    hoody_kit: z.boolean(),
    environment_vars: z.record(z.string(), z.string()),
    realm_ids: z.array(idSchema),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'Container' });
export type Container = z.output<typeof containerSchema>;

export function container(n: number, overrides: Partial<Container> = {}): Container {
  return {
    id: n.toString(16).padStart(24, '0'),
    project_id: PROJECT_ID,
    server_id: SERVER_ID,
    name: `c-${n}`,
    status: 'running',
    hoody_kit: true,
    environment_vars: {},
    realm_ids: [],
    created_at: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const containerName = z
  .string()
  .min(3)
  .max(100)
  .regex(/^[a-zA-Z0-9_-]+$/, 'may contain only letters, digits, _ and -');

export const createContainerBody = z.strictObject({
  server_id: idSchema,
  name: containerName.optional(),
  container_image: z.string().optional(),
  environment_vars: z.record(z.string(), z.string()).optional(),
  hoody_kit: z.boolean().default(true),
  autostart: z.boolean().default(true),
  realm_ids: z.array(idSchema).optional(),
  prespawn: z.boolean().optional(),
  bypass_prespawn: z.boolean().optional(),
  color: z.string().optional(), // accepted and ignored
  cpu: z.number().positive().optional(),
});

/** Containers stored by the routes below (reset per test by `reset()`). */
export const store = { containers: [] as Container[] };
export function reset(count = 0): void {
  store.containers = Array.from({ length: count }, (_, i) => container(i + 1));
  authenticate.mockClear();
}

const OPERATIONS = ['start', 'stop', 'force-stop', 'restart', 'pause', 'resume'] as const;

function find(id: string): Container {
  const found = store.containers.find((c) => c.id === id);
  if (!found) throw ApiError.notFound('container');
  return found;
}

export const routes: Route[] = [
  defineRoute({
    method: 'GET',
    path: '/health',
    operationId: 'getHealth',
    summary: 'Platform health',
    tags: ['health'],
    response: { data: z.strictObject({ status: z.literal('ok'), realm: z.string().nullable() }), message: 'Healthy' },
    auth: 'none',
    handler: ({ realmHost }) => ({ status: 'ok' as const, realm: realmHost ?? null }),
  }),
  defineRoute({
    method: 'POST',
    path: '/projects/:project_id/containers',
    operationId: 'createContainer',
    summary: 'Create a container',
    tags: ['containers'],
    params: { project_id: idSchema },
    body: createContainerBody,
    refused: {
      kvm: 'KVM is not available on this platform',
      gpu: { message: 'GPUs are not available on this platform', accepts: (v) => v === undefined || v === 0 },
    },
    response: { status: 201, data: containerSchema, message: (c) => `Container ${c.name} created` },
    auth: 'token',
    handler: ({ params, body, realmHost }) => {
      if (body.name && store.containers.some((c) => c.name === body.name)) {
        throw new ApiError(409, 'NAME_TAKEN', `A container named ${body.name} already exists in this project`);
      }
      const created = container(store.containers.length + 1, {
        project_id: params.project_id,
        server_id: body.server_id,
        name: body.name ?? `generated-${store.containers.length + 1}`,
        hoody_kit: body.hoody_kit,
        environment_vars: body.environment_vars ?? {},
        realm_ids: [...(body.realm_ids ?? []), ...(realmHost ? [realmHost] : [])],
      });
      store.containers.push(created);
      return created;
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/containers',
    operationId: 'listContainers',
    summary: 'List containers',
    tags: ['containers'],
    query: pageQuerySchema(['id', 'name', 'status', 'created_at', 'updated_at'], { defaultSortBy: 'created_at' }).extend({
      realm_id: idSchema.optional(),
      include_prespawn: booleanQuery().default(false),
    }),
    response: { data: pagedSchema('containers', containerSchema), message: 'Containers retrieved' },
    auth: 'token',
    handler: ({ query }) => {
      const sorted = [...store.containers].sort((a, b) => {
        const key = query.sort_by === 'updated_at' ? 'created_at' : query.sort_by;
        const order = a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0;
        return query.sort_order === 'asc' ? order : -order;
      });
      const start = (query.page - 1) * query.limit;
      return paged(sorted.slice(start, start + query.limit), sorted.length, query.page, query.limit, 'containers');
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/containers/:id',
    operationId: 'getContainer',
    summary: 'Get a container',
    tags: ['containers'],
    params: { id: idSchema },
    response: { data: containerSchema, message: 'Container retrieved' },
    auth: 'token',
    handler: ({ params }) => find(params.id),
  }),
  defineRoute({
    method: ['PUT', 'PATCH'],
    path: '/containers/:id',
    operationId: 'updateContainer',
    summary: 'Update a container',
    tags: ['containers'],
    params: { id: idSchema },
    body: z.strictObject({
      name: containerName.optional(),
      color: z.string().optional(),
      comment: z.string().max(1000).optional(),
      autostart: z.boolean().optional(),
      environment_vars: z.record(z.string(), z.string()).optional(),
    }),
    response: { data: containerSchema, message: 'Container updated' },
    auth: 'token',
    handler: ({ params, body }) => {
      const found = find(params.id);
      if (body.name) found.name = body.name;
      if (body.environment_vars) found.environment_vars = body.environment_vars;
      return found;
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/containers/:id',
    operationId: 'deleteContainer',
    summary: 'Delete a container',
    tags: ['containers'],
    params: { id: idSchema },
    response: { data: z.null(), message: 'Container deleted' },
    auth: 'token',
    handler: ({ params }) => {
      find(params.id);
      store.containers = store.containers.filter((c) => c.id !== params.id);
      return null;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/containers/:id/:operation',
    operationId: 'manageContainer',
    summary: 'Start, stop, restart, pause or resume a container',
    tags: ['containers'],
    params: { id: idSchema, operation: z.enum(OPERATIONS) },
    response: {
      data: z.strictObject({ operation: z.enum(OPERATIONS), container_id: idSchema, status: z.string() }),
      message: (d) => `Operation ${d.operation} done`,
    },
    auth: 'token',
    handler: ({ params }) => {
      const found = find(params.id);
      if (params.operation === 'resume' && found.status !== 'stopped') {
        throw grpcError(status.FAILED_PRECONDITION, `Cannot resume a ${found.status} container`, 'INVALID_STATE');
      }
      return { operation: params.operation, container_id: found.id, status: found.status };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/containers/:id/exec',
    operationId: 'execContainer',
    summary: 'Run a command in a container',
    tags: ['containers'],
    params: { id: idSchema },
    body: z.strictObject({
      cmd: z.array(z.string()).min(1),
      env: z.record(z.string(), z.string()).optional(),
      timeout_s: z.number().int().min(1).max(3600).optional(),
      options: z.strictObject({ tty: z.boolean().optional() }).optional(),
    }),
    response: { data: z.strictObject({ exit_code: z.number().int(), stdout: z.string(), stderr: z.string() }), message: 'Command run' },
    auth: 'token',
    handler: ({ params, body }) => {
      find(params.id);
      if (body.cmd[0] === 'boom') throw new Error('dockerd socket /var/run/docker.sock: connection reset');
      if (body.cmd[0] === 'scheduler-down') throw grpcError(status.UNAVAILABLE, 'connect ECONNREFUSED 10.0.0.9:50052');
      return { exit_code: 0, stdout: body.cmd.join(' '), stderr: '' };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/users',
    operationId: 'createUser',
    summary: 'Create a user (admin)',
    tags: ['users'],
    body: z.strictObject({ username: z.string().min(1).max(64) }),
    response: { status: 201, data: z.strictObject({ username: z.string(), created_by: z.string() }), message: 'User created' },
    auth: 'admin',
    handler: ({ body, principal }) => ({ username: body.username, created_by: principal.userId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/broken',
    operationId: 'getBroken',
    summary: 'Answers data that does not match its schema',
    response: { data: z.strictObject({ n: z.number() }), message: 'ok' },
    auth: 'none',
    handler: () => ({ n: 'one' }) as unknown as { n: number },
  }),
];
