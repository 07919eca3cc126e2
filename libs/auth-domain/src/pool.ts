import { assertNever, CommandRejected, type Decider } from '@hoody/decider';

/**
 * Server pools (streams `pool-<poolId>`): a pool's owner shares the servers of the pool with the
 * members it invites. The events are a contract with the scheduler, which projects them to decide
 * who may place containers on a pool's servers and within which limits.
 *
 * Who may do what (the actor's user id travels in every command; the decider is the authority):
 * - create: anyone; the creator is the owner. The owner is not a member row: its role is `owner`.
 * - update, delete, change a member's role: the owner only.
 * - invite: the owner (role `admin` or `user`) or an admin (role `user` only: granting `admin` is
 *   a role decision, and roles are the owner's to change).
 * - remove: the owner removes anyone but itself; an admin removes users and pending invitees, not
 *   the owner nor another admin; any member may remove itself (leave the pool). The owner cannot
 *   leave: it deletes the pool instead. Removing a pending invitee withdraws the invitation.
 * - accept, reject: the invitee of a pending invitation only.
 * An invitation gives nothing until accepted. Someone who is neither the owner nor an accepted
 * member (a pending invitee included, except for accept and reject) is told `POOL_NOT_FOUND`,
 * exactly as for a pool that does not exist; a deleted pool takes no commands and reads the same.
 */

export type PoolRole = 'admin' | 'user';

/** null: no limit. cpu in cores, memory in GiB, per member of the pool. */
export interface PoolSettings {
  maxContainersPerMember: number | null;
  maxCpuPerMember: number | null;
  maxMemoryPerMember: number | null;
}

export const NO_POOL_LIMITS: PoolSettings = { maxContainersPerMember: null, maxCpuPerMember: null, maxMemoryPerMember: null };

export const POOL_NAME_MAX = 100;
export const POOL_DESCRIPTION_MAX = 1000;

export type PoolCommand =
  | { type: 'CreatePool'; poolId: string; ownerId: string; name: string; description: string | null; settings: PoolSettings; at: string }
  /** Absent fields stay; `settings` keys absent stay, null clears a limit. */
  | { type: 'UpdatePool'; actorId: string; description?: string | null; settings?: Partial<PoolSettings>; at: string }
  | { type: 'DeletePool'; actorId: string; at: string }
  | { type: 'InviteMember'; actorId: string; userId: string; role: PoolRole; at: string }
  | { type: 'AcceptInvitation'; actorId: string; at: string }
  | { type: 'RejectInvitation'; actorId: string; at: string }
  | { type: 'ChangeMemberRole'; actorId: string; userId: string; role: PoolRole; at: string }
  | { type: 'RemoveMember'; actorId: string; userId: string; at: string };

export type PoolEvent =
  | { type: 'PoolCreated'; data: { poolId: string; ownerId: string; name: string; description: string | null; settings: PoolSettings; at: string } }
  | { type: 'PoolUpdated'; data: { description?: string | null; settings?: PoolSettings; at: string } }
  | { type: 'PoolDeleted'; data: { at: string } }
  | { type: 'PoolMemberInvited'; data: { userId: string; role: PoolRole; invitedBy: string; at: string } }
  | { type: 'PoolInvitationAccepted'; data: { userId: string; at: string } }
  | { type: 'PoolInvitationRejected'; data: { userId: string; at: string } }
  | { type: 'PoolMemberRoleChanged'; data: { userId: string; role: PoolRole; at: string } }
  | { type: 'PoolMemberRemoved'; data: { userId: string; at: string } };

export interface PoolMembership {
  role: PoolRole;
  status: 'pending' | 'active';
  invitedBy: string;
  invitedAt: string;
}

export interface PoolRecord {
  poolId: string;
  ownerId: string;
  name: string;
  description: string | null;
  settings: PoolSettings;
  /** Invitees and members by user id; the owner is not among them. */
  members: Record<string, PoolMembership>;
  createdAt: string;
}

export type PoolState = { status: 'none' } | { status: 'active' | 'deleted'; pool: PoolRecord };

