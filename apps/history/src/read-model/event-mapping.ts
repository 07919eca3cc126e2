import { createHash } from 'node:crypto';

/**
 * How a stored event (stream `<category>-<id>`, type PascalCase) becomes one public history row:
 * a dotted event type, the resource it concerns, whom it belongs to, the labels the resource
 * carried, and its data without secrets. Pure: the lookups (who owns a project, the labels of a
 * container...) are the projection's.
 */

/** A stored event, as the mapping needs it. */
export interface StoredEvent {
  id: string;
  streamId: string;
  type: string;
  data: unknown;
}

/** Streams that are no resource of anyone's: name reservations and join tokens. */
export const INTERNAL_CATEGORIES: ReadonlySet<string> = new Set(['name', 'jointoken']);

/** The public resource type of each category of stream; other categories keep their name. */
export const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  container: 'container',
  project: 'project',
  token: 'auth.token',
  user: 'user',
  pool: 'pool',
  server: 'server',
  audit: 'request',
};

/** The prefix of the dotted event types of a category (`auth.token.created`, `audit.request.refused`). */
const TYPE_PREFIXES: Readonly<Record<string, string>> = { ...RESOURCE_TYPES, audit: 'audit' };

/** Known event types whose public names are not just their words dotted (transitions apart). */
export const PUBLIC_EVENT_TYPES: Readonly<Record<string, string>> = {
  // users, projects
  UserCreated: 'user.created',
  ProjectCreated: 'project.created',
  ProjectUpdated: 'project.updated',
  ProjectDeleted: 'project.deleted',
  // API tokens
  TokenCreated: 'auth.token.created',
  TokenUpdated: 'auth.token.updated',
  TokenRealmAdded: 'auth.token.realm.added',
  TokenRealmRemoved: 'auth.token.realm.removed',
  TokenRevoked: 'auth.token.deleted',
  // server pools
  PoolCreated: 'pool.created',
  PoolUpdated: 'pool.updated',
  PoolDeleted: 'pool.deleted',
  PoolMemberInvited: 'pool.member.invited',
  PoolInvitationAccepted: 'pool.invitation.accepted',
  PoolInvitationRejected: 'pool.invitation.rejected',
  PoolMemberRoleChanged: 'pool.member.role_changed',
  PoolMemberRemoved: 'pool.member.removed',
  // servers
  ServerRegistered: 'server.registered',
  ServerAgentUpdated: 'server.updated',
  ServerWentOffline: 'server.offline',
  ServerCameOnline: 'server.online',
  ServerOrphansReported: 'server.orphans.reported',
  ServerPoolChanged: 'server.pool.changed',
  // containers: every status change is `container.<status it moved to>` (see publicEventType)
  ContainerUpdated: 'container.updated',
  // the audit trail
  RequestRefused: 'audit.request.refused',
};

/** `<category>-<id>` → its parts; a stream without a dash is all category. */
export function streamParts(streamId: string): { category: string; id: string } {
  const dash = streamId.indexOf('-');
  return dash < 0 ? { category: streamId, id: '' } : { category: streamId.slice(0, dash), id: streamId.slice(dash + 1) };
}

/** Whether an event is shown at all: not internal streams, not the store's own (`$…`) events. */
export function isPublic(event: Pick<StoredEvent, 'streamId' | 'type'>): boolean {
  if (event.streamId.startsWith('$') || event.type.startsWith('$')) return false;
  return !INTERNAL_CATEGORIES.has(streamParts(event.streamId).category);
}

/** A history row's id: 24 hex characters derived from its event's id, the same after every rebuild. */
export const historyEventId = (eventId: string) => createHash('sha256').update(eventId).digest('hex').slice(0, 24);

/** `SnapshotCreated` → `snapshot_created`. */
export function snakeCase(word: string): string {
  return word
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

function transitionTarget(data: unknown): string | undefined {
  const transition = (data as { transition?: { to?: unknown } } | null)?.transition;
  return typeof transition?.to === 'string' && /^[a-z_]+$/.test(transition.to) ? transition.to : undefined;
}

/**
 * The dotted public type: the known names above; a container status change is
 * `container.<status it moved to>`; anything else `<category prefix>.<snake_case of the type>`,
 * without the type's leading category word (`ShareCreated` in `share-…` → `share.created`), so that
 * events added later show up without a change here.
 */
export function publicEventType(event: Pick<StoredEvent, 'streamId' | 'type' | 'data'>): string {
  const { category } = streamParts(event.streamId);
  if (category === 'container') {
    const to = transitionTarget(event.data);
    if (to) return `container.${to}`;
  }
  const known = PUBLIC_EVENT_TYPES[event.type];
  if (known) return known;
  const prefix = TYPE_PREFIXES[category] ?? (snakeCase(category) || 'event');
  const words = event.type.toLowerCase().startsWith(category.toLowerCase()) && /^[A-Z]/.test(event.type.slice(category.length))
    ? event.type.slice(category.length)
    : event.type;
  return `${prefix}.${snakeCase(words) || 'event'}`;
}

export function resourceTypeOf(streamId: string): string {
  const { category } = streamParts(streamId);
  return RESOURCE_TYPES[category] ?? (snakeCase(category) || 'event');
}

/** Keys whose values are secrets (hashes of secrets included), at any depth. */
const SECRET_KEY = /secret|password|passwd|private_?key|credential/i;
/** Maps of environment variables, and the key their names are kept under: their values never are. */
const ENVIRONMENT_KEYS: Readonly<Record<string, string>> = {
  environmentVars: 'environmentVarNames',
  environment_vars: 'environment_var_names',
  environment: 'environmentVarNames',
  env: 'envVarNames',
};

/**
 * The event's data without secrets: no secret hashes (`secretHash`, `agentSecretHash`, any key
 * naming a secret or password), and environment variable maps reduced to their names
 * (`environmentVars: { A: 'x' }` → `environmentVarNames: ['A']`).
 */
export function publicPayload(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(publicPayload);
  if (data === null || typeof data !== 'object') return data;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (SECRET_KEY.test(key)) continue;
    const names = Object.hasOwn(ENVIRONMENT_KEYS, key) ? ENVIRONMENT_KEYS[key] : undefined;
    if (names && value !== null && typeof value === 'object') {
      // a map of name → value, or Docker's `NAME=value` list
      out[names] = Array.isArray(value) ? value.map((entry) => String(entry).split('=')[0]).sort() : Object.keys(value).sort();
      continue;
    }
    out[key] = publicPayload(value);
  }
  return out;
}
