import type Dockerode from 'dockerode';

/** A one-shot sample of a container's resource use (the REST `stats` figures). */
export interface ContainerStats {
  /** CPU use over the engine's sampling interval (about 1 s), in percent of one core: 200 = two cores busy. */
  cpu_percent: number;
  /** Memory in use, without the reclaimable page cache (what `docker stats` shows). */
  memory_bytes: number;
  /** The container's memory limit, or the host's memory when it has none. */
  memory_limit_bytes: number;
  /** Summed over the container's interfaces (0 without a network). */
  network: { rx_bytes: number; tx_bytes: number };
  /** Processes and threads in the container. */
  pids: number;
}

/**
 * Turns the engine's stats document (`GET /containers/{id}/stats?stream=false`) into ContainerStats,
 * the way the docker CLI computes them, for cgroup v1 and v2. A stopped container gives zeros.
 */
export function containerStatsFrom(raw: Dockerode.ContainerStats): ContainerStats {
  const cpu = raw.cpu_stats;
  const pre = raw.precpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const cores = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cores * 100 : 0;

  const memory = raw.memory_stats ?? ({} as Dockerode.MemoryStats);
  const detail = (memory.stats ?? {}) as unknown as Record<string, number | undefined>;
  // cgroup v1 reports total_inactive_file, v2 inactive_file: page cache the kernel can reclaim.
  const inactiveFile = detail['total_inactive_file'] ?? detail['inactive_file'] ?? 0;
  const usage = memory.usage ?? 0;

  let rx = 0;
  let tx = 0;
  for (const net of Object.values(raw.networks ?? {})) {
    rx += net?.rx_bytes ?? 0;
    tx += net?.tx_bytes ?? 0;
  }
  return {
    cpu_percent: Math.round(cpuPercent * 100) / 100,
    memory_bytes: Math.max(0, usage - (inactiveFile < usage ? inactiveFile : 0)),
    memory_limit_bytes: memory.limit ?? 0,
    network: { rx_bytes: rx, tx_bytes: tx },
    pids: raw.pids_stats?.current ?? 0,
  };
}
