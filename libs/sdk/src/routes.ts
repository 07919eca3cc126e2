// Every route of the contract as a pure function from arguments to an `ApiRequest`. `HoodyClient`
// binds these to HTTP (`client.api.containers.create(…)` sends `routes.containers.create(…)`).
import type { ApiRequest, HttpMethod, Query } from './request';
import type {
  AddPoolServerBody,
  Container,
  ContainerListQuery,
  ContainerLogs,
  ContainerOperation,
  ContainerPage,
  ContainerStats,
  CopyContainerBody,
  CreateContainerBody,
  CreateJoinTokenBody,
  CreatePoolBody,
  CreatePrespawnTemplateBody,
  CreateProjectBody,
  CreateShareBody,
  CreateSnapshotBody,
  CreateTokenBody,
  CreateUserBody,
  EventListQuery,
  EventPage,
  ExecBody,
  ExecResult,
  InviteMemberBody,
  JoinToken,
  LogsQuery,
  MountResult,
  NetworkConfig,
  NetworkRunState,
  OperationResult,
  PageQuery,
  Pool,
  PoolDetail,
  PoolInvitation,
  PoolMember,
  PrespawnTemplate,
  PrespawnTemplateListQuery,
  PrespawnTemplatePage,
  PrespawnTemplateStatus,
  Project,
  ProjectDeleted,
  ProjectPage,
  RealmList,
  RealmListQuery,
  Server,
  Share,
  ShareListQuery,
  SnapshotCreated,
  SnapshotDeleted,
  SnapshotList,
  SnapshotRestored,
  StatusLogPage,
  StatusLogQuery,
  SyncResult,
  Token,
  TokenMe,
  TokenWithSecret,
  UpdateContainerBody,
  UpdateMemberRoleBody,
  UpdateNetworkBody,
  UpdatePoolBody,
  UpdatePrespawnTemplateBody,
  UpdateProjectBody,
  UpdateServerBody,
  UpdateShareBody,
  UpdateTokenBody,
  UserCreated,
  UserPage,
} from './types';

/** Builds a path, encoding every interpolated parameter and refusing empty ones. */
function path(strings: TemplateStringsArray, ...params: string[]): string {
  return strings.reduce((out, part, i) => {
    if (i === 0) return part;
    const value = params[i - 1];
    if (typeof value !== 'string' || value.length === 0) {
      throw new TypeError(`Missing path parameter before "${part}" in ${strings.join('{…}')}`);
    }
    return `${out}${encodeURIComponent(value)}${part}`;
  }, '');
}

function call<T>(method: HttpMethod, p: string, extra: { query?: Query; body?: unknown; timeoutMs?: number } = {}): ApiRequest<T> {
  const request: { -readonly [K in keyof ApiRequest<T>]: ApiRequest<T>[K] } = { method, path: p };
  if (extra.query !== undefined) request.query = extra.query;
  if (extra.body !== undefined) request.body = extra.body;
  if (extra.timeoutMs !== undefined) request.timeoutMs = extra.timeoutMs;
  return request;
}

const get = <T>(p: string, query?: object) => call<T>('GET', p, { query: query as Query | undefined });
const post = <T>(p: string, body?: unknown) => call<T>('POST', p, { body });
const put = <T>(p: string, body?: unknown) => call<T>('PUT', p, { body });
const patch = <T>(p: string, body?: unknown) => call<T>('PATCH', p, { body });
const del = <T = null>(p: string) => call<T>('DELETE', p);

/** Client-side allowance on top of an exec's own timeout (default server timeout assumed 10 min). */
const EXEC_GRACE_MS = 30_000;
const EXEC_DEFAULT_TIMEOUT_S = 600;

