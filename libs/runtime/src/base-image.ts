/**
 * The base image every hoody container starts from: a busybox-static root filesystem, built on the
 * machine (no registry is reachable) and `docker import`ed into the engine.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, constants as fsConstants, accessSync, openSync, readSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type Dockerode from 'dockerode';

export const BASE_IMAGE_TAG = 'hoody/base:latest';

/** PATH inside the image (every applet lives in /bin; the rest of the usual PATH is kept). */
export const BASE_IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Dockerfile-style instructions applied on import. The default command is a shell. */
export const BASE_IMAGE_CHANGES: readonly string[] = [
  `ENV PATH=${BASE_IMAGE_PATH}`,
  'WORKDIR /',
  'LABEL org.hoody.image=base',
  'CMD ["/bin/sh"]',
];

export interface EnsureBaseImageOptions {
  /** Image reference to create; default `hoody/base:latest`. */
  tag?: string;
  /** busybox binary to use; default: found by `findBusybox()`. It must be statically linked. */
  busyboxPath?: string;
}

export interface BaseImage {
  tag: string;
  /** Image id (`sha256:…`). */
  id: string;
  /** True when this call (or the concurrent call it joined) imported the image. */
  imported: boolean;
}

export interface FindBusyboxOptions {
  /** Paths tried first, in order; default `/bin/busybox`, `/usr/bin/busybox`. */
  candidates?: string[];
  /** Searched after the candidates; default `process.env.PATH`. */
  pathEnv?: string;
}

const MISSING_HINT = 'install the Debian package `busybox-static` (apt-get install busybox-static)';

/**
 * Locates a statically linked busybox: `/bin/busybox`, `/usr/bin/busybox`, then `busybox` on PATH.
 * Throws naming the Debian package `busybox-static` when there is none, or when the one found is
 * dynamically linked (Debian's `busybox` package), which would not run in an image without libc.
 */
export function findBusybox(opts: FindBusyboxOptions = {}): string {
  const candidates = opts.candidates ?? ['/bin/busybox', '/usr/bin/busybox'];
  const pathDirs = (opts.pathEnv ?? process.env.PATH ?? '').split(delimiter).filter((d) => d.length > 0);
  const tried = [...candidates, ...pathDirs.map((d) => join(d, 'busybox'))];
  const found = tried.find(isExecutableFile);
  if (found === undefined) {
    throw new Error(`busybox not found (tried ${[...candidates, 'busybox on PATH'].join(', ')}): ${MISSING_HINT}`);
  }
  const linkage = elfLinkage(found);
  if (linkage !== 'static') {
    throw new Error(
      `busybox at ${found} is ${linkage === 'dynamic' ? 'dynamically linked' : 'not an ELF executable'}; ` +
        `the base image needs a static one: ${MISSING_HINT}`,
    );
  }
  return found;
}

/** Concurrent callers for the same engine and tag share one build. */
const inflight = new Map<string, Promise<BaseImage>>();
const clientIds = new WeakMap<Dockerode, string>();
let nextClientId = 0;

/**
 * Makes sure the base image exists on the engine behind `docker`: does nothing when `tag` is
 * already there, otherwise builds the busybox root filesystem and imports it. Idempotent; callers
 * in one process that overlap share one import.
 */
export function ensureBaseImage(docker: Dockerode, opts: EnsureBaseImageOptions = {}): Promise<BaseImage> {
  const tag = opts.tag ?? BASE_IMAGE_TAG;
  const key = `${engineKey(docker)}\u0000${tag}`;
  const running = inflight.get(key);
  if (running) return running;
  const job = ensure(docker, tag, opts.busyboxPath).finally(() => inflight.delete(key));
  inflight.set(key, job);
  return job;
}

