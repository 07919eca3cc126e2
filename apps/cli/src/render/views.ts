// How each answer is shown in table mode: compact columns per resource. `--output json` ignores
// views (except `exec`'s exit code) and prints the envelope's `data`.
import type { Column } from './format';

type Row = Record<string, unknown>;

export type View =
  /** A list: rows are `data` itself when it is an array, else `data[key]` (or its first array). */
  | { kind: 'table'; columns: Column[]; key?: string; rows?: (data: Row) => Row[]; empty: string; footer?: (data: Row) => string | undefined }
  /**
   * One object as `key  value` lines (`pick` shows `data[pick]`, `summary` what it makes of it),
   * then sub-tables of its lists.
   */
  | { kind: 'object'; pick?: string; summary?: (data: Row) => Row; notice?: string; tables?: Record<string, Column[]> }
  /** `exec`: the command's stdout and stderr, and its exit code as ours. */
  | { kind: 'exec' }
  /** `logs`: `data.lines`, one per line. */
  | { kind: 'lines' }
  /** A change without a payload (delete, …): the envelope's message, and `data` if any. */
  | { kind: 'message' };

const col = (header: string, key: string, extra: Partial<Column> = {}): Column => ({ header, value: (r) => r[key], ...extra });
const time = (header: string, key: string): Column => col(header, key, { format: 'time' });
const get = (row: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Row)[k] : undefined), row);

export const containerColumns: Column[] = [
  col('id', 'id'),
  col('name', 'name', { max: 32 }),
  col('status', 'status'),
  { header: 'server', value: (r) => r['server_name'] ?? r['server_id'], max: 24 },
  col('project', 'project_id'),
  col('image', 'container_image', { max: 32 }),
  time('created', 'created_at'),
];

export const projectColumns: Column[] = [
  col('id', 'id'),
  col('alias', 'alias', { max: 32 }),
  col('default', 'is_default'),
  col('max', 'max_containers'),
  col('realms', 'realm_ids', { max: 52 }),
  time('created', 'created_at'),
];

export const serverColumns: Column[] = [
  col('id', 'id'),
  col('name', 'name', { max: 24 }),
  col('status', 'status'),
  { header: 'containers', value: (r) => (get(r, 'container_capacity', 'max') === undefined ? undefined : `${get(r, 'container_capacity', 'used')}/${get(r, 'container_capacity', 'max')}`) },
  { header: 'cpu', value: (r) => get(r, 'specs', 'cpu_cores') },
  { header: 'ram_gb', value: (r) => get(r, 'specs', 'ram_gb') },
  col('prespawn', 'prespawn_count'),
  col('pool', 'pool_id'),
  time('last seen', 'last_seen_at'),
];

export const tokenColumns: Column[] = [
  col('id', 'id'),
  col('alias', 'alias', { max: 32 }),
  col('realms', 'realm_ids', { max: 52 }),
  col('no-realm', 'allow_no_realm'),
  col('enabled', 'is_enabled'),
  time('expires', 'expires_at'),
  time('last used', 'last_used_at'),
];

export const userColumns: Column[] = [col('id', 'id'), col('username', 'username', { max: 32 }), col('admin', 'is_admin'), col('default project', 'default_project_id'), time('created', 'created_at')];

export const poolColumns: Column[] = [
  col('id', 'id'),
  col('name', 'name', { max: 32 }),
  col('role', 'user_role'),
  col('members', 'member_count'),
  col('servers', 'server_count'),
  col('description', 'description', { max: 40 }),
];

export const memberColumns: Column[] = [col('user', 'user_id'), col('username', 'username'), col('role', 'role'), col('status', 'status')];

export const invitationColumns: Column[] = [
  { header: 'pool', value: (r) => r['pool_id'] ?? r['id'] },
  { header: 'name', value: (r) => r['pool_name'] ?? r['name'] },
  col('role', 'role'),
  { header: 'invited by', value: (r) => r['invited_by_username'] ?? r['invited_by'] },
  { header: 'invited', value: (r) => r['invited_at'] ?? r['created_at'], format: 'time' },
];

export const shareColumns: Column[] = [
  col('id', 'id'),
  col('source', 'source_container_id'),
  col('path', 'source_path', { max: 36 }),
  { header: 'target', value: (r) => (r['target_type'] === 'project' ? `project:${r['target_project_id']}` : r['target_container_id']), max: 32 },
  col('mode', 'mode'),
  col('alias', 'alias'),
  col('enabled', 'enabled'),
  col('status', 'status'),
];

export const snapshotColumns: Column[] = [
  col('name', 'name'),
  col('alias', 'alias', { max: 32 }),
  col('size', 'size', { format: 'bytes' }),
  time('created', 'created_at'),
  time('expires', 'expires_at'),
];

export const statusLogColumns: Column[] = [
  time('time', 'transition_time'),
  col('from', 'from_status'),
  col('to', 'to_status'),
  col('duration_ms', 'duration_ms'),
  col('by', 'triggered_by', { max: 32 }),
];

