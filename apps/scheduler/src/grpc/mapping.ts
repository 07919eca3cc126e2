import { common, scheduler, timestampFromDate, type Timestamp } from '@hoody/contracts';
import type { ContainerOperation, ContainerStatus } from '@hoody/scheduler-domain';
import type { TemplateStatusView } from '../prespawn/prespawn-templates';
import type { TemplateRow } from '../read-model/prespawn-queries';
import type { ContainerRow, Page, ServerRow, StatusLogRow } from '../read-model/scheduler-queries';

const ts = (iso: string | null | undefined): Timestamp | undefined => (iso ? timestampFromDate(new Date(iso)) : undefined);

export const STATUS: Record<ContainerStatus, scheduler.ContainerStatus> = {
  creating: scheduler.ContainerStatus.CREATING,
  running: scheduler.ContainerStatus.RUNNING,
  paused: scheduler.ContainerStatus.PAUSED,
  stopped: scheduler.ContainerStatus.STOPPED,
  failed: scheduler.ContainerStatus.FAILED,
  deleted: scheduler.ContainerStatus.DELETED,
  copying: scheduler.ContainerStatus.COPYING,
  deleting: scheduler.ContainerStatus.DELETING,
  claiming: scheduler.ContainerStatus.CLAIMING,
};

export const OPERATIONS: Partial<Record<scheduler.ContainerOperation, ContainerOperation>> = {
  [scheduler.ContainerOperation.START]: 'start',
  [scheduler.ContainerOperation.STOP]: 'stop',
  [scheduler.ContainerOperation.FORCE_STOP]: 'force-stop',
  [scheduler.ContainerOperation.RESTART]: 'restart',
  [scheduler.ContainerOperation.PAUSE]: 'pause',
  [scheduler.ContainerOperation.RESUME]: 'resume',
};

export function containerMessage(row: ContainerRow): scheduler.Container {
  return scheduler.Container.fromPartial({
    id: row.id,
    projectId: row.projectId,
    serverId: row.serverId,
    serverName: row.serverName,
    name: row.name,
    color: row.color ?? '',
    containerImage: row.containerImage,
    hoodyKit: row.hoodyKit,
    devKit: row.devKit,
    autostart: row.autostart,
    ramdisk: row.ramdisk,
    prespawn: row.prespawn,
    status: STATUS[row.status],
    environmentVars: row.environmentVars,
    comment: row.comment ?? '',
    sourceContainerId: '',
    realmIds: row.realmIds,
    snapshotCount: 0,
    lastUsedSnapshot: '',
    poolId: '',
    createdAt: ts(row.createdAt),
    updatedAt: ts(row.updatedAt),
    cpu: row.cpu,
    memory: row.memory,
    statusReason: row.statusReason ?? '',
    exitCode: row.exitCode ?? undefined,
    prespawnTemplateId: row.templateId ?? '',
  });
}

/** `lastSeenAt`: the last heartbeat this process received, else the last one the store knows of. */
/**
 * What a caller is shown of a server beyond what everyone who sees it is shown: `used` counts the
 * containers on it the caller sees, `orphans` only for the server's owner and admins.
 */
export interface ServerView {
  used: number;
  orphans: boolean;
}

export function serverMessage(row: ServerRow, lastSeenAt: string | undefined, view: ServerView = { used: row.containersUsed, orphans: true }): scheduler.Server {
  return scheduler.Server.fromPartial({
    id: row.id,
    name: row.name,
    status: row.status === 'online' ? scheduler.ServerStatus.ONLINE : scheduler.ServerStatus.OFFLINE,
    ownerId: row.ownerId,
    poolId: row.poolId ?? '',
    specs: { cpuCores: row.specs.cpuCores, ramGb: row.specs.ramGb, diskGb: row.specs.diskGb },
    containerCapacity: { used: view.used, max: row.maxContainers },
    prespawnCount: row.prespawnCount,
    lastSeenAt: ts(lastSeenAt ?? row.lastSeenAt),
    realmIds: [],
    agentAddress: row.agentUrl,
    agentVersion: '',
    createdAt: ts(row.createdAt),
    updatedAt: ts(row.updatedAt),
    orphanContainers: (view.orphans ? row.orphans : []).map((o) => ({ containerId: o.containerId, dockerId: o.dockerId, projectId: o.projectId, name: o.name, detectedAt: ts(o.detectedAt) })),
  });
}

export function statusLogMessage(row: StatusLogRow): scheduler.StatusLog {
  return {
    id: row.id,
    containerId: row.containerId,
    fromStatus: row.fromStatus ? STATUS[row.fromStatus] : scheduler.ContainerStatus.UNSPECIFIED,
    toStatus: STATUS[row.toStatus],
    transitionTime: ts(row.transitionTime),
    durationMs: row.durationMs,
    triggeredBy: row.triggeredBy,
  };
}

export function pageOf(request: common.PageRequest | undefined, defaultSort: string): Page {
  return {
    page: Math.max(1, request?.page || 1),
    limit: Math.min(100, Math.max(1, request?.limit || 20)),
    sortBy: request?.sortBy || defaultSort,
    sortOrder: request?.sortOrder === common.SortOrder.DESC ? 'desc' : 'asc',
  };
}

export function pageInfo(total: number, page: Page): common.PageInfo {
  return { total, page: page.page, limit: page.limit, totalPages: Math.max(1, Math.ceil(total / page.limit)) };
}

const TEMPLATE_STATE: Record<TemplateRow['state'], scheduler.TemplateState> = {
  active: scheduler.TemplateState.ACTIVE,
  paused: scheduler.TemplateState.PAUSED,
  degraded: scheduler.TemplateState.DEGRADED,
  deleted: scheduler.TemplateState.UNSPECIFIED,
};

export function templateMessage(row: TemplateRow): scheduler.Template {
  const s = row.settings;
  return scheduler.Template.fromPartial({
    id: row.id,
    ownerId: row.ownerId,
    name: s.name,
    containerImage: s.containerImage,
    hoodyKit: s.hoodyKit,
    devKit: s.devKit,
    environmentVars: s.environmentVars,
    cpu: s.cpu,
    memory: s.memory,
    serverIds: s.serverIds,
    poolId: s.poolId ?? '',
    minReady: s.minReady,
    maxReady: s.maxReady,
    ttlSeconds: s.ttlSeconds,
    state: TEMPLATE_STATE[row.state],
    degradedReason: row.degradedReason ?? '',
    defaultForServerId: row.defaultForServerId ?? '',
    createdAt: ts(row.createdAt),
    updatedAt: ts(row.updatedAt),
  });
}

export function templateStatusMessage(view: TemplateStatusView): scheduler.TemplateStatus {
  return scheduler.TemplateStatus.fromPartial({
    templateId: view.template.id,
    state: TEMPLATE_STATE[view.template.state],
    degradedReason: view.template.degradedReason ?? '',
    ready: view.ready,
    warming: view.warming,
    claimed: view.claimed,
    target: view.target,
    hits: view.hits,
    misses: view.misses,
    hitRate: view.hitRate,
    claimLatencyP50Ms: view.p50,
    claimLatencyP99Ms: view.p99,
    recentFailures: view.failures.map((f) => ({ serverId: f.serverId, reason: f.reason, at: ts(f.at) })),
    servers: view.servers.map((s) => ({ serverId: s.serverId, ready: s.ready, warming: s.warming, target: s.target, limitedBy: s.limitedBy ?? '' })),
  });
}
