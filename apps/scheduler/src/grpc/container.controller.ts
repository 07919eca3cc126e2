import { status, type Metadata } from '@grpc/grpc-js';
import { scheduler, timestampFromDate } from '@hoody/contracts';
import { callerOf, eventMetadata, rpcError } from '@hoody/service-kit';
import type { ContainerSettings } from '@hoody/scheduler-domain';
import { Controller, Inject } from '@nestjs/common';
import { ContainerLifecycle } from '../containers/container-lifecycle';
import { SchedulerQueries } from '../read-model/scheduler-queries';
import { visibility } from '../visibility';
import { checkId, guarded } from './errors';
import { containerMessage, OPERATIONS, pageInfo, pageOf, STATUS, statusLogMessage } from './mapping';
import { BASE_IMAGE_TAG } from '@hoody/runtime';
import { realmsOnCreate, realmsOnUpdate } from '@hoody/tenancy';

@Controller()
@scheduler.ContainerServiceControllerMethods()
export class ContainerController implements scheduler.ContainerServiceController {
  constructor(
    @Inject(ContainerLifecycle) private readonly lifecycle: ContainerLifecycle,
    @Inject(SchedulerQueries) private readonly queries: SchedulerQueries,
  ) {}

  /** From a warm prespawned container when one matches (see ContainerLifecycle.create), cold otherwise. */
  createContainer(request: scheduler.CreateContainerRequest, metadata?: Metadata): Promise<scheduler.CreateContainerResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      checkId(request.projectId, 'project_id');
      checkId(request.serverId, 'server_id');
      const row = await this.lifecycle.create(
        caller,
        {
          projectId: request.projectId,
          serverId: request.serverId,
          name: request.name,
          settings: {
            color: request.color || null,
            autostart: request.autostart ?? true,
            environmentVars: request.environmentVars,
            comment: request.comment || null,
            realmIds: realmsOnCreate(caller, request.realmIds),
          },
          spec: {
            containerImage: request.containerImage || BASE_IMAGE_TAG, // recorded as what runs
            hoodyKit: request.hoodyKit ?? true,
            devKit: request.devKit,
            ramdisk: request.ramdisk,
            prespawn: request.prespawn,
            bypassPrespawn: request.bypassPrespawn,
            cpu: request.cpu,
            memory: request.memory,
          },
        },
        eventMetadata(caller, metadata),
      );
      return { container: containerMessage(row) };
    });
  }

  getContainer(request: scheduler.GetContainerRequest, metadata?: Metadata): Promise<scheduler.GetContainerResponse> {
    return guarded(() => {
      checkId(request.id, 'id');
      return { container: containerMessage(this.lifecycle.visibleContainer(callerOf(metadata), request.id)) };
    });
  }

  /** `project_id` set: that project's containers (PROJECT_NOT_FOUND when it is out of sight). */
  listContainers(request: scheduler.ListContainersRequest, metadata?: Metadata): Promise<scheduler.ListContainersResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      if (request.projectId) {
        checkId(request.projectId, 'project_id');
        await this.lifecycle.visibleProject(caller, request.projectId);
      }
      if (request.serverId) checkId(request.serverId, 'server_id');
      if (request.realmId) checkId(request.realmId, 'realm_id');
      const page = pageOf(request.page, 'created_at');
      const { items, total } = this.queries.containers(
        visibility.containers(caller),
        { projectId: request.projectId || undefined, serverId: request.serverId || undefined, realmId: request.realmId || undefined, includePrespawn: request.includePrespawn },
        page,
      );
      return { containers: items.map(containerMessage), pagination: pageInfo(total, page) };
    });
  }

  getRealmUsage(_request: scheduler.GetRealmUsageRequest, metadata?: Metadata): Promise<scheduler.GetRealmUsageResponse> {
    return guarded(() => ({
      usages: this.queries.containerRealmUsage(visibility.containers(callerOf(metadata))).map(({ realmId, containers }) => ({
        realmId,
        containers,
        projects: 0,
        servers: 0,
        authTokens: 0,
      })),
    }));
  }

  updateContainer(request: scheduler.UpdateContainerRequest, metadata?: Metadata): Promise<scheduler.UpdateContainerResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      checkId(request.id, 'id');
      const changes: Partial<ContainerSettings> = {
        name: request.name,
        color: request.color === undefined ? undefined : request.color || null,
        autostart: request.autostart,
        environmentVars: request.environmentVars?.values,
        comment: request.comment === undefined ? undefined : request.comment || null,
        realmIds: realmsOnUpdate(caller, request.realmIds?.values),
      };
      const row = await this.lifecycle.update(caller, request.id, changes, eventMetadata(caller, metadata));
      return { container: containerMessage(row) };
    });
  }

  deleteContainer(request: scheduler.DeleteContainerRequest, metadata?: Metadata): Promise<scheduler.DeleteContainerResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      checkId(request.id, 'id');
      await this.lifecycle.delete(caller, request.id, eventMetadata(caller, metadata));
      return {};
    });
  }

  manageContainer(request: scheduler.ManageContainerRequest, metadata?: Metadata): Promise<scheduler.ManageContainerResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      checkId(request.id, 'id');
      const operation = OPERATIONS[request.operation];
      if (!operation) throw rpcError(status.INVALID_ARGUMENT, 'VALIDATION_FAILED', 'operation: one of start, stop, force-stop, restart, pause, resume');
      const row = await this.lifecycle.operate(caller, request.id, operation, eventMetadata(caller, metadata));
      return { operation: request.operation, containerId: row.id, projectId: row.projectId, status: STATUS[row.status] };
    });
  }

  getStatusLogs(request: scheduler.GetStatusLogsRequest, metadata?: Metadata): Promise<scheduler.GetStatusLogsResponse> {
    return guarded(() => {
      checkId(request.id, 'id');
      const row = this.lifecycle.visibleContainer(callerOf(metadata), request.id);
      const page = pageOf(request.page, 'transition_time');
      const { items, total } = this.queries.statusLogs(row.id, page);
      return { logs: items.map(statusLogMessage), pagination: pageInfo(total, page) };
    });
  }

  getContainerStats(request: scheduler.GetContainerStatsRequest, metadata?: Metadata): Promise<scheduler.GetContainerStatsResponse> {
    return guarded(async () => {
      checkId(request.id, 'id');
      const s = await this.lifecycle.stats(callerOf(metadata), request.id);
      return {
        stats: {
          containerId: request.id,
          cpuPercent: s.cpuPercent,
          memoryBytes: s.memoryBytes,
          memoryLimitBytes: s.memoryLimitBytes,
          memoryPercent: s.memoryLimitBytes > 0 ? Math.round((s.memoryBytes / s.memoryLimitBytes) * 10_000) / 100 : 0,
          network: { rxBytes: s.network?.rxBytes ?? 0, txBytes: s.network?.txBytes ?? 0 },
          pids: s.pids,
          sampledAt: timestampFromDate(new Date()),
        },
      };
    });
  }

  execInContainer(request: scheduler.ExecInContainerRequest, metadata?: Metadata): Promise<scheduler.ExecInContainerResponse> {
    return guarded(async () => {
      checkId(request.id, 'id');
      if (request.cmd.length === 0) throw rpcError(status.INVALID_ARGUMENT, 'VALIDATION_FAILED', 'cmd: a non-empty list of strings is required');
      const { exitCode, stdout, stderr } = await this.lifecycle.exec(callerOf(metadata), request.id, {
        cmd: request.cmd,
        env: request.env,
        timeoutSeconds: request.timeoutSeconds,
      });
      return { exitCode, stdout, stderr };
    });
  }

  getContainerLogs(request: scheduler.GetContainerLogsRequest, metadata?: Metadata): Promise<scheduler.GetContainerLogsResponse> {
    return guarded(async () => {
      checkId(request.id, 'id');
      return { lines: await this.lifecycle.logs(callerOf(metadata), request.id, request.tail) };
    });
  }
}