async function ensure(docker: Dockerode, tag: string, busyboxPath: string | undefined): Promise<BaseImage> {
  const existing = await inspectImageId(docker, tag);
  if (existing !== undefined) return { tag, id: existing, imported: false };

  const busybox = busyboxPath ?? findBusybox();
  const workDir = await mkdtemp(join(tmpdir(), 'hoody-rootfs-'));
  try {
    const rootfs = join(workDir, 'rootfs');
    await buildBaseRootfs(rootfs, busybox);
    await importRootfs(docker, rootfs, tag);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  const id = await inspectImageId(docker, tag);
  if (id === undefined) throw new Error(`docker import reported success but image ${tag} is not there`);
  return { tag, id, imported: true };
}

/**
 * Writes the base root filesystem into `dir` (created if missing): busybox in /bin with a symlink
 * for every applet that `busybox --list` prints, /etc/passwd and /etc/group for root and nobody,
 * and the directories /tmp, /root, /hoody and friends.
 */
export async function buildBaseRootfs(dir: string, busyboxPath: string = findBusybox()): Promise<{ applets: string[] }> {
  const dirs: Array<[string, number]> = [
    ['bin', 0o755], ['sbin', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755], ['etc', 0o755],
    ['dev', 0o755], ['proc', 0o555], ['sys', 0o555], ['run', 0o755], ['var/tmp', 0o1777],
    ['home', 0o755], ['root', 0o700], ['tmp', 0o1777], ['hoody', 0o755],
  ];
  for (const [rel, mode] of dirs) {
    await mkdir(join(dir, rel), { recursive: true });
    await chmod(join(dir, rel), mode); // mkdir's mode is subject to the umask, and drops the sticky bit
  }
  await copyFile(busyboxPath, join(dir, 'bin/busybox'));
  await chmod(join(dir, 'bin/busybox'), 0o755);

  const applets = (await run(busyboxPath, ['--list']))
    .split('\n')
    .map((a) => a.trim())
    .filter((a) => a.length > 0 && a !== 'busybox' && a !== '.' && a !== '..' && !a.includes('/'));
  if (!applets.includes('sh')) throw new Error(`${busyboxPath} --list names no \`sh\` applet`);
  for (const applet of applets) await symlink('busybox', join(dir, 'bin', applet));

  await writeFile(
    join(dir, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  );
  await writeFile(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  return { applets };
}

async function importRootfs(docker: Dockerode, rootfs: string, tag: string): Promise<void> {
  const { repo, tag: imageTag } = splitReference(tag);
  const tar = spawn('tar', ['--numeric-owner', '--owner=0', '--group=0', '--sort=name', '-C', rootfs, '-cf', '-', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tarStderr = '';
  tar.stderr.setEncoding('utf8').on('data', (chunk: string) => (tarStderr += chunk));
  const tarDone = new Promise<void>((resolve, reject) => {
    tar.once('error', (err) => reject(new Error(`cannot run tar: ${err.message}`)));
    tar.once('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`tar exited with ${code ?? signal}: ${tarStderr.trim()}`)),
    );
  });
  // Keep an early tar failure from becoming an unhandled rejection while the import runs.
  tarDone.catch(() => undefined);

  let importError: unknown;
  try {
    const stream = await docker.importImage(tar.stdout, { repo, tag: imageTag, changes: [...BASE_IMAGE_CHANGES] });
    const output = await new Promise<Array<{ error?: string; errorDetail?: { message?: string } }>>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => (err ? reject(err) : resolve(out))),
    );
    const failed = output.find((o) => o.error !== undefined || o.errorDetail !== undefined);
    if (failed) throw new Error(failed.error ?? failed.errorDetail?.message ?? 'unknown error');
  } catch (err) {
    importError = err;
    tar.kill('SIGKILL');
  }
  try {
    await tarDone;
  } catch (tarError) {
    if (importError === undefined) {
      // The engine took a truncated archive: do not leave a broken image under the tag.
      await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
      throw tarError;
    }
  }
  if (importError !== undefined) {
    throw new Error(`docker import of ${tag} failed: ${importError instanceof Error ? importError.message : String(importError)}`);
  }
}

async function inspectImageId(docker: Dockerode, tag: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(tag).inspect()).Id;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

/** `hoody/base:latest` → repo `hoody/base`, tag `latest`; a missing tag means `latest`. */
export function splitReference(reference: string): { repo: string; tag: string } {
  const colon = reference.lastIndexOf(':');
  if (colon > reference.lastIndexOf('/')) return { repo: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { repo: reference, tag: 'latest' };
}

function engineKey(docker: Dockerode): string {
  const modem = docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown };
  if (typeof modem.socketPath === 'string') return `unix://${modem.socketPath}`;
  if (typeof modem.host === 'string') return `${String(modem.protocol ?? 'http')}://${modem.host}:${String(modem.port ?? '')}`;
  let id = clientIds.get(docker);
  if (id === undefined) {
    id = `client-${nextClientId++}`;
    clientIds.set(docker, id);
  }
  return id;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Reads the ELF program headers: an executable with a PT_INTERP entry is dynamically linked. */
export function elfLinkage(path: string): 'static' | 'dynamic' | 'not-elf' {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(64);
    if (readSync(fd, header, 0, 64, 0) < 52 || header.readUInt32BE(0) !== 0x7f454c46) return 'not-elf';
    const is64 = header[4] === 2;
    const le = header[5] === 1;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const phoff = is64 ? Number(le ? header.readBigUInt64LE(0x20) : header.readBigUInt64BE(0x20)) : u32(header, 0x1c);
    const phentsize = u16(header, is64 ? 0x36 : 0x2a);
    const phnum = u16(header, is64 ? 0x38 : 0x2c);
    const table = Buffer.alloc(phentsize * phnum);
    if (readSync(fd, table, 0, table.length, phoff) < table.length) return 'not-elf';
    const PT_INTERP = 3;
    for (let i = 0; i < phnum; i++) if (u32(table, i * phentsize) === PT_INTERP) return 'dynamic';
    return 'static';
  } finally {
    closeSync(fd);
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${file} ${args.join(' ')} failed: ${err.message} ${stderr}`.trim())) : resolve(stdout),
    ),
  );
}
