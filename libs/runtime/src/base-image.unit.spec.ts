import { lstat, mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBaseRootfs, elfLinkage, findBusybox, splitReference } from './base-image';

describe('splitReference', () => {
  it.each([
    ['hoody/base:latest', { repo: 'hoody/base', tag: 'latest' }],
    ['hoody/base', { repo: 'hoody/base', tag: 'latest' }],
    ['localhost:5000/hoody/base', { repo: 'localhost:5000/hoody/base', tag: 'latest' }],
    ['localhost:5000/hoody/base:v1', { repo: 'localhost:5000/hoody/base', tag: 'v1' }],
  ])('%s', (ref, expected) => expect(splitReference(ref)).toEqual(expected));
});

describe('findBusybox / elfLinkage', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hbb-'));
    await writeFile(join(dir, 'busybox'), '#!/bin/sh\n', { mode: 0o755 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds a static busybox on this machine', () => {
    const found = findBusybox();
    expect(elfLinkage(found)).toBe('static');
  });

  it('tells a dynamic executable and a script apart from a static one', () => {
    expect(elfLinkage(process.execPath)).toBe('dynamic');
    expect(elfLinkage(join(dir, 'busybox'))).toBe('not-elf');
  });

  it('names the Debian package when busybox is missing', () => {
    expect(() => findBusybox({ candidates: [join(dir, 'nope')], pathEnv: '' })).toThrow(/busybox not found.*busybox-static/);
  });

  it('refuses a busybox that is not statically linked', () => {
    expect(() => findBusybox({ candidates: [join(dir, 'busybox')], pathEnv: '' })).toThrow(/not an ELF executable.*busybox-static/);
    expect(() => findBusybox({ candidates: [], pathEnv: dir })).toThrow(/busybox-static/);
  });
});

describe('buildBaseRootfs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hrootfs-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lays out busybox, an applet symlink for each applet, /etc and the usual directories', async () => {
    const { applets } = await buildBaseRootfs(dir);
    expect(applets).toEqual(expect.arrayContaining(['sh', 'ls', 'cat', 'echo', 'sleep', 'wget', 'nc', 'httpd', 'mount']));
    expect(applets).not.toContain('busybox');
    expect((await stat(join(dir, 'bin/busybox'))).mode & 0o777).toBe(0o755);
    for (const applet of applets) expect(await readlink(join(dir, 'bin', applet))).toBe('busybox');
    expect((await lstat(join(dir, 'bin/sh'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, 'etc/passwd'), 'utf8')).toMatch(/^root:x:0:0:root:\/root:\/bin\/sh$/m);
    expect(await readFile(join(dir, 'etc/group'), 'utf8')).toMatch(/^root:x:0:$/m);
    expect((await stat(join(dir, 'tmp'))).mode & 0o7777).toBe(0o1777);
    for (const d of ['root', 'hoody', 'etc', 'proc', 'sys', 'dev']) expect((await stat(join(dir, d))).isDirectory()).toBe(true);
  });
});
