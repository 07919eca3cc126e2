import { dateFromTimestamp, scheduler, type Timestamp } from '@hoody/contracts';
import { idSchema } from '@hoody/http-api';
import { z } from 'zod';

const iso = (t: Timestamp | undefined) => (t ? dateFromTimestamp(t).toISOString() : null);

export const CONTAINER_STATUSES = ['creating', 'running', 'paused', 'stopped', 'failed', 'deleted', 'copying', 'deleting', 'claiming'] as const;
const statusNames: Record<number, (typeof CONTAINER_STATUSES)[number]> = {
  [scheduler.ContainerStatus.CREATING]: 'creating',
  [scheduler.ContainerStatus.RUNNING]: 'running',
  [scheduler.ContainerStatus.PAUSED]: 'paused',
  [scheduler.ContainerStatus.STOPPED]: 'stopped',
  [scheduler.ContainerStatus.FAILED]: 'failed',
  [scheduler.ContainerStatus.DELETED]: 'deleted',
  [scheduler.ContainerStatus.COPYING]: 'copying',
  [scheduler.ContainerStatus.DELETING]: 'deleting',
  [scheduler.ContainerStatus.CLAIMING]: 'claiming',
};
export const statusName = (s: scheduler.ContainerStatus) => statusNames[s] ?? 'failed';

export const OPERATIONS = ['start', 'stop', 'force-stop', 'restart', 'pause', 'resume'] as const;
export const operationValue: Record<(typeof OPERATIONS)[number], scheduler.ContainerOperation> = {
  start: scheduler.ContainerOperation.START,
  stop: scheduler.ContainerOperation.STOP,
  'force-stop': scheduler.ContainerOperation.FORCE_STOP,
  restart: scheduler.ContainerOperation.RESTART,
  pause: scheduler.ContainerOperation.PAUSE,
  resume: scheduler.ContainerOperation.RESUME,
};

export const containerSchema = z
  .strictObject({
    id: idSchema,
    /** null for a warm prespawned container nobody has claimed yet (listed only with include_prespawn). */
    project_id: idSchema.nullable(),
    server_id: idSchema,
    server_name: z.string(),
    name: z.string(),
    color: z.string().nullable(),
    container_image: z.string(),
    hoody_kit: z.boolean(),
    dev_kit: z.boolean(),
    autostart: z.boolean(),
    ramdisk: z.boolean(),
    prespawn: z.boolean(),
    status: z.enum(CONTAINER_STATUSES),
    status_reason: z.string().nullable(),
    environment_vars: z.record(z.string(), z.string()),
    comment: z.string().nullable(),
    source_container_id: z.string().nullable(),
    realm_ids: z.array(z.string()),
    snapshot_count: z.number().int(),
    last_used_snapshot: z.string().nullable(),
    pool_id: z.string().nullable(),
    cpu: z.number().nullable(),
    memory: z.number().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Container' });

export function containerResource(c: scheduler.Container | undefined): z.infer<typeof containerSchema> {
  if (!c) throw new Error('the scheduler answered without a container');
  return {
    id: c.id,
    project_id: c.projectId || null,
    server_id: c.serverId,
    server_name: c.serverName,
    name: c.name,
    color: c.color || null,
    container_image: c.containerImage,
    hoody_kit: c.hoodyKit,
    dev_kit: c.devKit,
    autostart: c.autostart,
    ramdisk: c.ramdisk,
    prespawn: c.prespawn,
    status: statusName(c.status),
    status_reason: c.statusReason || null,
    environment_vars: c.environmentVars ?? {},
    comment: c.comment || null,
    source_container_id: c.sourceContainerId || null,
    realm_ids: c.realmIds,
    snapshot_count: c.snapshotCount,
    last_used_snapshot: c.lastUsedSnapshot || null,
    pool_id: c.poolId || null,
    cpu: c.cpu || null,
    memory: c.memory || null,
    created_at: iso(c.createdAt) ?? '',
    updated_at: iso(c.updatedAt) ?? '',
  };
}

export const serverSchema = z
  .strictObject({
    id: idSchema,
    name: z.string(),
    status: z.enum(['online', 'offline']),
    owner_id: z.string().nullable(),
    pool_id: z.string().nullable(),
    specs: z.strictObject({ cpu_cores: z.number(), ram_gb: z.number(), disk_gb: z.number() }),
    container_capacity: z.strictObject({ used: z.number().int(), max: z.number().int() }),
    prespawn_count: z.number().int(),
    last_seen_at: z.string().nullable(),
    orphan_containers: z.array(z.strictObject({ container_id: z.string(), docker_id: z.string(), project_id: z.string(), name: z.string(), detected_at: z.string().nullable() })),
  })
  .meta({ id: 'Server' });

export function serverResource(s: scheduler.Server | undefined): z.infer<typeof serverSchema> {
  if (!s) throw new Error('the scheduler answered without a server');
  return {
    id: s.id,
    name: s.name,
    status: s.status === scheduler.ServerStatus.ONLINE ? 'online' : 'offline',
    owner_id: s.ownerId || null,
    pool_id: s.poolId || null,
    specs: { cpu_cores: s.specs?.cpuCores ?? 0, ram_gb: s.specs?.ramGb ?? 0, disk_gb: s.specs?.diskGb ?? 0 },
    container_capacity: { used: s.containerCapacity?.used ?? 0, max: s.containerCapacity?.max ?? 0 },
    prespawn_count: s.prespawnCount,
    last_seen_at: iso(s.lastSeenAt),
    orphan_containers: s.orphanContainers.map((o) => ({
      container_id: o.containerId,
      docker_id: o.dockerId,
      project_id: o.projectId,
      name: o.name,
      detected_at: iso(o.detectedAt),
    })),
  };
}
