import type { common } from '@hoody/contracts';
import { CommandRejected } from '@hoody/decider';

/**
 * The one tenancy rule: which resources a caller may see, given the realms its token is restricted
 * to, `allow_no_realm`, and the realm of the host the request came to. Every service decides with
 * these functions (the predicate in code, the same rule as SQL for queries); none re-implements it.
 *
 * Realms are labels: a resource carries `realm_ids` (none, one or several).
 * - On a realm host (`<realmId>.<api domain>`) only resources carrying that realm are seen.
 * - A token restricted to realms sees resources carrying one of them, and realm-less ones only with
 *   `allow_no_realm`.
 * - Ownership (whose project, whose token) is each resource's own rule, applied on top.
 * A resource out of sight does not exist: the caller gets exactly what it gets for an unknown id.
 */

/** What the rule needs of the caller: the principal the gateway sends in call metadata. */
export type Viewer = Pick<common.Principal, 'realmIds' | 'allowNoRealm' | 'activeRealmId'>;

export interface Labelled {
  realmIds: readonly string[];
}

export const isRealmRestricted = (viewer: Viewer) => viewer.realmIds.length > 0;

export function realmVisible(viewer: Viewer, resource: Labelled): boolean {
  const realms = resource.realmIds;
  if (viewer.activeRealmId && !realms.includes(viewer.activeRealmId)) return false;
  if (!isRealmRestricted(viewer)) return true;
  if (realms.length === 0) return viewer.allowNoRealm;
  return realms.some((realm) => viewer.realmIds.includes(realm));
}

/**
 * Whether resources that carry no realm at all (server pools, prespawn templates) are in the
 * viewer's sight: not on a realm host, not for a restricted token without `allow_no_realm`.
 */
export const realmlessInSight = (viewer: Viewer): boolean => realmVisible(viewer, { realmIds: [] });

/** Whether a realm itself may be named to the caller (GET /realms): on a realm host only that one; a restricted token only its own. */
export function realmInSight(viewer: Viewer, realmId: string): boolean {
  if (viewer.activeRealmId) return realmId === viewer.activeRealmId;
  return !isRealmRestricted(viewer) || viewer.realmIds.includes(realmId);
}

/** A SQL condition with its parameters, to AND into a query. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/**
 * realmVisible as SQL (SQLite) over a column holding the resource's `realm_ids` as a JSON array.
 * `column` is code, never input.
 */
export function realmVisibleSql(viewer: Viewer, column: string): SqlCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (viewer.activeRealmId) {
    parts.push(`EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ?)`);
    params.push(viewer.activeRealmId);
  }
  if (isRealmRestricted(viewer)) {
    const carriesOne = `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value IN (${viewer.realmIds.map(() => '?').join(', ')}))`;
    parts.push(viewer.allowNoRealm ? `(${carriesOne} OR json_array_length(${column}) = 0)` : carriesOne);
    params.push(...viewer.realmIds);
  }
  return parts.length === 0 ? { sql: '1 = 1', params: [] } : { sql: parts.join(' AND '), params };
}

/** A change of labels the caller may not make: a rejected command, answered 403 INSUFFICIENT_PERMISSIONS. */
export class RealmChangeRefused extends CommandRejected {
  constructor(message: string) {
    super('INSUFFICIENT_PERMISSIONS', message);
  }
}

const unique = (realms: readonly string[]) => [...new Set(realms)];

/**
 * The `realm_ids` a new resource gets: those asked for, plus the host's realm. A restricted token
 * may only label with its own realms.
 */
export function realmsOnCreate(viewer: Viewer, requested: readonly string[] = []): string[] {
  const realms = unique([...requested, ...(viewer.activeRealmId ? [viewer.activeRealmId] : [])]);
  if (isRealmRestricted(viewer)) {
    const foreign = realms.filter((realm) => !viewer.realmIds.includes(realm));
    if (foreign.length > 0) throw new RealmChangeRefused(`this token is restricted to its realms and cannot label resources with ${foreign.join(', ')}`);
  }
  return realms;
}

/**
 * The `realm_ids` an update sets (undefined: unchanged). A restricted token cannot change anyone's
 * `realm_ids`; on a realm host the host's realm stays on what it labels.
 */
export function realmsOnUpdate(viewer: Viewer, requested: readonly string[] | undefined): string[] | undefined {
  if (requested === undefined) return undefined;
  if (isRealmRestricted(viewer)) throw new RealmChangeRefused('a realm-restricted token cannot change realm_ids');
  return unique([...requested, ...(viewer.activeRealmId ? [viewer.activeRealmId] : [])]);
}

/**
 * Whether a token (its restrictions) is within the caller's reach: one it may see, change, revoke
 * or mint. An unrestricted caller reaches every token (of its user); a restricted one only tokens
 * no wider than itself: restricted to some of its realms, and realm-less access only if it has it.
 * On a realm host, only tokens carrying that realm.
 */
export function tokenWithinReach(viewer: Viewer, token: { realmIds: readonly string[]; allowNoRealm: boolean }): boolean {
  if (viewer.activeRealmId && !token.realmIds.includes(viewer.activeRealmId)) return false;
  if (!isRealmRestricted(viewer)) return true;
  if (token.realmIds.length === 0) return false;
  if (!token.realmIds.every((realm) => viewer.realmIds.includes(realm))) return false;
  return viewer.allowNoRealm || !token.allowNoRealm;
}
