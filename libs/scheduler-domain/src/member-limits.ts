/**
 * A server pool's limits per member, and what fits within them: pure, so that the placement and
 * the pool manager agree on one reading of them.
 */

/** Null: no limit. */
export interface MemberLimits {
  maxContainersPerMember: number | null;
  maxCpuPerMember: number | null;
  maxMemoryPerMember: number | null;
}

/** Containers, cores and GiB. */
export interface Footprint {
  containers: number;
  cpu: number;
  memory: number;
}

/** Float sums of limits in cores and GiB (0.1 + 0.2) must not cost a whole container. */
const EPSILON = 1e-9;

/** How many more containers of `spec` fit under each limit beside what is `used` (Infinity where there is none). */
export function fitsPerLimit(limits: MemberLimits, used: Footprint, spec: { cpu: number; memory: number }): Footprint {
  const fit = (limit: number | null, usedSoFar: number, each: number) => {
    if (limit === null) return Infinity;
    if (each <= 0) return usedSoFar <= limit + EPSILON ? Infinity : 0;
    return Math.max(0, Math.floor((limit - usedSoFar) / each + EPSILON));
  };
  return {
    containers: fit(limits.maxContainersPerMember, used.containers, 1),
    cpu: fit(limits.maxCpuPerMember, used.cpu, spec.cpu),
    memory: fit(limits.maxMemoryPerMember, used.memory, spec.memory),
  };
}

/** How many more containers of `spec` fit within all the limits. */
export function placesWithin(limits: MemberLimits, used: Footprint, spec: { cpu: number; memory: number }): number {
  const fits = fitsPerLimit(limits, used, spec);
  return Math.min(fits.containers, fits.cpu, fits.memory);
}

/**
 * How many of the member's warm containers (`candidates`, in the order they should go) to retire,
 * from the front, so that one more container of `spec` fits: 0 when it fits already; undefined
 * when retiring every one would not be enough (then none should go).
 */
export function retirementsToFit(
  limits: MemberLimits,
  used: Footprint,
  spec: { cpu: number; memory: number },
  candidates: ReadonlyArray<{ cpu: number; memory: number }>,
): number | undefined {
  let left = used;
  for (let n = 0; ; n++) {
    if (placesWithin(limits, left, spec) >= 1) return n;
    if (n === candidates.length) return undefined;
    const c = candidates[n];
    left = { containers: left.containers - 1, cpu: left.cpu - c.cpu, memory: left.memory - c.memory };
  }
}
