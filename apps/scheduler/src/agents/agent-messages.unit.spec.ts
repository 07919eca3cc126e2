import { heartbeatReport } from './agent-messages';

describe('heartbeatReport', () => {
  const heartbeat = { serverName: 'node-1', agentUrl: '10.0.0.5:7450', specs: { cpu_cores: 4, ram_gb: 15.6, disk_gb: 98.3 }, capacity: { used: 2, max: 100 }, at: '2026-11-29T10:00:00.000Z' };

  it('reads an agent heartbeat (libs/runtime AgentHeartbeat) into what the registry records', () => {
    expect(heartbeatReport(heartbeat)).toEqual({ serverName: 'node-1', agent: { agentUrl: '10.0.0.5:7450', specs: { cpuCores: 4, ramGb: 15.6, diskGb: 98.3 }, maxContainers: 100 } });
    expect(heartbeatReport({ ...heartbeat, joinToken: 'hjt_x.y' })).toMatchObject({ joinToken: 'hjt_x.y' });
  });

  it('ignores what is not a heartbeat', () => {
    for (const message of [null, 'x', {}, { ...heartbeat, serverName: 'a.b' }, { ...heartbeat, specs: { cpu_cores: '4' } }, { ...heartbeat, capacity: {} }, { ...heartbeat, agentUrl: 5 }]) {
      expect(heartbeatReport(message)).toBeUndefined();
    }
  });
});
