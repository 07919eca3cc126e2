import { status, type Metadata } from '@grpc/grpc-js';
import { scheduler } from '@hoody/contracts';
import type { TemplateSettings } from '@hoody/scheduler-domain';
import { callerOf, eventMetadata, rpcError } from '@hoody/service-kit';
import { Controller, Inject } from '@nestjs/common';
import { PrespawnTemplates } from '../prespawn/prespawn-templates';
import { SchedulerQueries } from '../read-model/scheduler-queries';
import { ServerRegistry } from '../servers/server-registry';
import { checkId, guarded } from './errors';
import { pageInfo, pageOf, serverMessage, templateMessage, templateStatusMessage } from './mapping';
import { serverViewOf } from './server-view';

@Controller()
@scheduler.PrespawnServiceControllerMethods()
export class PrespawnController implements scheduler.PrespawnServiceController {
  constructor(
    @Inject(PrespawnTemplates) private readonly templates: PrespawnTemplates,
    @Inject(SchedulerQueries) private readonly queries: SchedulerQueries,
    @Inject(ServerRegistry) private readonly registry: ServerRegistry,
  ) {}

  createTemplate(request: scheduler.CreateTemplateRequest, metadata?: Metadata): Promise<scheduler.CreateTemplateResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      request.serverIds.forEach((id) => checkId(id, 'server_ids'));
      if (request.poolId) checkId(request.poolId, 'pool_id');
      const minReady = request.minReady ?? 1;
      const settings: TemplateSettings = {
        name: request.name, // empty: named after its id
        containerImage: request.containerImage,
        hoodyKit: request.hoodyKit ?? true,
        devKit: request.devKit,
        environmentVars: request.environmentVars,
        cpu: request.cpu,
        memory: request.memory,
        serverIds: request.serverIds,
        poolId: request.poolId || null,
        minReady,
        maxReady: request.maxReady ?? Math.max(minReady, 1),
        ttlSeconds: request.ttlSeconds,
      };
      return { template: templateMessage(await this.templates.create(caller, settings, eventMetadata(caller, metadata))) };
    });
  }

  /** sort_by: id, name, created_at (default), updated_at. */
  listTemplates(request: scheduler.ListTemplatesRequest, metadata?: Metadata): Promise<scheduler.ListTemplatesResponse> {
    return guarded(() => {
      const page = pageOf(request.page, 'created_at');
      const { items, total } = this.templates.list(callerOf(metadata), page);
      return { templates: items.map(templateMessage), pagination: pageInfo(total, page) };
    });
  }

  getTemplate(request: scheduler.GetTemplateRequest, metadata?: Metadata): Promise<scheduler.GetTemplateResponse> {
    return guarded(() => {
      checkId(request.id, 'id');
      return { template: templateMessage(this.templates.visible(callerOf(metadata), request.id)) };
    });
  }

  updateTemplate(request: scheduler.UpdateTemplateRequest, metadata?: Metadata): Promise<scheduler.UpdateTemplateResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      checkId(request.id, 'id');
      request.serverIds?.values.forEach((id) => checkId(id, 'server_ids'));
      if (request.poolId) checkId(request.poolId, 'pool_id');
      const changes: Partial<TemplateSettings> = {
        name: request.name,
        containerImage: request.containerImage,
        hoodyKit: request.hoodyKit,
        devKit: request.devKit,
        environmentVars: request.environmentVars?.values,
        cpu: request.cpu,
        memory: request.memory,
        serverIds: request.serverIds?.values,
        poolId: request.poolId === undefined ? undefined : request.poolId || null,
        minReady: request.minReady,
        maxReady: request.maxReady,
        ttlSeconds: request.ttlSeconds,
      };
      for (const key of Object.keys(changes) as Array<keyof TemplateSettings>) if (changes[key] === undefined) delete changes[key];
      return { template: templateMessage(await this.templates.update(caller, request.id, changes, eventMetadata(caller, metadata))) };
    });
  }

  deleteTemplate(request: scheduler.DeleteTemplateRequest, metadata?: Metadata): Promise<scheduler.DeleteTemplateResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      checkId(request.id, 'id');
      await this.templates.delete(caller, request.id, eventMetadata(caller, metadata));
      return {};
    });
  }

  pauseTemplate(request: scheduler.PauseTemplateRequest, metadata?: Metadata): Promise<scheduler.PauseTemplateResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      checkId(request.id, 'id');
      return { template: templateMessage(await this.templates.pause(caller, request.id, eventMetadata(caller, metadata))) };
    });
  }

  resumeTemplate(request: scheduler.ResumeTemplateRequest, metadata?: Metadata): Promise<scheduler.ResumeTemplateResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      checkId(request.id, 'id');
      return { template: templateMessage(await this.templates.resume(caller, request.id, eventMetadata(caller, metadata))) };
    });
  }

  getTemplateStatus(request: scheduler.GetTemplateStatusRequest, metadata?: Metadata): Promise<scheduler.GetTemplateStatusResponse> {
    return guarded(() => {
      checkId(request.id, 'id');
      return { status: templateStatusMessage(this.templates.status(callerOf(metadata), request.id)) };
    });
  }

  setServerPrespawnCount(request: scheduler.SetServerPrespawnCountRequest, metadata?: Metadata): Promise<scheduler.SetServerPrespawnCountResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      checkId(request.serverId, 'server_id');
      const row = await this.templates.setServerPrespawnCount(caller, request.serverId, request.prespawnCount, eventMetadata(caller, metadata));
      if (!row) throw rpcError(status.NOT_FOUND, 'SERVER_NOT_FOUND', 'server not found');
      return { server: serverMessage(row, this.registry.lastSeenAt(row.id), serverViewOf(caller, row, this.queries)) };
    });
  }
}
