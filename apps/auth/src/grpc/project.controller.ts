import { status, type Metadata } from '@grpc/grpc-js';
import type { ProjectSettings } from '@hoody/auth-domain';
import { auth, type common } from '@hoody/contracts';
import { callerOf, eventMetadata, rpcError, toRpcError } from '@hoody/service-kit';
import { realmsOnCreate, realmsOnUpdate, realmVisible, realmVisibleSql } from '@hoody/tenancy';
import { Controller, Inject } from '@nestjs/common';
import { AuthCommands } from '../commands/auth-commands';
import { AuthQueries, type ProjectRow } from '../read-model/auth-queries';
import { pageInfo, pageOf, projectMessage } from './mapping';
import { decideRealms, tokenInReach } from './realm-rule';

@Controller()
@auth.ProjectServiceControllerMethods()
export class ProjectController implements auth.ProjectServiceController {
  constructor(
    @Inject(AuthCommands) private readonly commands: AuthCommands,
    @Inject(AuthQueries) private readonly queries: AuthQueries,
  ) {}

  async createProject(request: auth.CreateProjectRequest, metadata?: Metadata): Promise<auth.CreateProjectResponse> {
    const caller = callerOf(metadata);
    const settings: ProjectSettings = {
      alias: request.alias,
      color: request.color ?? null,
      maxContainers: request.maxContainers ?? null,
      realmIds: decideRealms(() => realmsOnCreate(caller, request.realmIds)),
    };
    try {
      const projectId = await this.commands.createProject(caller.userId, settings, eventMetadata(caller, metadata));
      return { project: projectMessage(this.ownProject(caller, projectId)) };
    } catch (error) {
      throw toRpcError(error);
    }
  }

  getProject(request: auth.GetProjectRequest, metadata?: Metadata): auth.GetProjectResponse {
    return { project: projectMessage(this.ownProject(callerOf(metadata), request.id)) };
  }

  listProjects(request: auth.ListProjectsRequest, metadata?: Metadata): auth.ListProjectsResponse {
    const caller = callerOf(metadata);
    const page = pageOf(request.page);
    const { items, total } = this.queries.projects(caller.userId, page, realmVisibleSql(caller, 'realm_ids'), request.realmId);
    return { projects: items.map(projectMessage), pagination: pageInfo(total, page) };
  }

  async updateProject(request: auth.UpdateProjectRequest, metadata?: Metadata): Promise<auth.UpdateProjectResponse> {
    const caller = callerOf(metadata);
    const project = this.ownProject(caller, request.id);
    const changes: Partial<ProjectSettings> = {
      alias: request.alias,
      color: request.clearColor ? null : request.color,
      maxContainers: request.clearMaxContainers ? null : request.maxContainers,
      realmIds: decideRealms(() => realmsOnUpdate(caller, request.realmIds?.values)),
    };
    try {
      await this.commands.updateProject(project, changes, eventMetadata(caller, metadata));
    } catch (error) {
      throw toRpcError(error);
    }
    return { project: projectMessage(this.ownProject(caller, request.id)) };
  }

  async deleteProject(request: auth.DeleteProjectRequest, metadata?: Metadata): Promise<auth.DeleteProjectResponse> {
    const caller = callerOf(metadata);
    const project = this.ownProject(caller, request.id);
    try {
      await this.commands.deleteProject(project, eventMetadata(caller, metadata));
    } catch (error) {
      throw toRpcError(error);
    }
    return { deletedContainers: 0 };
  }

  getRealmUsage(_request: auth.GetRealmUsageRequest, metadata?: Metadata): auth.GetRealmUsageResponse {
    const caller = callerOf(metadata);
    const projects = new Map(this.queries.projectRealmCounts(caller.userId, realmVisibleSql(caller, 'p.realm_ids')).map((c) => [c.realmId, c.count]));
    const tokens = this.tokenRealmCounts(caller);
    const realms = [...new Set([...projects.keys(), ...tokens.keys()])].sort();
    return {
      usages: realms.map((realmId) => ({ realmId, projects: projects.get(realmId) ?? 0, containers: 0, servers: 0, authTokens: tokens.get(realmId) ?? 0 })),
    };
  }

  private tokenRealmCounts(caller: common.Principal): Map<string, number> {
    const counts = new Map<string, number>();
    for (const token of this.queries.liveTokens(caller.userId).filter((t) => tokenInReach(caller, t))) {
      for (const realmId of token.settings.realmIds) counts.set(realmId, (counts.get(realmId) ?? 0) + 1);
    }
    return counts;
  }

  /** A project out of the caller's sight (another owner's, or outside its realms) reads as missing. */
  private ownProject(caller: common.Principal, projectId: string): ProjectRow {
    const row = this.queries.project(caller.userId, projectId);
    if (!row || !realmVisible(caller, row)) throw rpcError(status.NOT_FOUND, 'PROJECT_NOT_FOUND', 'project not found');
    return row;
  }
}