export const eventColumns: Column[] = [
  time('time', 'created_at'),
  col('type', 'event_type', { max: 32 }),
  col('resource', 'resource_type'),
  col('resource id', 'resource_id'),
  col('id', 'id'),
];

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const ms = (v: unknown) => `${Math.round(num(v) * 10) / 10} ms`;
/** `600s`, or `never` for 0. */
const ttl = (v: unknown) => (v === undefined || v === null ? undefined : num(v) === 0 ? 'never' : `${num(v)}s`);
/** `active`, or `degraded: <why>`. */
const stateOf = (r: Row) => (r['degraded_reason'] ? `${String(r['state'])}: ${String(r['degraded_reason'])}` : r['state']);

export const templateColumns: Column[] = [
  col('id', 'id'),
  col('name', 'name', { max: 24 }),
  col('state', 'state'),
  col('image', 'container_image', { max: 28 }),
  { header: 'kit', value: (r) => [r['hoody_kit'] ? 'hoody' : undefined, r['dev_kit'] ? 'dev' : undefined].filter(Boolean).join('+') || undefined },
  { header: 'limits', value: (r) => [r['cpu'] ? `${r['cpu']} cpu` : undefined, r['memory'] ? `${r['memory']} GiB` : undefined].filter(Boolean).join(', ') || undefined },
  { header: 'where', value: (r) => (r['pool_id'] ? `pool ${r['pool_id']}` : r['server_ids']), max: 52 },
  { header: 'min-max', value: (r) => (r['min_ready'] === undefined ? undefined : `${r['min_ready']}–${r['max_ready']}`) },
  { header: 'ttl', value: (r) => ttl(r['ttl']) },
];

export const templatePoolColumns: Column[] = [
  col('server', 'server_id'),
  col('ready', 'ready'),
  col('warming', 'warming'),
  col('target', 'target'),
  { header: 'limited by', value: (r) => (r['limited_by'] === 'server_capacity' ? 'server capacity' : r['limited_by'] === 'member_limits' ? 'pool member limits' : undefined) },
];

export const templateFailureColumns: Column[] = [time('at', 'at'), col('server', 'server_id'), col('reason', 'reason', { max: 80 })];

/** `GET /prespawn/templates/{id}/status` as lines a person reads; the lists become the tables. */
export function templateStatusSummary(s: Row): Row {
  const hits = num(s['hits']);
  const misses = num(s['misses']);
  const latency = (s['claim_latency_ms'] ?? {}) as Row;
  return {
    template: s['template_id'],
    state: stateOf(s),
    ready: s['ready'],
    warming: s['warming'],
    claimed: s['claimed'],
    target: s['target'],
    'hit rate': hits + misses === 0 ? 'no matching creates yet' : `${(num(s['hit_rate']) * 100).toFixed(1)}% (${plural(hits, 'hit')}, ${plural(misses, 'miss', 'misses')})`,
    'claim latency': num(latency['p50']) === 0 && num(latency['p99']) === 0 ? 'no claims yet' : `p50 ${ms(latency['p50'])}, p99 ${ms(latency['p99'])}`,
    servers: s['servers'],
    failures: s['recent_failures'],
  };
}

export const realmColumns: Column[] = [
  col('realm', 'id'),
  col('projects', 'projects'),
  col('containers', 'containers'),
  col('servers', 'servers'),
  col('tokens', 'auth_tokens'),
];

const table = (columns: Column[], empty: string, key?: string): View => ({ kind: 'table', columns, empty, key });
const object: View = { kind: 'object' };

export const views = {
  object,
  message: { kind: 'message' } as View,
  exec: { kind: 'exec' } as View,
  lines: { kind: 'lines' } as View,
  containers: table(containerColumns, 'No containers.', 'containers'),
  projects: table(projectColumns, 'No projects.', 'projects'),
  servers: table(serverColumns, 'No servers.', 'servers'),
  tokens: table(tokenColumns, 'No tokens.', 'tokens'),
  users: table(userColumns, 'No users.', 'users'),
  pools: table(poolColumns, 'No pools.', 'pools'),
  invitations: table(invitationColumns, 'No pending invitations.', 'invitations'),
  shares: table(shareColumns, 'No shares.', 'shares'),
  statusLogs: table(statusLogColumns, 'No status changes.', 'logs'),
  events: table(eventColumns, 'No events.', 'events'),
  templates: table(templateColumns, 'No prespawn templates.', 'templates'),
  templateStatus: { kind: 'object', summary: templateStatusSummary, tables: { servers: templatePoolColumns, failures: templateFailureColumns } } as View,
  snapshots: {
    kind: 'table',
    columns: snapshotColumns,
    key: 'snapshots',
    empty: 'No snapshots.',
    footer: (d) => (typeof d['snapshot_count'] === 'number' ? `${d['snapshot_count']} of at most ${d['max_snapshots'] ?? '?'} snapshots` : undefined),
  } as View,
  realms: {
    kind: 'table',
    columns: realmColumns,
    empty: 'No realms.',
    rows: (d) => {
      const usage = (d['usage'] ?? {}) as Record<string, Row>;
      return ((d['realm_ids'] ?? []) as string[]).map((id) => ({ id, ...(usage[id] ?? {}) }));
    },
  } as View,
  poolDetail: { kind: 'object', tables: { members: memberColumns, servers: serverColumns } } as View,
  snapshot: { kind: 'object', pick: 'snapshot' } as View,
  secret: (notice: string): View => ({ kind: 'object', notice }),
};
