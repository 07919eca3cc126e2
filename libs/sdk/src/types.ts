// Resources and request bodies of the Hoody REST API, as on the wire (snake_case), following the
// contract (`api-contract.md`). Timestamps are ISO 8601 strings. Where the contract leaves a shape
// open, the type says so and stays loose rather than guessing.

/** A 24-lowercase-hex id (projects, containers, servers, tokens, realms, …). */
export type Id = string;
/** An ISO 8601 timestamp. */
export type Timestamp = string;

// ---------------------------------------------------------------------------------------------
// Envelope, errors, pagination

/** Every successful response: `{ statusCode, message, data }`. */
export interface Envelope<T> {
  statusCode: number;
  message: string;
  data: T;
}

/** One validation failure of a 400 `VALIDATION_FAILED` (JSON pointer into the request body). */
export interface ValidationIssue {
  instancePath: string;
  message: string;
}

/** Every error response: `{ statusCode, error, message, data? }`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  data?: ValidationIssue[];
}

export interface Pagination {
  total: number;
  page: number;
  limit: number;
  totalPages: number;
}

/** A paged list: `{ <key>: T[], pagination }`, e.g. `Paged<'containers', Container>`. */
export type Paged<K extends string, T> = { [P in K]: T[] } & { pagination: Pagination };

export type SortOrder = 'asc' | 'desc';

/** `?page=1&limit=20` (limit ≤ 100), `sort_by`, `sort_order`, and the realm filter. */
export interface PageQuery<S extends string = string> {
  page?: number;
  limit?: number;
  sort_by?: S;
  sort_order?: SortOrder;
  realm_id?: Id;
}

// ---------------------------------------------------------------------------------------------
// Tokens, users, realms

/** A permissions tree (`{ containers: { read: true, … }, … }`); its shape is the server's. */
export type PermissionTree = Record<string, unknown>;

