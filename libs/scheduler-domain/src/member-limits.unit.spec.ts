import { fitsPerLimit, placesWithin, retirementsToFit, type MemberLimits } from './member-limits';

const none: MemberLimits = { maxContainersPerMember: null, maxCpuPerMember: null, maxMemoryPerMember: null };
const used = (containers: number, cpu = 0, memory = 0) => ({ containers, cpu, memory });
const spec = (cpu: number, memory: number) => ({ cpu, memory });
const warm = (cpu = 0, memory = 0) => ({ cpu, memory });

describe('placesWithin: how many more containers a pool member may place', () => {
  it('is unbounded without limits', () => {
    expect(placesWithin(none, used(50, 40, 80), spec(2, 4))).toBe(Infinity);
  });

  it('is the tightest of the limits', () => {
    const limits = { maxContainersPerMember: 10, maxCpuPerMember: 4, maxMemoryPerMember: 16 };
    expect(fitsPerLimit(limits, used(3, 1, 2), spec(1, 4))).toEqual({ containers: 7, cpu: 3, memory: 3 });
    expect(placesWithin(limits, used(3, 1, 2), spec(1, 4))).toBe(3);
    expect(placesWithin(limits, used(10, 1, 2), spec(1, 4))).toBe(0);
  });

  it('counts sums of fractions of cores as whole ones (0.1 + 0.2 is 0.3)', () => {
    const limits = { ...none, maxCpuPerMember: 1 };
    expect(placesWithin(limits, used(3, 0.1 + 0.2 + 0.4, 0), spec(0.1, 0))).toBe(3);
  });

  it('lets a container without a cpu or memory limit pass those limits unless they are exceeded already', () => {
    const limits = { ...none, maxCpuPerMember: 2, maxMemoryPerMember: 4 };
    expect(placesWithin(limits, used(1, 2, 4), spec(0, 0))).toBe(Infinity);
    expect(placesWithin(limits, used(1, 3, 4), spec(0, 0))).toBe(0);
  });
});

describe("retirementsToFit: which of a member's warm containers give way to the member's create", () => {
  const limits = { maxContainersPerMember: 3, maxCpuPerMember: null, maxMemoryPerMember: 8 };

  it('retires none when the create fits', () => {
    expect(retirementsToFit(limits, used(2, 0, 4), spec(0, 2), [warm()])).toBe(0);
  });

  it('retires the fewest, from the front of the list', () => {
    expect(retirementsToFit(limits, used(3, 0, 4), spec(0, 2), [warm(0, 1), warm(0, 1)])).toBe(1);
    // the memory limit needs two of them gone
    expect(retirementsToFit(limits, used(3, 0, 7), spec(0, 3), [warm(0, 1), warm(0, 1), warm(0, 1)])).toBe(2);
  });

  it('retires nothing when even all of them would not make room', () => {
    expect(retirementsToFit(limits, used(3, 0, 7), spec(0, 6), [warm(0, 1), warm(0, 1)])).toBeUndefined();
    expect(retirementsToFit(limits, used(3), spec(0, 0), [])).toBeUndefined();
  });
});