const notFound = () => new CommandRejected('POOL_NOT_FOUND', 'pool not found');
const forbidden = (message: string) => new CommandRejected('INSUFFICIENT_PERMISSIONS', message);
const invalid = (message: string) => new CommandRejected('VALIDATION_FAILED', message);

/** The actor's standing in the pool: `owner`, an accepted member's role, `pending`, or none. */
export function poolRoleOf(pool: PoolRecord, userId: string): 'owner' | PoolRole | 'pending' | null {
  if (userId === pool.ownerId) return 'owner';
  const member = pool.members[userId];
  if (!member) return null;
  return member.status === 'active' ? member.role : 'pending';
}

export const poolDecider: Decider<PoolCommand, PoolEvent, PoolState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    if (command.type === 'CreatePool') {
      if (state.status !== 'none') throw new CommandRejected('POOL_EXISTS', `pool ${command.poolId} already exists`);
      const name = command.name.trim();
      if (name.length === 0 || name.length > POOL_NAME_MAX) throw invalid(`name: 1-${POOL_NAME_MAX} characters`);
      checkDescription(command.description);
      checkSettings(command.settings);
      const { poolId, ownerId, description, settings, at } = command;
      return [{ type: 'PoolCreated', data: { poolId, ownerId, name, description, settings, at } }];
    }
    if (state.status !== 'active') throw notFound();
    const pool = state.pool;
    const actor = poolRoleOf(pool, command.actorId);
    // Accept and reject are the pending invitee's; everything else needs sight of the pool.
    if (command.type === 'AcceptInvitation' || command.type === 'RejectInvitation') {
      if (actor === null) throw notFound();
      if (actor !== 'pending') throw new CommandRejected('INVALID_STATE', 'there is no pending invitation to this pool');
      const data = { userId: command.actorId, at: command.at };
      return [command.type === 'AcceptInvitation' ? { type: 'PoolInvitationAccepted', data } : { type: 'PoolInvitationRejected', data }];
    }
    if (actor === null || actor === 'pending') throw notFound();

    switch (command.type) {
      case 'UpdatePool': {
        if (actor !== 'owner') throw forbidden('only the owner may change the pool');
        const data: { description?: string | null; settings?: PoolSettings; at: string } = { at: command.at };
        if (command.description !== undefined && command.description !== pool.description) {
          checkDescription(command.description);
          data.description = command.description;
        }
        if (command.settings !== undefined) {
          const change = command.settings;
          const settings: PoolSettings = {
            maxContainersPerMember: change.maxContainersPerMember !== undefined ? change.maxContainersPerMember : pool.settings.maxContainersPerMember,
            maxCpuPerMember: change.maxCpuPerMember !== undefined ? change.maxCpuPerMember : pool.settings.maxCpuPerMember,
            maxMemoryPerMember: change.maxMemoryPerMember !== undefined ? change.maxMemoryPerMember : pool.settings.maxMemoryPerMember,
          };
          checkSettings(settings);
          if (!sameSettings(settings, pool.settings)) data.settings = settings;
        }
        return data.description === undefined && data.settings === undefined ? [] : [{ type: 'PoolUpdated', data }];
      }
      case 'DeletePool':
        if (actor !== 'owner') throw forbidden('only the owner may delete the pool');
        return [{ type: 'PoolDeleted', data: { at: command.at } }];
      case 'InviteMember': {
        if (actor !== 'owner' && actor !== 'admin') throw forbidden('only the owner or an admin may invite');
        checkRole(command.role);
        if (actor === 'admin' && command.role === 'admin') throw forbidden('only the owner may invite an admin');
        if (command.userId === pool.ownerId) throw new CommandRejected('ALREADY_MEMBER', 'the owner is already in the pool');
        const existing = pool.members[command.userId];
        if (existing) {
          throw new CommandRejected('ALREADY_MEMBER', existing.status === 'active' ? 'already a member of the pool' : 'already invited to the pool');
        }
        return [{ type: 'PoolMemberInvited', data: { userId: command.userId, role: command.role, invitedBy: command.actorId, at: command.at } }];
      }
      case 'ChangeMemberRole': {
        if (actor !== 'owner') throw forbidden("only the owner may change members' roles");
        checkRole(command.role);
        if (command.userId === pool.ownerId) throw new CommandRejected('INVALID_STATE', "the owner's role cannot change");
        const member = pool.members[command.userId];
        if (!member) throw new CommandRejected('MEMBER_NOT_FOUND', 'no such member of the pool');
        if (member.role === command.role) return [];
        return [{ type: 'PoolMemberRoleChanged', data: { userId: command.userId, role: command.role, at: command.at } }];
      }
      case 'RemoveMember': {
        if (command.userId === pool.ownerId) {
          throw actor === 'owner' ? new CommandRejected('INVALID_STATE', 'the owner cannot leave the pool; delete it instead') : forbidden('the owner cannot be removed');
        }
        const member = pool.members[command.userId];
        if (!member) throw new CommandRejected('MEMBER_NOT_FOUND', 'no such member of the pool');
        const leaving = command.userId === command.actorId;
        if (!leaving && actor !== 'owner') {
          if (actor !== 'admin') throw forbidden('only the owner or an admin may remove members');
          if (member.role === 'admin') throw forbidden('only the owner may remove an admin');
        }
        return [{ type: 'PoolMemberRemoved', data: { userId: command.userId, at: command.at } }];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'PoolCreated': {
        const { poolId, ownerId, name, description, settings, at } = event.data;
        return { status: 'active', pool: { poolId, ownerId, name, description, settings, members: {}, createdAt: at } };
      }
      case 'PoolUpdated': {
        if (state.status === 'none') return state;
        const { description, settings } = event.data;
        return {
          ...state,
          pool: {
            ...state.pool,
            ...(description !== undefined ? { description } : {}),
            ...(settings !== undefined ? { settings } : {}),
          },
        };
      }
      case 'PoolDeleted':
        return state.status === 'none' ? state : { ...state, status: 'deleted' };
      case 'PoolMemberInvited': {
        const { userId, role, invitedBy, at } = event.data;
        return withMembers(state, (members) => ({ ...members, [userId]: { role, status: 'pending', invitedBy, invitedAt: at } }));
      }
      case 'PoolInvitationAccepted':
        return withMembers(state, (members) => {
          const member = members[event.data.userId];
          return member ? { ...members, [event.data.userId]: { ...member, status: 'active' } } : members;
        });
      case 'PoolMemberRoleChanged':
        return withMembers(state, (members) => {
          const member = members[event.data.userId];
          return member ? { ...members, [event.data.userId]: { ...member, role: event.data.role } } : members;
        });
      case 'PoolInvitationRejected':
      case 'PoolMemberRemoved':
        return withMembers(state, (members) => {
          const { [event.data.userId]: _gone, ...rest } = members;
          return rest;
        });
      default:
        return assertNever(event);
    }
  },
};