export interface Token {
  id: Id;
  alias: string;
  /** Always `hdy_`. */
  prefix: string;
  realm_ids: Id[];
  allow_no_realm: boolean;
  permissions: PermissionTree;
  expires_at: Timestamp | null;
  is_enabled: boolean;
  ip_whitelist: string[];
  created_by_token_id: Id | null;
  last_used_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The token object returned by a create: the only time the secret (`hdy_…`) is shown. */
export interface TokenWithSecret extends Token {
  token: string;
}

export interface CreateTokenBody {
  /** 1–254 characters. */
  alias: string;
  realm_ids?: Id[];
  /** Default true. */
  allow_no_realm?: boolean;
  /** ISO timestamp, unix seconds, `today` or `tomorrow`. */
  expires_at?: string | number | null;
  ip_whitelist?: string[];
  /** `full_access`, `read_only`, … (or give a `permissions` tree). */
  permission_template?: string;
  permissions?: PermissionTree;
  is_enabled?: boolean;
  event_access?: boolean;
  vault_access?: boolean;
  deny_reauthorization?: boolean;
  public_key?: string;
}

export type UpdateTokenBody = Partial<CreateTokenBody>;

export interface RealmRestrictions {
  has_realm_restrictions: boolean;
  requires_realm_scope: boolean;
  allowed_realm_ids: Id[];
  allow_no_realm: boolean;
  active_realm_id: Id | null;
}

export interface TokenMe {
  token: Token;
  restrictions: RealmRestrictions;
}

export interface RealmUsage {
  projects: number;
  containers: number;
  servers: number;
  auth_tokens: number;
}

export interface RealmList {
  realm_ids: Id[];
  total: number;
  /** Present with `include_usage=true`. */
  usage?: Record<Id, RealmUsage>;
}

export interface RealmListQuery {
  include_usage?: boolean;
}

/** (ext) A user: every user has a default project and acts through their own tokens. */
export interface User {
  id: Id;
  username: string;
  is_admin: boolean;
  default_project_id: Id | null;
  created_at: Timestamp;
}

export type UserPage = Paged<'users', User>;

export interface CreateUserBody {
  username: string;
}

/** (ext) `POST /users`: the new user and a first token for them, shown once. */
export interface UserCreated {
  user: User;
  token: TokenWithSecret;
}

// ---------------------------------------------------------------------------------------------
// Projects and servers

export interface Project {
  id: Id;
  user_id: Id;
  alias: string;
  color: string | null;
  max_containers: number | null;
  is_default: boolean;
  realm_ids: Id[];
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CreateProjectBody {
  /** 1–100 characters, unique per owner. */
  alias: string;
  color?: string;
  max_containers?: number;
  realm_ids?: Id[];
}

export type UpdateProjectBody = Partial<CreateProjectBody>;

export type ProjectPage = Paged<'projects', Project>;

export interface ProjectDeleted {
  deleted: { containers: number };
}

export type ServerStatus = 'online' | 'offline';

export interface Server {
  id: Id;
  name: string;
  status: ServerStatus;
  owner_id: Id;
  pool_id: Id | null;
  specs: { cpu_cores: number; ram_gb: number; disk_gb: number };
  container_capacity: { used: number; max: number };
  prespawn_count: number;
  last_seen_at: Timestamp | null;
}

/** (ext) `POST /servers/join-tokens`. */
export interface CreateJoinTokenBody {
  name?: string;
  /** Admin only. */
  pool_id?: Id;
}

export interface JoinToken {
  join_token: string;
}

/** (ext) `PATCH /servers/{id}` (the server's owner or an admin). */
export interface UpdateServerBody {
  /** 0–100: the size of the server's default prespawn template (base image, Hoody Kit on, no limits); 0 empties it. */
  prespawn_count: number;
}

// ---------------------------------------------------------------------------------------------
// Containers

export type ContainerStatus =
  | 'creating'
  | 'running'
  | 'paused'
  | 'stopped'
  | 'failed'
  | 'deleted'
  | 'copying'
  | 'deleting'
  | 'claiming';

export interface Container {
  id: Id;
  /** null for a warm prespawned container nobody has claimed (listed only with `include_prespawn`). */
  project_id: Id | null;
  server_id: Id;
  server_name: string;
  name: string;
  color: string | null;
  container_image: string;
  hoody_kit: boolean;
  dev_kit: boolean;
  autostart: boolean;
  ramdisk: boolean;
  prespawn: boolean;
  status: ContainerStatus;
  environment_vars: Record<string, string>;
  comment: string | null;
  source_container_id: Id | null;
  realm_ids: Id[];
  snapshot_count: number;
  last_used_snapshot: string | null;
  pool_id: Id | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CreateContainerBody {
  server_id: Id;
  /** 3–100 characters of `[a-zA-Z0-9_-]`; generated when absent. */
  name?: string;
  container_image?: string;
  environment_vars?: Record<string, string>;
  /** Default true: `/hoody/storage` and `/hoody/shares`. */
  hoody_kit?: boolean;
  dev_kit?: boolean;
  /** Default true. */
  autostart?: boolean;
  ramdisk?: boolean;
  realm_ids?: Id[];
  /** Ask to be served from a warm prespawned container. */
  prespawn?: boolean;
  /** Always create cold, even when a warm container matches. */
  bypass_prespawn?: boolean;
  /** (ext) CPU limit in cores. */
  cpu?: number;
  /** (ext) Memory limit in GiB. */
  memory?: number;
  /** Accepted (hosted contract fields this platform honours or safely ignores). */
  color?: string;
  comment?: string;
  ai?: boolean;
  cache?: boolean;
  cache_image?: string;
}

export interface UpdateContainerBody {
  name?: string;
  color?: string | null;
  autostart?: boolean;
  environment_vars?: Record<string, string>;
  comment?: string | null;
  realm_ids?: Id[];
}

export type ContainerSortField = 'id' | 'name' | 'status' | 'created_at' | 'updated_at';

export interface ContainerListQuery extends PageQuery<ContainerSortField> {
  /** Prespawned warm containers are listed only with this. */
  include_prespawn?: boolean;
}

export type ContainerPage = Paged<'containers', Container>;

export const CONTAINER_OPERATIONS = ['start', 'stop', 'force-stop', 'restart', 'pause', 'resume'] as const;
export type ContainerOperation = (typeof CONTAINER_OPERATIONS)[number];

export interface OperationResult {
  operation: ContainerOperation;
  container_id: Id;
  project_id: Id;
  status: ContainerStatus;
}

export interface StatusLog {
  id: Id;
  container_id: Id;
  from_status: ContainerStatus | null;
  to_status: ContainerStatus;
  transition_time: Timestamp;
  duration_ms: number | null;
  triggered_by: string | null;
}

export type StatusLogQuery = PageQuery<'transition_time'>;

export type StatusLogPage = Paged<'logs', StatusLog>;

/** `GET /containers/{id}/stats`: cpu, memory, network and disk figures, as the server reports them. */
export interface ContainerStats {
  cpu?: Record<string, unknown>;
  memory?: Record<string, unknown>;
  network?: Record<string, unknown>;
  disk?: Record<string, unknown>;
  [figure: string]: unknown;
}

/** (ext) `POST /containers/{id}/exec`. */
export interface ExecBody {
  cmd: string[];
  env?: Record<string, string>;
  timeout_s?: number;
}

export interface ExecResult {
  exit_code: number;
  stdout: string;
  stderr: string;
}

/** (ext) `GET /containers/{id}/logs`. */
export interface LogsQuery {
  tail?: number;
}

export interface ContainerLogs {
  lines: string[];
}

// ---------------------------------------------------------------------------------------------
// Network routing (egress)

export const NETWORK_TYPES = ['socks5', 'http', 'https', 'block'] as const;
export type NetworkType = (typeof NETWORK_TYPES)[number];

export type NetworkStatus = 'configured' | 'running' | 'stopped' | 'error';

export interface NetworkConfig {
  container_id: Id;
  configured: boolean;
  type: NetworkType | null;
  /** Without credentials. */
  proxy: string | null;
  credentials_configured: boolean;
  dns_servers: string[];
  country: string | null;
  city: string | null;
  region: string | null;
  comment: string | null;
  status: NetworkStatus;
  configured_at: Timestamp | null;
}

export interface UpdateNetworkBody {
  type: NetworkType;
  /** Proxy URL, required unless `block`; userinfo is the credentials (write-only). */
  proxy?: string;
  /** At most 4. */
  dns_servers?: string[];
  country?: string;
  city?: string;
  region?: string;
  comment?: string;
}

export interface NetworkRunState {
  container_id: Id;
  status: NetworkStatus;
  is_running: boolean;
}

// ---------------------------------------------------------------------------------------------
// Storage shares

export type ShareMode = 'readonly' | 'readwrite';
export type ShareTargetType = 'container' | 'project';
export type ShareStatus = 'active' | 'failed';

export interface Share {
  id: Id;
  source_container_id: Id;
  source_path: string;
  target_container_id: Id | null;
  target_project_id: Id | null;
  target_type: ShareTargetType;
  mode: ShareMode;
  alias: string | null;
  label: string | null;
  description: string | null;
  enabled: boolean;
  status: ShareStatus;
  status_message: string | null;
  /** Unix seconds. */
  expires_at: number | null;
  realm_ids: Id[];
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Exactly one target: a container or a whole project. */
export type ShareTarget =
  | { target_container_id: Id; target_project_id?: never }
  | { target_project_id: Id; target_container_id?: never };

export type CreateShareBody = ShareTarget & {
  /** Absolute, no `..`, not under /proc /sys /dev /boot /run. */
  source_path: string;
  mode: ShareMode;
  /** 3–63 characters of `[a-z0-9_-]`; the target sees the files at `/hoody/shares/<alias>/`. */
  alias?: string;
  label?: string;
  description?: string;
  /** Default true. */
  enabled?: boolean;
  /** Unix seconds. */
  expires_at?: number;
};

export interface UpdateShareBody {
  mode?: ShareMode;
  alias?: string;
  label?: string;
  description?: string;
  enabled?: boolean;
  expires_at?: number | null;
}

export interface ShareListQuery {
  target_type?: ShareTargetType;
  label?: string;
  status?: ShareStatus;
  enabled?: boolean;
  include_expired?: boolean;
  realm_id?: Id;
}

export interface MountOverride {
  mount: boolean;
  [field: string]: unknown;
}

export interface MountResult {
  share: Share;
  override: MountOverride;
}

// ---------------------------------------------------------------------------------------------
// Copy and sync

export interface CopyContainerBody {
  target_project_id: Id;
  /** Default: the source's server. */
  target_server_id?: Id;
  name?: string;
  /** Snapshot name or alias to copy from. */
  source_snapshot?: string;
  copy_network_rules?: boolean;
  copy_firewall_rules?: boolean;
}

export interface SyncResult {
  container_id: Id;
  source_container_id: Id;
  status: ContainerStatus;
}

// ---------------------------------------------------------------------------------------------
// Snapshots

export interface Snapshot {
  /** `snap-YYYYMMDD-HHMMSS` (UTC, made unique). */
  name: string;
  alias: string | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  stateful: boolean;
  /** Bytes. */
  size: number;
}

export interface SnapshotList {
  container_id: Id;
  project_id: Id;
  snapshot_count: number;
  max_snapshots: number;
  snapshots: Snapshot[];
}

export interface CreateSnapshotBody {
  /** At most 100 characters. */
  alias?: string;
  /** Days until the platform deletes it, 1–3650. */
  expiry?: number;
}

export interface SnapshotCreated {
  container_id: Id;
  project_id: Id;
  snapshot: Snapshot;
}

export interface SnapshotRestored {
  success: boolean;
  message: string;
  snapshot: Snapshot;
}

export interface SnapshotDeleted {
  container_id: Id;
  project_id: Id;
  snapshot_name: string;
}

export interface SnapshotAliasBody {
  /** `null` removes the alias. */
  alias: string | null;
}

// ---------------------------------------------------------------------------------------------
// Server pools

export type PoolRole = 'admin' | 'user';

/** Pool settings, such as per-member limits (containers, CPU, memory); keys are the server's. */
export type PoolSettings = Record<string, unknown>;

export interface Pool {
  id: Id;
  name: string;
  description: string | null;
  owner_id: Id;
  settings: PoolSettings;
  /** The caller's role in the pool. */
  user_role: PoolRole | 'owner' | null;
  member_count: number;
  server_count: number;
  created_at: Timestamp;
}

/** A pool member; the contract does not spell the fields out beyond the role. */
export interface PoolMember {
  user_id: Id;
  username: string;
  role: PoolRole | 'owner';
  [field: string]: unknown;
}

/** `GET /pools/{id}`: the pool with its members and servers. */
export interface PoolDetail extends Pool {
  members: PoolMember[];
  servers: Server[];
}

/** A pending invitation; the contract does not spell the fields out. */
export interface PoolInvitation {
  [field: string]: unknown;
}

export interface CreatePoolBody {
  /** At most 100 characters. */
  name: string;
  description?: string;
  settings?: PoolSettings;
}

export interface UpdatePoolBody {
  description?: string;
  settings?: PoolSettings;
}

export interface InviteMemberBody {
  username: string;
  role: PoolRole;
}

export interface UpdateMemberRoleBody {
  role: PoolRole;
}

export interface AddPoolServerBody {
  server_id: Id;
}

// ---------------------------------------------------------------------------------------------
// Events

export interface HoodyEvent {
  id: Id;
  /** Dotted public type: `container.running`, `storage.share.created`, … */
  event_type: string;
  resource_type: string;
  resource_id: Id;
  user_id: Id | null;
  payload: Record<string, unknown>;
  realm_ids: Id[];
  created_at: Timestamp;
}

export interface EventListQuery {
  /** At most 500. */
  limit?: number;
  offset?: number;
  event_type?: string;
  resource_type?: string;
  resource_id?: Id;
  project_id?: Id;
  container_id?: Id;
  start_date?: string;
  end_date?: string;
  realm_id?: Id;
}

export interface EventPage {
  events: HoodyEvent[];
  pagination: { total: number; limit: number; offset: number; has_more: boolean };
}

// ---------------------------------------------------------------------------------------------
// Prespawn templates (ext): which warm containers the platform keeps ready, where and how many. A
// container create that matches a template (image, Kit, limits) is served from one of them.

export type PrespawnTemplateState = 'active' | 'paused' | 'degraded';

export interface PrespawnTemplate {
  id: Id;
  owner_id: Id;
  name: string;
  container_image: string;
  hoody_kit: boolean;
  dev_kit: boolean;
  environment_vars: Record<string, string>;
  /** CPU limit in cores; null: no limit. */
  cpu: number | null;
  /** Memory limit in GiB; null: no limit. */
  memory: number | null;
  /** The servers its pools are on (empty when `pool_id` is set). */
  server_ids: Id[];
  /** Every server of this server pool (null when `server_ids` is set). */
  pool_id: Id | null;
  /** Warm containers kept ready on each server, at least… */
  min_ready: number;
  /** …and at most. */
  max_ready: number;
  /** Seconds a warm container waits for a claim before it is recycled; 0: never recycled. */
  ttl: number;
  /** `paused`: not refilled (ready ones stay claimable); `degraded`: warming kept failing, not refilled until updated or resumed. */
  state: PrespawnTemplateState;
  degraded_reason: string | null;
  /** Set for a server's default template (its `prespawn_count`): that server's id. */
  default_for_server_id: Id | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** What a template's warm containers run, and how many of them. */
export interface PrespawnTemplateFields {
  /** 1–100 characters; generated when absent. */
  name?: string;
  /** Default: the base image. */
  container_image?: string;
  /** Default true. */
  hoody_kit?: boolean;
  dev_kit?: boolean;
  environment_vars?: Record<string, string>;
  /** CPU limit in cores; 0: no limit. */
  cpu?: number;
  /** Memory limit in GiB; 0: no limit. */
  memory?: number;
  /** Default 1. */
  min_ready?: number;
  /** Default max(min_ready, 1); at most 100. */
  max_ready?: number;
  /** Seconds a warm container waits for a claim before it is recycled; 0 (the default): never. */
  ttl?: number;
}

/** Where a template keeps its warm containers: these servers, or every server of a server pool. */
export type PrespawnPlacement = { server_ids: Id[]; pool_id?: never } | { pool_id: Id; server_ids?: never };

export type CreatePrespawnTemplateBody = PrespawnTemplateFields & PrespawnPlacement;

/** Only the fields given change; setting `server_ids` clears `pool_id` and the other way round. */
export type UpdatePrespawnTemplateBody = PrespawnTemplateFields & Partial<PrespawnPlacement>;

export type PrespawnTemplateSortField = 'id' | 'name' | 'created_at' | 'updated_at';

/** Templates carry no realm: no `realm_id` filter. */
export type PrespawnTemplateListQuery = Omit<PageQuery<PrespawnTemplateSortField>, 'realm_id'>;

export type PrespawnTemplatePage = Paged<'templates', PrespawnTemplate>;

/** A warming that failed (the provisioning error). */
export interface PrespawnFailure {
  server_id: Id;
  reason: string;
  at: Timestamp | null;
}

/** One (template, server) pool. */
export interface PrespawnServerStatus {
  server_id: Id;
  ready: number;
  warming: number;
  /** What the platform keeps ready there now: between min_ready and max_ready, raised by the claim rate, within capacity. */
  target: number;
  /** Why `target` is below what demand asks for: the server's places (shared fairly among its pools) or the template owner's limits on a server pool. */
  limited_by: 'server_capacity' | 'member_limits' | null;
}

/** `GET /prespawn/templates/{id}/status`. */
export interface PrespawnTemplateStatus {
  template_id: Id;
  state: PrespawnTemplateState;
  degraded_reason: string | null;
  /** Warm containers ready to be claimed, over all its servers. */
  ready: number;
  /** Warm containers being created. */
  warming: number;
  /** Containers claimed from this template (all time). */
  claimed: number;
  target: number;
  /** Since the scheduler started: matching creates served warm… */
  hits: number;
  /** …and cold (none was ready). */
  misses: number;
  /** hits / (hits + misses); 0 without any. */
  hit_rate: number;
  /** Over the last 1000 claims; 0 without any. */
  claim_latency_ms: { p50: number; p99: number };
  /** Most recent first. */
  recent_failures: PrespawnFailure[];
  servers: PrespawnServerStatus[];
}
