import { demuxDockerOutput, dockerClient } from './docker-client';

const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('demuxDockerOutput', () => {
  it('splits stdout and stderr frames', () => {
    const buf = Buffer.concat([frame(1, 'hel'), frame(2, 'oops\n'), frame(1, 'lo\n'), frame(1, '')]);
    expect(demuxDockerOutput(buf)).toEqual({ stdout: 'hello\n', stderr: 'oops\n' });
  });

  it('ignores a truncated trailing header', () => {
    expect(demuxDockerOutput(Buffer.concat([frame(1, 'a'), Buffer.from([1, 0, 0])]))).toEqual({ stdout: 'a', stderr: '' });
  });
});

describe('dockerClient', () => {
  const modem = (host: string) =>
    dockerClient(host).modem as unknown as { socketPath?: string; host?: string; port?: string | number; protocol?: string };

  it('takes unix sockets with or without the scheme, and tcp addresses', () => {
    expect(modem('unix:///tmp/x/docker.sock').socketPath).toBe('/tmp/x/docker.sock');
    expect(modem('/tmp/y.sock').socketPath).toBe('/tmp/y.sock');
    const tcp = modem('tcp://127.0.0.1:2375');
    expect([tcp.host, String(tcp.port), tcp.protocol]).toEqual(['127.0.0.1', '2375', 'http']);
  });

  it('rejects other schemes', () => {
    expect(() => dockerClient('ssh://example')).toThrow(/unsupported docker host/);
  });
});
