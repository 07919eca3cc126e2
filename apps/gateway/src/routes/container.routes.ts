import { scheduler } from '@hoody/contracts';
import { booleanQuery, defineRoute, idSchema, integerQuery, paged, pagedSchema, pageQuerySchema, type Route } from '@hoody/http-api';
import { z } from 'zod';
import { as, type Backends } from '../backends';
import { CONTAINER_STATUSES, containerResource, containerSchema, OPERATIONS, operationValue, statusName } from '../container-resources';
import { pageRequest } from './paging';

/** The smallest limits a container can run with: Docker refuses less than 0.01 CPU, the runtime less than 6 MiB. */
export const MIN_CPU = 0.01;
export const MIN_MEMORY_GIB = 0.006;

const NAME = z.string().min(3).max(100).regex(/^[a-zA-Z0-9_-]+$/, 'may contain only letters, digits, _ and -');
/** Environment variables of a container (also of a prespawn template's warm containers). */
export const environmentVars = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string().max(32_768));

const createBody = z.strictObject({
  server_id: idSchema,
  name: NAME.optional(),
  container_image: z.string().min(1).max(255).optional(),
  environment_vars: environmentVars.optional(),
  hoody_kit: z.boolean().optional(),
  dev_kit: z.boolean().optional(),
  autostart: z.boolean().optional(),
  ramdisk: z.boolean().optional(),
  realm_ids: z.array(idSchema).max(100).optional(),
  prespawn: z.boolean().optional(),
  bypass_prespawn: z.boolean().optional(),
  cpu: z.number().min(MIN_CPU).max(256).optional(),
  memory: z.number().min(MIN_MEMORY_GIB).max(4096).optional(),
  // hosted-contract fields accepted and ignored here
  color: z.string().max(32).optional(),
  comment: z.string().max(1000).optional(),
  ai: z.unknown().optional(),
  cache: z.unknown().optional(),
  cache_image: z.unknown().optional(),
});

/** Nobody gets the host: these hosted or Docker-level options are refused with the reason. */
const refused = {
  kvm: 'KVM is not available on this platform',
  privileged: 'privileged containers are not allowed: nobody gets the host through the API',
  host_network: 'the host network is not available to containers',
  network_mode: 'the network mode is set by the platform',
  devices: 'devices are not available to containers',
  volumes: 'host mounts are not available; use hoody_kit storage and storage shares',
  binds: 'host mounts are not available; use hoody_kit storage and storage shares',
  cap_add: 'extra capabilities are not allowed',
};

const listQuery = pageQuerySchema(['id', 'name', 'status', 'created_at', 'updated_at'], { defaultSortBy: 'created_at' }).extend({
  realm_id: idSchema.optional(),
  include_prespawn: booleanQuery().default(false),
});