function withMembers(state: PoolState, change: (members: Record<string, PoolMembership>) => Record<string, PoolMembership>): PoolState {
  return state.status === 'none' ? state : { ...state, pool: { ...state.pool, members: change(state.pool.members) } };
}

function checkRole(role: string): void {
  if (role !== 'admin' && role !== 'user') throw invalid('role: admin or user');
}

function checkDescription(description: string | null): void {
  if (description !== null && description.length > POOL_DESCRIPTION_MAX) throw invalid(`description: at most ${POOL_DESCRIPTION_MAX} characters`);
}

function checkSettings(settings: PoolSettings): void {
  const { maxContainersPerMember: containers, maxCpuPerMember: cpu, maxMemoryPerMember: memory } = settings;
  if (containers !== null && !(Number.isInteger(containers) && containers >= 0)) throw invalid('settings.max_containers_per_member: a whole number, 0 or more');
  if (cpu !== null && !(Number.isFinite(cpu) && cpu > 0)) throw invalid('settings.max_cpu_per_member: cores, more than 0');
  if (memory !== null && !(Number.isFinite(memory) && memory > 0)) throw invalid('settings.max_memory_per_member: GiB, more than 0');
}

function sameSettings(a: PoolSettings, b: PoolSettings): boolean {
  return a.maxContainersPerMember === b.maxContainersPerMember && a.maxCpuPerMember === b.maxCpuPerMember && a.maxMemoryPerMember === b.maxMemoryPerMember;
}
