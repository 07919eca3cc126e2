import type Dockerode from 'dockerode';
import { containerEventsSubject } from './agent-messages';
import { parseEngineEvent } from './container-events';
import { containerStatsFrom } from './container-stats';
import { interleavedDockerOutput } from './docker-client';
import { parseMountInfo } from './host-mounts';

describe('parseMountInfo', () => {
  it('reads mount points with their propagation, decoding octal escapes', () => {
    const text = [
      '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
      '43 27 254:0 /tmp/a\\040b /tmp/a\\040b rw,relatime shared:2 - ext4 /dev/vda rw',
      '44 43 254:0 /src /tmp/a\\040b/live rw,relatime shared:2 master:1 - ext4 /dev/vda rw',
      '',
    ].join('\n');
    expect(parseMountInfo(text)).toEqual([
      { mountPoint: '/', propagation: [] },
      { mountPoint: '/tmp/a b', propagation: ['shared:2'] },
      { mountPoint: '/tmp/a b/live', propagation: ['shared:2', 'master:1'] },
    ]);
  });
});

describe('containerStatsFrom', () => {
  const base = {
    read: '',
    preread: '',
    num_procs: 0,
    networks: {},
    pids_stats: { current: 3 },
  };

  it('computes cpu percent, memory without the inactive page cache (cgroup v1), network and pids', () => {
    const raw = {
      ...base,
      cpu_stats: { cpu_usage: { total_usage: 3_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 18_000_000_000, online_cpus: 2 },
      memory_stats: { usage: 10_000, limit: 268_435_456, stats: { total_inactive_file: 4_000 } },
      networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
    } as unknown as Dockerode.ContainerStats;
    expect(containerStatsFrom(raw)).toEqual({
      cpu_percent: 100,
      memory_bytes: 6_000,
      memory_limit_bytes: 268_435_456,
      network: { rx_bytes: 11, tx_bytes: 22 },
      pids: 3,
    });
  });

  it('uses inactive_file on cgroup v2 and gives zeros for a stopped container', () => {
    const v2 = {
      ...base,
      cpu_stats: { cpu_usage: { total_usage: 1 }, system_cpu_usage: 1, online_cpus: 1 },
      precpu_stats: { cpu_usage: { total_usage: 1 }, system_cpu_usage: 1, online_cpus: 1 },
      memory_stats: { usage: 5_000, limit: 100_000, stats: { inactive_file: 1_000 } },
    } as unknown as Dockerode.ContainerStats;
    expect(containerStatsFrom(v2)).toMatchObject({ cpu_percent: 0, memory_bytes: 4_000 });
    const stopped = {
      read: '0001-01-01T00:00:00Z',
      pids_stats: {},
      cpu_stats: { cpu_usage: { total_usage: 0 } },
      precpu_stats: { cpu_usage: { total_usage: 0 } },
      memory_stats: {},
    } as unknown as Dockerode.ContainerStats;
    expect(containerStatsFrom(stopped)).toEqual({ cpu_percent: 0, memory_bytes: 0, memory_limit_bytes: 0, network: { rx_bytes: 0, tx_bytes: 0 }, pids: 0 });
  });
});

describe('parseEngineEvent', () => {
  const line = (action: string, attributes: Record<string, string>) =>
    JSON.stringify({ Type: 'container', Action: action, id: 'd0c', Actor: { ID: 'd0c', Attributes: attributes }, time: 1_700_000_000, timeNano: 1_700_000_000_123_456_000 });
  const labels = { 'hoody.managed': 'true', 'hoody.container_id': 'aaaaaaaaaaaaaaaaaaaaaaaa', 'hoody.project_id': 'bbbbbbbbbbbbbbbbbbbbbbbb' };

  it('maps a die event with its exit code', () => {
    expect(parseEngineEvent(line('die', { ...labels, exitCode: '3' }))).toEqual({
      containerId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      projectId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
      dockerId: 'd0c',
      action: 'die',
      exitCode: 3,
      at: new Date(1_700_000_000_123),
    });
  });

  it('ignores other actions, containers without the platform id, and garbage', () => {
    expect(parseEngineEvent(line('start', labels))).toMatchObject({ action: 'start' });
    expect(parseEngineEvent(line('start', labels))).not.toHaveProperty('exitCode');
    expect(parseEngineEvent(line('exec_start: sh', labels))).toBeUndefined();
    expect(parseEngineEvent(line('die', { 'hoody.managed': 'true', exitCode: '0' }))).toBeUndefined();
    expect(parseEngineEvent('{not json')).toBeUndefined();
    expect(parseEngineEvent('')).toBeUndefined();
  });
});

describe('interleavedDockerOutput', () => {
  it('keeps the order of stdout and stderr frames', () => {
    const frame = (stream: number, text: string) => {
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    expect(interleavedDockerOutput(Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n'), frame(1, 'c\n')]))).toBe('a\nb\nc\n');
  });
});

describe('containerEventsSubject', () => {
  it('builds the per-server subject and refuses names that are not one subject token', () => {
    expect(containerEventsSubject('node-1')).toBe('hoody.agents.node-1.container-events');
    for (const bad of ['a.b', '*', '>', 'with space', '']) expect(() => containerEventsSubject(bad)).toThrow(/not a NATS subject token/);
  });
});
