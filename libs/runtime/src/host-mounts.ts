/**
 * Host mount helpers for the Hoody Kit: the per-container shares directory is a bind mount of
 * itself made rshared, so that a bind mount made later beneath it propagates into a container that
 * mounts it with `rslave`. Linux only, needs root (CAP_SYS_ADMIN) and util-linux `mount`/`umount`.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface MountInfoEntry {
  /** Absolute mount point, unescaped. */
  mountPoint: string;
  /** Optional fields of mountinfo: `shared:N`, `master:N`, `propagate_from:N`, `unbindable`. */
  propagation: string[];
}

/** Parses /proc/<pid>/mountinfo (see proc(5)); octal escapes (`\040` for a space) are decoded. */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 7) continue;
    const separator = fields.indexOf('-', 6);
    entries.push({
      mountPoint: unescapeMountPath(fields[4]),
      propagation: fields.slice(6, separator < 0 ? 6 : separator),
    });
  }
  return entries;
}

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export async function readMountInfo(): Promise<MountInfoEntry[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** Mount points at or below `dir` (an absolute, symlink-free path), deepest first. */
export async function mountPointsUnder(dir: string): Promise<string[]> {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const points = (await readMountInfo()).map((e) => e.mountPoint).filter((mp) => mp === dir || mp.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * Makes `dir` (absolute, symlink-free, existing) a shared mount point: `mount --bind dir dir` then
 * `mount --make-rshared dir`. Idempotent: a dir that already is a shared mount point is left alone;
 * one that is a mount point but not shared is only made rshared.
 */
export async function makeSharedBindMount(dir: string): Promise<void> {
  const entries = (await readMountInfo()).filter((e) => e.mountPoint === dir);
  // The last entry is the one on top (what the path resolves to).
  const top = entries.at(-1);
  if (top?.propagation.some((p) => p.startsWith('shared:'))) return;
  // one mount(8) call does both: the propagation change follows the bind (util-linux ≥ 2.23)
  if (top === undefined) await run('mount', ['--bind', '--make-rshared', dir, dir]);
  else await run('mount', ['--make-rshared', dir]);
}

/**
 * Unmounts `dir` and everything mounted beneath it (`umount -R`), falling back to a lazy unmount of
 * each mount point, deepest first. Afterwards nothing is mounted at or below `dir`, or it throws.
 */
export async function unmountTree(dir: string): Promise<void> {
  if ((await mountPointsUnder(dir)).length === 0) return;
  try {
    await run('umount', ['-R', dir]);
  } catch {
    for (const mp of await mountPointsUnder(dir)) await run('umount', ['-l', mp]).catch(() => undefined);
  }
  const left = await mountPointsUnder(dir);
  if (left.length > 0) throw new Error(`cannot unmount ${left.join(', ')}`);
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(file, args, (error, _stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.join(' ')} failed: ${stderr.trim() || error.message}`)) : resolve(),
    ),
  );
}
