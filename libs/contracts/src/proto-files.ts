import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The proto packages there are so far, by owning service (`proto/hoody/<service>/v1/`).
 * `common` holds the types every service shares.
 */
export const PROTO_PACKAGES = {
  common: 'hoody.common.v1',
  auth: 'hoody.auth.v1',
  scheduler: 'hoody.scheduler.v1',
  agent: 'hoody.agent.v1',
  history: 'hoody.history.v1',
} as const;

export type ProtoService = keyof typeof PROTO_PACKAGES;

export const PROTO_SERVICES = Object.keys(PROTO_PACKAGES) as readonly ProtoService[];

/**
 * Finds the workspace's `proto/` directory (the buf module: it holds `buf.yaml`) by walking up from
 * this file, so it resolves the same from `libs/contracts/src` (ts-jest, tsx) as from a compiled
 * `dist/libs/contracts/src`. `HOODY_PROTO_ROOT` overrides it (e.g. an image with protos elsewhere).
 * Not found: the source layout's `../../../proto`, so that importing the generated code never
 * fails; loading .proto files from it then fails with the path in the message.
 */
function findProtoRoot(): string {
  const override = process.env['HOODY_PROTO_ROOT'];
  if (override) return resolve(override);
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'buf.yaml'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  return resolve(__dirname, '../../../proto');
}

/** Absolute path of the `proto/` directory: the include root for every .proto file. */
export const PROTO_ROOT: string = findProtoRoot();

/**
 * The .proto files of a service, relative to PROTO_ROOT (`hoody/auth/v1/tokens.proto`, ...), sorted.
 * Relative on purpose: load them with `includeDirs: [PROTO_ROOT]` (see PROTO_LOADER_OPTIONS) so a
 * file imported by another is not loaded twice under two names.
 */
export function protoFiles(service: ProtoService): string[] {
  const relDir = PROTO_PACKAGES[service].replace(/\./g, '/');
  const absDir = join(PROTO_ROOT, relDir);
  if (!existsSync(absDir)) return [];
  return readdirSync(absDir)
    .filter((f) => f.endsWith('.proto'))
    .sort()
    .map((f) => `${relDir}/${f}`);
}

/** Every .proto file of every service, relative to PROTO_ROOT. */
export function allProtoFiles(): string[] {
  return PROTO_SERVICES.flatMap((s) => protoFiles(s));
}