export function containerRoutes({ containers }: Backends): Route[] {
  const list = (projectId: string) => async ({ query, principal }: { query: z.infer<typeof listQuery>; principal: Parameters<typeof as>[0] }) => {
    const result = await containers.listContainers(
      { page: pageRequest(query), realmId: query.realm_id ?? '', includePrespawn: query.include_prespawn, projectId, serverId: '' },
      as(principal),
    );
    return paged(result.containers.map(containerResource), result.pagination?.total ?? 0, query.page, query.limit, 'containers');
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/projects/:project_id/containers',
      operationId: 'createContainer',
      summary: 'Create a container on a server (running when the call returns, or creating if provisioning outlasts the wait)',
      tags: ['containers'],
      params: { project_id: idSchema },
      body: createBody,
      refused,
      response: { status: 201, data: containerSchema, message: (c) => `Container ${c.name} ${c.status === 'running' ? 'created' : c.status}` },
      auth: 'token',
      handler: async ({ params, body, principal }) => {
        const created = await containers.createContainer(
          scheduler.CreateContainerRequest.fromPartial({
            projectId: params.project_id,
            serverId: body.server_id,
            name: body.name ?? '',
            containerImage: body.container_image ?? '',
            environmentVars: body.environment_vars ?? {},
            hoodyKit: body.hoody_kit,
            devKit: body.dev_kit ?? false,
            autostart: body.autostart,
            ramdisk: body.ramdisk ?? false,
            realmIds: body.realm_ids ?? [],
            prespawn: body.prespawn ?? false,
            bypassPrespawn: body.bypass_prespawn ?? false,
            cpu: body.cpu ?? 0,
            memory: body.memory ?? 0,
            color: body.color ?? '',
            comment: body.comment ?? '',
          }),
          as(principal),
        );
        return containerResource(created.container);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/containers',
      operationId: 'listContainers',
      summary: 'Containers the caller may see',
      tags: ['containers'],
      query: listQuery,
      response: { data: pagedSchema('containers', containerSchema), message: 'Containers retrieved' },
      auth: 'token',
      cache: true,
      handler: ({ query, principal }) => list('')({ query, principal }),
    }),
    defineRoute({
      method: 'GET',
      path: '/projects/:id/containers',
      operationId: 'listProjectContainers',
      summary: "A project's containers",
      tags: ['containers', 'projects'],
      params: { id: idSchema },
      query: listQuery,
      response: { data: pagedSchema('containers', containerSchema), message: 'Containers retrieved' },
      auth: 'token',
      cache: true,
      handler: ({ params, query, principal }) => list(params.id)({ query, principal }),
    }),
    defineRoute({
      method: 'GET',
      path: '/containers/:id',
      operationId: 'getContainer',
      summary: 'A container',
      tags: ['containers'],
      params: { id: idSchema },
      response: { data: containerSchema, message: 'Container retrieved' },
      auth: 'token',
      cache: true,
      handler: async ({ params, principal }) => containerResource((await containers.getContainer({ id: params.id }, as(principal))).container),
    }),
    defineRoute({
      method: ['PUT', 'PATCH'],
      path: '/containers/:id',
      operationId: 'updateContainer',
      summary: 'Change a container',
      tags: ['containers'],
      params: { id: idSchema },
      body: z.strictObject({
        name: NAME,
        color: z.string().max(32),
        autostart: z.boolean(),
        environment_vars: environmentVars,
        comment: z.string().max(1000),
        realm_ids: z.array(idSchema).max(100),
      }).partial(),
      response: { data: containerSchema, message: 'Container updated' },
      auth: 'token',
      handler: async ({ params, body, principal }) => {
        const updated = await containers.updateContainer(
          scheduler.UpdateContainerRequest.fromPartial({
            id: params.id,
            name: body.name,
            color: body.color,
            autostart: body.autostart,
            environmentVars: body.environment_vars ? { values: body.environment_vars } : undefined,
            comment: body.comment,
            realmIds: body.realm_ids ? { values: body.realm_ids } : undefined,
          }),
          as(principal),
        );
        return containerResource(updated.container);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/containers/:id',
      operationId: 'deleteContainer',
      summary: 'Delete a container (its Docker container and storage go with it)',
      tags: ['containers'],
      params: { id: idSchema },
      response: { data: z.null(), message: 'Container deleted' },
      auth: 'token',
      handler: async ({ params, principal }) => {
        await containers.deleteContainer({ id: params.id }, as(principal));
        return null;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/containers/:id/:operation',
      operationId: 'manageContainer',
      summary: 'start, stop, force-stop, restart, pause (freezes its processes) or resume',
      tags: ['containers'],
      params: { id: idSchema, operation: z.enum(OPERATIONS) },
      response: {
        data: z.strictObject({ operation: z.enum(OPERATIONS), container_id: idSchema, project_id: idSchema, status: z.enum(CONTAINER_STATUSES) }),
        message: (d) => `Container ${d.operation} done`,
      },
      auth: 'token',
      handler: async ({ params, principal }) => {
        const result = await containers.manageContainer({ id: params.id, operation: operationValue[params.operation] }, as(principal));
        return { operation: params.operation, container_id: result.containerId, project_id: result.projectId, status: statusName(result.status) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/containers/:id/status-logs',
      operationId: 'getContainerStatusLogs',
      summary: "A container's status transitions",
      tags: ['containers'],
      params: { id: idSchema },
      query: pageQuerySchema(['transition_time'], { defaultSortBy: 'transition_time' }),
      response: {
        data: z.strictObject({
          logs: z.array(
            z.strictObject({
              id: z.string(),
              container_id: idSchema,
              from_status: z.enum(CONTAINER_STATUSES).nullable(),
              to_status: z.enum(CONTAINER_STATUSES),
              transition_time: z.string(),
              duration_ms: z.number().nullable(),
              triggered_by: z.string(),
            }),
          ),
          pagination: z.strictObject({ total: z.number(), page: z.number(), limit: z.number(), totalPages: z.number() }),
        }),
        message: 'Status logs retrieved',
      },
      auth: 'token',
      cache: true,
      handler: async ({ params, query, principal }) => {
        const result = await containers.getStatusLogs({ id: params.id, page: pageRequest(query) }, as(principal));
        const logs = result.logs.map((l) => ({
          id: l.id,
          container_id: l.containerId,
          from_status: l.fromStatus === scheduler.ContainerStatus.UNSPECIFIED ? null : statusName(l.fromStatus),
          to_status: statusName(l.toStatus),
          transition_time: l.transitionTime ? new Date(l.transitionTime.seconds * 1000 + Math.floor(l.transitionTime.nanos / 1e6)).toISOString() : '',
          duration_ms: l.durationMs || null,
          triggered_by: l.triggeredBy,
        }));
        const total = result.pagination?.total ?? logs.length;
        return { logs, pagination: { total, page: query.page, limit: query.limit, totalPages: Math.ceil(total / query.limit) } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/containers/:id/stats',
      operationId: 'getContainerStats',
      summary: 'CPU, memory, network and process figures of a running container',
      tags: ['containers'],
      params: { id: idSchema },
      response: {
        data: z.strictObject({
          container_id: idSchema,
          cpu_percent: z.number(),
          memory_bytes: z.number(),
          memory_limit_bytes: z.number(),
          memory_percent: z.number(),
          network: z.strictObject({ rx_bytes: z.number(), tx_bytes: z.number() }),
          pids: z.number(),
        }),
        message: 'Stats retrieved',
      },
      auth: 'token',
      handler: async ({ params, principal }) => {
        const s = (await containers.getContainerStats({ id: params.id }, as(principal))).stats;
        return {
          container_id: params.id,
          cpu_percent: s?.cpuPercent ?? 0,
          memory_bytes: s?.memoryBytes ?? 0,
          memory_limit_bytes: s?.memoryLimitBytes ?? 0,
          memory_percent: s?.memoryPercent ?? 0,
          network: { rx_bytes: s?.network?.rxBytes ?? 0, tx_bytes: s?.network?.txBytes ?? 0 },
          pids: s?.pids ?? 0,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/containers/:id/exec',
      operationId: 'execInContainer',
      summary: 'Run a command in a running container',
      tags: ['containers'],
      params: { id: idSchema },
      body: z.strictObject({ cmd: z.array(z.string()).min(1).max(1000), env: environmentVars.optional(), timeout_s: z.number().int().min(1).max(3600).optional() }),
      response: { data: z.strictObject({ exit_code: z.number().int(), stdout: z.string(), stderr: z.string() }), message: 'Command ran' },
      auth: 'token',
      handler: async ({ params, body, principal }) => {
        const r = await containers.execInContainer({ id: params.id, cmd: body.cmd, env: body.env ?? {}, timeoutSeconds: body.timeout_s ?? 60 }, as(principal));
        return { exit_code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/containers/:id/logs',
      operationId: 'getContainerLogs',
      summary: "A container's output",
      tags: ['containers'],
      params: { id: idSchema },
      query: z.object({ tail: integerQuery().optional() }),
      response: { data: z.strictObject({ lines: z.array(z.string()) }), message: 'Logs retrieved' },
      auth: 'token',
      handler: async ({ params, query, principal }) => ({ lines: (await containers.getContainerLogs({ id: params.id, tail: query.tail ?? 0 }, as(principal))).lines }),
    }),
  ];
}
