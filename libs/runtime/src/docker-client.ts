/** Small helpers over dockerode: a client from a DOCKER_HOST-style address, and `docker exec`. */
import type { Duplex, Readable } from 'node:stream';
import Dockerode from 'dockerode';
import { ExecTimeoutError } from './errors';

/**
 * A dockerode client for `host`: `unix:///path/docker.sock`, a bare socket path, or
 * `tcp://host:port` / `http://host:port`. Defaults to `$DOCKER_HOST`, then `/var/run/docker.sock`.
 */
export function dockerClient(host: string = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'): Dockerode {
  if (host.startsWith('unix://')) return new Dockerode({ socketPath: host.slice('unix://'.length) });
  if (host.startsWith('/')) return new Dockerode({ socketPath: host });
  const url = new URL(host.replace(/^tcp:\/\//, 'http://'));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported docker host ${host}`);
  return new Dockerode({
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    host: url.hostname,
    port: url.port || (url.protocol === 'https:' ? 2376 : 2375),
  });
}

export interface DockerOutput {
  stdout: string;
  stderr: string;
}

/**
 * Splits docker's multiplexed stream format (containers without a TTY): frames of an 8-byte header
 * — stream type (1 stdout, 2 stderr), three zero bytes, a big-endian u32 length — and the payload.
 */
export function demuxDockerOutput(buffer: Buffer): DockerOutput {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + size);
    if (type === 2) err.push(payload);
    else out.push(payload);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export interface ExecOptions {
  user?: string;
  env?: string[];
  workingDir?: string;
  /** Give up (and reject with an ExecTimeoutError) after this long; default 30 s. */
  timeoutMs?: number;
}

export interface ExecResult extends DockerOutput {
  exitCode: number;
}

/** Runs `cmd` in a running container (`docker exec`, no TTY, no stdin) and collects its output. */
export async function execInContainer(container: Dockerode.Container, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const exec = await container.exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    User: opts.user,
    Env: opts.env,
    WorkingDir: opts.workingDir,
  });
  const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
  const raw = await collect(stream, timeoutMs, () => new ExecTimeoutError(cmd, timeoutMs));
  // The stream closes when the process exits; the engine may record the exit code a moment later.
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return { exitCode: info.ExitCode, ...demuxDockerOutput(raw) };
    if (Date.now() > deadline) throw new ExecTimeoutError(cmd, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function collect(stream: Readable, timeoutMs: number, timedOut: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      stream.destroy();
      reject(timedOut());
    }, timeoutMs);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    const done = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    };
    stream.once('end', done);
    stream.once('close', done);
  });
}

/** The payloads of docker's multiplexed stream in arrival order, stdout and stderr interleaved. */
export function interleavedDockerOutput(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
