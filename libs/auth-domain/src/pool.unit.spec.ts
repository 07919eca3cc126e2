import { given } from '@hoody/decider';
import { NO_POOL_LIMITS, poolDecider, type PoolEvent, type PoolRole, type PoolSettings } from './pool';

const at = '2026-11-29T10:00:00.000Z';
const later = '2026-11-29T11:00:00.000Z';
// owner, an accepted admin, an accepted user, a pending invitee, a stranger
const [OWNER, ADMIN, USER, INVITEE, STRANGER] = ['o', 'a', 'u', 'i', 's'];
const limits: PoolSettings = { maxContainersPerMember: 5, maxCpuPerMember: 2, maxMemoryPerMember: 4 };

const created: PoolEvent = {
  type: 'PoolCreated',
  data: { poolId: 'p1', ownerId: OWNER, name: 'engineering-team', description: 'the team', settings: limits, at },
};
const invited = (userId: string, role: PoolRole, invitedBy = OWNER): PoolEvent => ({ type: 'PoolMemberInvited', data: { userId, role, invitedBy, at } });
const accepted = (userId: string): PoolEvent => ({ type: 'PoolInvitationAccepted', data: { userId, at } });
/** The owner, ADMIN and USER accepted, INVITEE invited as a user. */
const team: PoolEvent[] = [created, invited(ADMIN, 'admin'), accepted(ADMIN), invited(USER, 'user'), accepted(USER), invited(INVITEE, 'user')];
const deleted: PoolEvent = { type: 'PoolDeleted', data: { at } };