export const routes = {
  containers: {
    /** `POST /projects/{projectId}/containers` (201). */
    create: (projectId: string, body: CreateContainerBody) => post<Container>(path`/projects/${projectId}/containers`, body),
    /** `GET /containers`, paged. */
    list: (query?: ContainerListQuery) => get<ContainerPage>('/containers', query),
    get: (id: string) => get<Container>(path`/containers/${id}`),
    /** `PATCH /containers/{id}`. */
    update: (id: string, body: UpdateContainerBody) => patch<Container>(path`/containers/${id}`, body),
    delete: (id: string) => del(path`/containers/${id}`),
    /** `POST /containers/{id}/{operation}`: start, stop, force-stop, restart, pause, resume. */
    manage: (id: string, operation: ContainerOperation) => post<OperationResult>(path`/containers/${id}/${operation}`),
    statusLogs: (id: string, query?: StatusLogQuery) => get<StatusLogPage>(path`/containers/${id}/status-logs`, query),
    stats: (id: string) => get<ContainerStats>(path`/containers/${id}/stats`),
    /** (ext) Runs a command in the container; answers once it exits. */
    exec: (id: string, body: ExecBody) =>
      call<ExecResult>('POST', path`/containers/${id}/exec`, {
        body,
        timeoutMs: (body.timeout_s ?? EXEC_DEFAULT_TIMEOUT_S) * 1000 + EXEC_GRACE_MS,
      }),
    /** (ext) The container's output. */
    logs: (id: string, query?: LogsQuery) => get<ContainerLogs>(path`/containers/${id}/logs`, query),
    /** `PATCH /containers/{id}/network`. */
    updateNetworkConfig: (id: string, body: UpdateNetworkBody) => patch<NetworkConfig>(path`/containers/${id}/network`, body),
    getNetworkConfig: (id: string) => get<NetworkConfig>(path`/containers/${id}/network`),
    /** Back to direct egress. */
    deleteNetworkConfig: (id: string) => del(path`/containers/${id}/network`),
    startNetwork: (id: string) => post<NetworkRunState>(path`/containers/${id}/network/start`),
    stopNetwork: (id: string) => post<NetworkRunState>(path`/containers/${id}/network/stop`),
    /** Copies the container (202, the new container in status `copying`). */
    copy: (id: string, body: CopyContainerBody) => post<Container>(path`/containers/${id}/copy`, body),
    /** Pulls the source's changes into a copy (202). `id` is the copy. */
    sync: (id: string) => post<SyncResult>(path`/containers/${id}/sync`),
    createSnapshot: (id: string, body: CreateSnapshotBody = {}) => post<SnapshotCreated>(path`/containers/${id}/snapshots`, body),
    listSnapshots: (id: string) => get<SnapshotList>(path`/containers/${id}/snapshots`),
    /** `PATCH /containers/{id}/snapshots/{name}`: restores the snapshot (name or alias). */
    restoreSnapshot: (id: string, name: string) => patch<SnapshotRestored>(path`/containers/${id}/snapshots/${name}`),
    deleteSnapshot: (id: string, name: string) => del<SnapshotDeleted>(path`/containers/${id}/snapshots/${name}`),
    /** Sets a snapshot's alias; `null` removes it. */
    setSnapshotAlias: (id: string, name: string, alias: string | null) =>
      patch<SnapshotCreated>(path`/containers/${id}/snapshots/${name}/alias`, { alias }),
  },

  projects: {
    list: (query?: PageQuery) => get<ProjectPage>('/projects', query),
    create: (body: CreateProjectBody) => post<Project>('/projects', body),
    get: (id: string) => get<Project>(path`/projects/${id}`),
    /** `PUT /projects/{id}`. */
    update: (id: string, body: UpdateProjectBody) => put<Project>(path`/projects/${id}`, body),
    /** Deletes the project and its containers. */
    delete: (id: string) => del<ProjectDeleted>(path`/projects/${id}`),
    listContainers: (id: string, query?: ContainerListQuery) => get<ContainerPage>(path`/projects/${id}/containers`, query),
  },

  servers: {
    list: () => get<Server[]>('/servers'),
    get: (id: string) => get<Server>(path`/servers/${id}`),
    /** (ext) `PATCH /servers/{id}`: sets `prespawn_count`, the size of the server's default prespawn template. */
    update: (id: string, body: UpdateServerBody) => patch<Server>(path`/servers/${id}`, body),
    /** (ext) A join token: an agent started with it registers its server. */
    createJoinToken: (body: CreateJoinTokenBody = {}) => post<JoinToken>('/servers/join-tokens', body),
  },

  authTokens: {
    /** The answer carries the secret (`data.token`), shown only here. */
    create: (body: CreateTokenBody) => post<TokenWithSecret>('/auth/tokens', body),
    list: () => get<Token[]>('/auth/tokens'),
    get: (id: string) => get<Token>(path`/auth/tokens/${id}`),
    /** `PUT /auth/tokens/{id}`. */
    update: (id: string, body: UpdateTokenBody) => put<Token>(path`/auth/tokens/${id}`, body),
    delete: (id: string) => del(path`/auth/tokens/${id}`),
    /** The calling token and its realm restrictions. */
    me: () => get<TokenMe>('/auth/tokens/me'),
    addRealm: (id: string, realmId: string) => post<Token>(path`/auth/tokens/${id}/add-realm`, { realm_id: realmId }),
    removeRealm: (id: string, realmId: string) => post<Token>(path`/auth/tokens/${id}/remove-realm`, { realm_id: realmId }),
  },

  users: {
    /** (ext, admin) The new user and a first token for them, shown once. */
    create: (body: CreateUserBody) => post<UserCreated>('/users', body),
    list: (query?: PageQuery) => get<UserPage>('/users', query),
  },

  realms: {
    list: (query?: RealmListQuery) => get<RealmList>('/realms', query),
  },

  pools: {
    create: (body: CreatePoolBody) => post<Pool>('/pools', body),
    list: () => get<Pool[]>('/pools'),
    /** The pool with `members[]` and `servers[]`. */
    get: (id: string) => get<PoolDetail>(path`/pools/${id}`),
    /** `PATCH /pools/{id}` (owner). */
    update: (id: string, body: UpdatePoolBody) => patch<Pool>(path`/pools/${id}`, body),
    delete: (id: string) => del(path`/pools/${id}`),
    /** (ext) Adds a server the caller owns to the pool. */
    addServer: (id: string, body: AddPoolServerBody) => post<PoolDetail>(path`/pools/${id}/servers`, body),
    removeServer: (id: string, serverId: string) => del(path`/pools/${id}/servers/${serverId}`),
    /** The caller's pending invitations. */
    invitations: () => get<PoolInvitation[]>('/pools/invitations/pending'),
    accept: (id: string) => post<unknown>(path`/pools/${id}/accept`),
    reject: (id: string) => post<unknown>(path`/pools/${id}/reject`),
  },

  poolMembers: {
    invite: (poolId: string, body: InviteMemberBody) => post<PoolMember>(path`/pools/${poolId}/members`, body),
    /** `PUT /pools/{poolId}/members/{userId}` (owner). */
    updateRole: (poolId: string, userId: string, body: UpdateMemberRoleBody) =>
      put<PoolMember>(path`/pools/${poolId}/members/${userId}`, body),
    remove: (poolId: string, userId: string) => del(path`/pools/${poolId}/members/${userId}`),
  },

  storageShares: {
    /** Shares a directory of `containerId` with a container or a project (201). */
    create: (containerId: string, body: CreateShareBody) => post<Share>(path`/containers/${containerId}/storage/shares`, body),
    /** The shares of one container, or every share the caller sees when `containerId` is absent. */
    list: (containerId?: string, query?: ShareListQuery) =>
      containerId === undefined
        ? get<Share[]>('/storage/shares', query)
        : get<Share[]>(path`/containers/${containerId}/storage/shares`, query),
    get: (containerId: string, shareId: string) => get<Share>(path`/containers/${containerId}/storage/shares/${shareId}`),
    update: (containerId: string, shareId: string, body: UpdateShareBody) =>
      patch<Share>(path`/containers/${containerId}/storage/shares/${shareId}`, body),
    delete: (shareId: string) => del(path`/storage/shares/${shareId}`),
    /** Shares offered to one container, or to every container the caller sees. */
    incoming: (containerId?: string) =>
      containerId === undefined ? get<Share[]>('/storage/incoming') : get<Share[]>(path`/containers/${containerId}/storage/incoming`),
    /** The target's side: mount (or unmount) an incoming share. */
    setMount: (containerId: string, shareId: string, mount: boolean) =>
      patch<MountResult>(path`/containers/${containerId}/storage/incoming/${shareId}/mount`, { mount }),
  },

  events: {
    list: (query?: EventListQuery) => get<EventPage>('/events', query),
  },

  prespawn: {
    templates: {
      /** `GET /prespawn/templates`, paged (`templates`). */
      list: (query?: PrespawnTemplateListQuery) => get<PrespawnTemplatePage>('/prespawn/templates', query),
      /** Exactly one of `server_ids` and `pool_id` (201). */
      create: (body: CreatePrespawnTemplateBody) => post<PrespawnTemplate>('/prespawn/templates', body),
      get: (id: string) => get<PrespawnTemplate>(path`/prespawn/templates/${id}`),
      /** `PATCH /prespawn/templates/{id}`: only the fields given change. */
      update: (id: string, body: UpdatePrespawnTemplateBody) => patch<PrespawnTemplate>(path`/prespawn/templates/${id}`, body),
      /** Its unclaimed warm containers go with it. */
      delete: (id: string) => del(path`/prespawn/templates/${id}`),
      /** Stops refilling; ready warm containers stay claimable. */
      pause: (id: string) => post<PrespawnTemplate>(path`/prespawn/templates/${id}/pause`),
      /** Refills again (also clears `degraded`). */
      resume: (id: string) => post<PrespawnTemplate>(path`/prespawn/templates/${id}/resume`),
      /** Ready, warming, claimed, target, hit rate, claim latency, recent failures, per server. */
      status: (id: string) => get<PrespawnTemplateStatus>(path`/prespawn/templates/${id}/status`),
    },
  },
} as const;

export type Routes = typeof routes;
