import { join } from 'node:path';
import { ConfigError } from '@hoody/service-kit';
import { loadAgentConfig, serverNameFromHost } from './config';

describe('agent configuration', () => {
  it('has defaults for everything: engine socket, data under HOODY_HOME, ports, heartbeat, capacity', () => {
    const config = loadAgentConfig({ HOODY_HOME: '/var/lib/hoody' });
    expect(config).toMatchObject({
      DOCKER_HOST: 'unix:///var/run/docker.sock',
      HOODY_AGENT_DATA: join('/var/lib/hoody', 'agent'),
      HOODY_GRPC_PORT: 7450,
      HOODY_HTTP_PORT: 7451,
      HOODY_HEARTBEAT_MS: 5_000,
      HOODY_AGENT_MAX_CONTAINERS: 100,
    });
    expect(config.HOODY_SERVER_NAME).toMatch(/^[A-Za-z0-9_-]{1,63}$/);
    expect(config.HOODY_JOIN_TOKEN).toBeUndefined();
    expect(config.HOODY_AGENT_URL).toBeUndefined();
  });

  it('takes the variables', () => {
    const config = loadAgentConfig({
      DOCKER_HOST: 'tcp://10.0.0.2:2375',
      HOODY_AGENT_DATA: '/srv/agent',
      HOODY_SERVER_NAME: 'node-7',
      HOODY_JOIN_TOKEN: 'hjt_secret',
      HOODY_HEARTBEAT_MS: '1000',
      HOODY_AGENT_MAX_CONTAINERS: '20',
      HOODY_AGENT_URL: '10.0.0.7:7450',
    });
    expect(config).toMatchObject({
      DOCKER_HOST: 'tcp://10.0.0.2:2375',
      HOODY_AGENT_DATA: '/srv/agent',
      HOODY_SERVER_NAME: 'node-7',
      HOODY_JOIN_TOKEN: 'hjt_secret',
      HOODY_HEARTBEAT_MS: 1_000,
      HOODY_AGENT_MAX_CONTAINERS: 20,
      HOODY_AGENT_URL: '10.0.0.7:7450',
    });
  });

  it('says what is wrong, one line per variable, never echoing the join token', () => {
    const error = (() => {
      try {
        loadAgentConfig({ DOCKER_HOST: 'ssh://box', HOODY_SERVER_NAME: 'a.b', HOODY_HEARTBEAT_MS: '5', HOODY_JOIN_TOKEN: ' ', HOODY_AGENT_URL: 'nowhere' });
        return undefined;
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const lines = error?.message.split('\n').slice(1).map((l) => l.trim()) ?? [];
    expect(lines).toEqual([
      expect.stringMatching(/^DOCKER_HOST: "ssh:\/\/box" is not a Docker engine address \(expected a string starting with unix:\/\/, tcp:\/\//),
      'HOODY_SERVER_NAME: "a.b" is not a server name (expected 1-63 characters of A-Z, a-z, 0-9, _ and -)',
      expect.stringMatching(/^HOODY_HEARTBEAT_MS: "5" is not an integer in range/),
      'HOODY_AGENT_URL: "nowhere" is not a host:port address (expected e.g. 10.0.0.5:7450)',
    ]);
  });

  it('derives a server name from any host name', () => {
    expect(serverNameFromHost('node-1.example.com')).toBe('node-1-example-com');
    expect(serverNameFromHost('box')).toBe('box');
    expect(serverNameFromHost('...')).toBe('server');
    expect(serverNameFromHost('x'.repeat(80))).toHaveLength(63);
  });
});
