import { auth } from '@hoody/contracts';
import { defineRoute, idSchema, paged, pagedSchema, pageQuerySchema, type Route } from '@hoody/http-api';
import { z } from 'zod';
import { as, type Backends } from '../backends';
import { projectResource, projectSchema } from '../resources';
import { pageRequest } from './paging';

const projectFields = {
  alias: z.string().trim().min(1).max(100),
  color: z.string().max(32).nullable(),
  max_containers: z.number().int().min(0).max(100_000).nullable(),
  realm_ids: z.array(idSchema).max(100),
};

export function projectRoutes({ projects, containers }: Backends): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/projects',
      operationId: 'listProjects',
      summary: "The caller's projects",
      tags: ['projects'],
      query: pageQuerySchema(['created_at', 'updated_at', 'alias', 'id'], { defaultSortBy: 'created_at' }).extend({ realm_id: idSchema.optional() }),
      response: { data: pagedSchema('projects', projectSchema), message: 'Projects retrieved' },
      auth: 'token',
      handler: async ({ query, principal }) => {
        const list = await projects.listProjects({ page: pageRequest(query), realmId: query.realm_id ?? '' }, as(principal));
        return paged(list.projects.map(projectResource), list.pagination?.total ?? 0, query.page, query.limit, 'projects');
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/projects',
      operationId: 'createProject',
      summary: 'Create a project (alias unique per owner)',
      tags: ['projects'],
      body: z.strictObject(projectFields).partial().required({ alias: true }),
      response: { status: 201, data: projectSchema, message: (p) => `Project ${p.alias} created` },
      auth: 'token',
      handler: async ({ body, principal }) => {
        const created = await projects.createProject(
          { alias: body.alias, color: body.color ?? undefined, maxContainers: body.max_containers ?? undefined, realmIds: body.realm_ids ?? [] },
          as(principal),
        );
        return projectResource(created.project);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/projects/:id',
      operationId: 'getProject',
      summary: 'A project',
      tags: ['projects'],
      params: { id: idSchema },
      response: { data: projectSchema, message: 'Project retrieved' },
      auth: 'token',
      handler: async ({ params, principal }) => projectResource((await projects.getProject({ id: params.id }, as(principal))).project),
    }),
    defineRoute({
      method: ['PUT', 'PATCH'],
      path: '/projects/:id',
      operationId: 'updateProject',
      summary: 'Change a project',
      tags: ['projects'],
      params: { id: idSchema },
      body: z.strictObject(projectFields).partial(),
      response: { data: projectSchema, message: 'Project updated' },
      auth: 'token',
      handler: async ({ params, body, principal }) => {
        const updated = await projects.updateProject(
          auth.UpdateProjectRequest.fromPartial({
            id: params.id,
            alias: body.alias,
            color: body.color ?? undefined,
            clearColor: body.color === null,
            maxContainers: body.max_containers ?? undefined,
            clearMaxContainers: body.max_containers === null,
            realmIds: body.realm_ids ? { values: body.realm_ids } : undefined,
          }),
          as(principal),
        );
        return projectResource(updated.project);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/projects/:id',
      operationId: 'deleteProject',
      summary: 'Delete a project and its containers',
      tags: ['projects'],
      params: { id: idSchema },
      response: { data: z.strictObject({ deleted: z.strictObject({ containers: z.number().int() }) }), message: 'Project deleted' },
      auth: 'token',
      handler: async ({ params, principal }) => {
        // the scheduler deletes the project's containers when it sees ProjectDeleted; count them first
        const held = await containers.listContainers(
          { page: { page: 1, limit: 1, sortBy: 'created_at', sortOrder: 1 }, projectId: params.id, realmId: '', includePrespawn: false, serverId: '' },
          as(principal),
        );
        await projects.deleteProject({ id: params.id }, as(principal));
        return { deleted: { containers: held.pagination?.total ?? 0 } };
      },
    }),
  ];
}