describe('pool decider', () => {
  describe('create', () => {
    it('records the pool with its creator as owner', () => {
      given(poolDecider, [])
        .when({ type: 'CreatePool', poolId: 'p1', ownerId: OWNER, name: ' engineering-team ', description: 'the team', settings: limits, at })
        .then([created]);
    });

    it('checks the name, description and limits', () => {
      const create = (name: string, settings: PoolSettings = NO_POOL_LIMITS, description: string | null = null) =>
        given(poolDecider, []).when({ type: 'CreatePool', poolId: 'p1', ownerId: OWNER, name, description, settings, at });
      create('x'.repeat(100)).then([
        { type: 'PoolCreated', data: { poolId: 'p1', ownerId: OWNER, name: 'x'.repeat(100), description: null, settings: NO_POOL_LIMITS, at } },
      ]);
      create('x'.repeat(101)).thenRejected('VALIDATION_FAILED');
      create('   ').thenRejected('VALIDATION_FAILED');
      create('ok', NO_POOL_LIMITS, 'd'.repeat(1001)).thenRejected('VALIDATION_FAILED');
      create('ok', { ...NO_POOL_LIMITS, maxContainersPerMember: -1 }).thenRejected('VALIDATION_FAILED');
      create('ok', { ...NO_POOL_LIMITS, maxContainersPerMember: 1.5 }).thenRejected('VALIDATION_FAILED');
      create('ok', { ...NO_POOL_LIMITS, maxCpuPerMember: 0 }).thenRejected('VALIDATION_FAILED');
      create('ok', { ...NO_POOL_LIMITS, maxMemoryPerMember: -2 }).thenRejected('VALIDATION_FAILED');
    });

    it('creates a pool once', () => {
      given(poolDecider, [created])
        .when({ type: 'CreatePool', poolId: 'p1', ownerId: OWNER, name: 'again', description: null, settings: limits, at })
        .thenRejected('POOL_EXISTS');
    });
  });

  describe('update and delete', () => {
    it('lets the owner change what changed, merging limits (null clears one)', () => {
      given(poolDecider, team)
        .when({ type: 'UpdatePool', actorId: OWNER, description: 'the team', settings: { maxCpuPerMember: null, maxMemoryPerMember: 8 }, at: later })
        .then([{ type: 'PoolUpdated', data: { settings: { maxContainersPerMember: 5, maxCpuPerMember: null, maxMemoryPerMember: 8 }, at: later } }]);
      given(poolDecider, team)
        .when({ type: 'UpdatePool', actorId: OWNER, description: null, at: later })
        .then([{ type: 'PoolUpdated', data: { description: null, at: later } }]);
      given(poolDecider, team).when({ type: 'UpdatePool', actorId: OWNER, description: 'the team', settings: { maxContainersPerMember: 5 }, at }).then([]);
      given(poolDecider, team).when({ type: 'UpdatePool', actorId: OWNER, settings: { maxContainersPerMember: -3 }, at }).thenRejected('VALIDATION_FAILED');
    });

    it('lets only the owner update and delete', () => {
      for (const actorId of [ADMIN, USER]) {
        given(poolDecider, team).when({ type: 'UpdatePool', actorId, description: 'mine', at }).thenRejected('INSUFFICIENT_PERMISSIONS');
        given(poolDecider, team).when({ type: 'DeletePool', actorId, at }).thenRejected('INSUFFICIENT_PERMISSIONS');
      }
      given(poolDecider, team).when({ type: 'DeletePool', actorId: OWNER, at }).then([deleted]);
    });

    it('folds updates into the state', () => {
      given(poolDecider, [created, { type: 'PoolUpdated', data: { description: null, at } }, { type: 'PoolUpdated', data: { settings: NO_POOL_LIMITS, at } }]).thenState({
        status: 'active',
        pool: { poolId: 'p1', ownerId: OWNER, name: 'engineering-team', description: null, settings: NO_POOL_LIMITS, members: {}, createdAt: at },
      });
    });
  });

  describe('invitations', () => {
    it('lets the owner invite admins and users, and an admin invite users', () => {
      given(poolDecider, team).when({ type: 'InviteMember', actorId: OWNER, userId: STRANGER, role: 'admin', at }).then([invited(STRANGER, 'admin')]);
      given(poolDecider, team).when({ type: 'InviteMember', actorId: ADMIN, userId: STRANGER, role: 'user', at }).then([invited(STRANGER, 'user', ADMIN)]);
      given(poolDecider, team).when({ type: 'InviteMember', actorId: ADMIN, userId: STRANGER, role: 'admin', at }).thenRejected('INSUFFICIENT_PERMISSIONS');
      given(poolDecider, team).when({ type: 'InviteMember', actorId: USER, userId: STRANGER, role: 'user', at }).thenRejected('INSUFFICIENT_PERMISSIONS');
    });

    it('refuses to invite the owner, a member or someone already invited', () => {
      for (const userId of [OWNER, ADMIN, USER, INVITEE]) {
        given(poolDecider, team).when({ type: 'InviteMember', actorId: OWNER, userId, role: 'user', at }).thenRejected('ALREADY_MEMBER');
      }
      given(poolDecider, team).when({ type: 'InviteMember', actorId: OWNER, userId: STRANGER, role: 'owner' as PoolRole, at }).thenRejected('VALIDATION_FAILED');
    });

    it('lets only the invitee accept or reject a pending invitation', () => {
      given(poolDecider, team).when({ type: 'AcceptInvitation', actorId: INVITEE, at }).then([accepted(INVITEE)]);
      given(poolDecider, team).when({ type: 'RejectInvitation', actorId: INVITEE, at }).then([{ type: 'PoolInvitationRejected', data: { userId: INVITEE, at } }]);
      for (const type of ['AcceptInvitation', 'RejectInvitation'] as const) {
        given(poolDecider, team).when({ type, actorId: STRANGER, at }).thenRejected('POOL_NOT_FOUND');
        for (const actorId of [OWNER, ADMIN, USER]) given(poolDecider, team).when({ type, actorId, at }).thenRejected('INVALID_STATE');
      }
    });

    it('gives a pending invitee nothing until accepted, and allows a new invitation after a rejection', () => {
      given(poolDecider, team).when({ type: 'UpdatePool', actorId: INVITEE, description: 'x', at }).thenRejected('POOL_NOT_FOUND');
      given(poolDecider, team).when({ type: 'InviteMember', actorId: INVITEE, userId: STRANGER, role: 'user', at }).thenRejected('POOL_NOT_FOUND');
      given(poolDecider, team).when({ type: 'RemoveMember', actorId: INVITEE, userId: USER, at }).thenRejected('POOL_NOT_FOUND');
      const rejected: PoolEvent = { type: 'PoolInvitationRejected', data: { userId: INVITEE, at } };
      given(poolDecider, [...team, rejected]).when({ type: 'AcceptInvitation', actorId: INVITEE, at }).thenRejected('POOL_NOT_FOUND');
      given(poolDecider, [...team, rejected]).when({ type: 'InviteMember', actorId: OWNER, userId: INVITEE, role: 'admin', at }).then([invited(INVITEE, 'admin')]);
    });

    it('keeps members and invitees in the state', () => {
      given(poolDecider, [created, invited(ADMIN, 'admin'), accepted(ADMIN), invited(USER, 'user', ADMIN)]).thenState({
        status: 'active',
        pool: {
          poolId: 'p1',
          ownerId: OWNER,
          name: 'engineering-team',
          description: 'the team',
          settings: limits,
          createdAt: at,
          members: {
            [ADMIN]: { role: 'admin', status: 'active', invitedBy: OWNER, invitedAt: at },
            [USER]: { role: 'user', status: 'pending', invitedBy: ADMIN, invitedAt: at },
          },
        },
      });
    });
  });

  describe('roles', () => {
    it('lets only the owner change a role, of a member or an invitee', () => {
      const changed = (userId: string, role: PoolRole): PoolEvent => ({ type: 'PoolMemberRoleChanged', data: { userId, role, at } });
      given(poolDecider, team).when({ type: 'ChangeMemberRole', actorId: OWNER, userId: USER, role: 'admin', at }).then([changed(USER, 'admin')]);
      given(poolDecider, team).when({ type: 'ChangeMemberRole', actorId: OWNER, userId: INVITEE, role: 'admin', at }).then([changed(INVITEE, 'admin')]);
      given(poolDecider, team).when({ type: 'ChangeMemberRole', actorId: OWNER, userId: ADMIN, role: 'admin', at }).then([]);
      given(poolDecider, team).when({ type: 'ChangeMemberRole', actorId: ADMIN, userId: USER, role: 'admin', at }).thenRejected('INSUFFICIENT_PERMISSIONS');
      given(poolDecider, team).when({ type: 'ChangeMemberRole', actorId: USER, userId: USER, role: 'admin', at }).thenRejected('INSUFFICIENT_PERMISSIONS');
      given(poolDecider, team).when({ type: 'ChangeMemberRole', actorId: OWNER, userId: STRANGER, role: 'user', at }).thenRejected('MEMBER_NOT_FOUND');
      given(poolDecider, team).when({ type: 'ChangeMemberRole', actorId: OWNER, userId: OWNER, role: 'user', at }).thenRejected('INVALID_STATE');
      given(poolDecider, [...team, changed(USER, 'admin')])
        .when({ type: 'RemoveMember', actorId: ADMIN, userId: USER, at })
        .thenRejected('INSUFFICIENT_PERMISSIONS');
    });
  });

  describe('removal', () => {
    const removed = (userId: string): PoolEvent => ({ type: 'PoolMemberRemoved', data: { userId, at } });

    it('lets the owner remove anyone but itself', () => {
      for (const userId of [ADMIN, USER, INVITEE]) given(poolDecider, team).when({ type: 'RemoveMember', actorId: OWNER, userId, at }).then([removed(userId)]);
      given(poolDecider, team).when({ type: 'RemoveMember', actorId: OWNER, userId: OWNER, at }).thenRejected('INVALID_STATE');
      given(poolDecider, team).when({ type: 'RemoveMember', actorId: OWNER, userId: STRANGER, at }).thenRejected('MEMBER_NOT_FOUND');
    });

    it('lets an admin remove users and invitees, not the owner nor another admin', () => {
      const admins = [...team, invited('a2', 'admin'), accepted('a2')];
      for (const userId of [USER, INVITEE]) given(poolDecider, admins).when({ type: 'RemoveMember', actorId: ADMIN, userId, at }).then([removed(userId)]);
      given(poolDecider, admins).when({ type: 'RemoveMember', actorId: ADMIN, userId: 'a2', at }).thenRejected('INSUFFICIENT_PERMISSIONS');
      given(poolDecider, admins).when({ type: 'RemoveMember', actorId: ADMIN, userId: OWNER, at }).thenRejected('INSUFFICIENT_PERMISSIONS');
    });

    it('lets a user remove nobody but itself (leaving the pool)', () => {
      given(poolDecider, team).when({ type: 'RemoveMember', actorId: USER, userId: INVITEE, at }).thenRejected('INSUFFICIENT_PERMISSIONS');
      given(poolDecider, team).when({ type: 'RemoveMember', actorId: USER, userId: OWNER, at }).thenRejected('INSUFFICIENT_PERMISSIONS');
      given(poolDecider, team).when({ type: 'RemoveMember', actorId: USER, userId: USER, at }).then([removed(USER)]);
      given(poolDecider, team).when({ type: 'RemoveMember', actorId: ADMIN, userId: ADMIN, at }).then([removed(ADMIN)]);
    });

    it('takes all access away from a removed member', () => {
      given(poolDecider, [...team, removed(ADMIN)]).when({ type: 'InviteMember', actorId: ADMIN, userId: STRANGER, role: 'user', at }).thenRejected('POOL_NOT_FOUND');
    });
  });

  describe('unknown and deleted pools', () => {
    it('answers every command as for a pool that does not exist', () => {
      const commands = [
        { type: 'UpdatePool', actorId: OWNER, description: 'x', at },
        { type: 'DeletePool', actorId: OWNER, at },
        { type: 'InviteMember', actorId: OWNER, userId: STRANGER, role: 'user', at },
        { type: 'AcceptInvitation', actorId: INVITEE, at },
        { type: 'RejectInvitation', actorId: INVITEE, at },
        { type: 'ChangeMemberRole', actorId: OWNER, userId: USER, role: 'admin', at },
        { type: 'RemoveMember', actorId: OWNER, userId: USER, at },
      ] as const;
      for (const command of commands) {
        given(poolDecider, []).when(command).thenRejected('POOL_NOT_FOUND');
        given(poolDecider, [...team, deleted]).when(command).thenRejected('POOL_NOT_FOUND');
      }
      given(poolDecider, [...team, deleted])
        .when({ type: 'CreatePool', poolId: 'p1', ownerId: OWNER, name: 'again', description: null, settings: limits, at })
        .thenRejected('POOL_EXISTS');
    });

    it('hides the pool from strangers whatever they ask', () => {
      given(poolDecider, team).when({ type: 'UpdatePool', actorId: STRANGER, description: 'x', at }).thenRejected('POOL_NOT_FOUND');
      given(poolDecider, team).when({ type: 'DeletePool', actorId: STRANGER, at }).thenRejected('POOL_NOT_FOUND');
      given(poolDecider, team).when({ type: 'InviteMember', actorId: STRANGER, userId: STRANGER, role: 'user', at }).thenRejected('POOL_NOT_FOUND');
      given(poolDecider, team).when({ type: 'ChangeMemberRole', actorId: STRANGER, userId: USER, role: 'admin', at }).thenRejected('POOL_NOT_FOUND');
      given(poolDecider, team).when({ type: 'RemoveMember', actorId: STRANGER, userId: USER, at }).thenRejected('POOL_NOT_FOUND');
    });
  });
});
