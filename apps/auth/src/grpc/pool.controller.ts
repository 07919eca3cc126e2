import { status, type Metadata } from '@grpc/grpc-js';
import type { PoolCommand, PoolRole, PoolSettings } from '@hoody/auth-domain';
import { auth, type common } from '@hoody/contracts';
import { realmlessInSight } from '@hoody/tenancy';
import { callerOf, eventMetadata, rpcError, toRpcError } from '@hoody/service-kit';
import { Controller, Inject } from '@nestjs/common';
import { AuthCommands } from '../commands/auth-commands';
import { AuthQueries, type PoolRow } from '../read-model/auth-queries';
import { poolInvitationMessage, poolMemberMessage, poolMessage, poolRoleOf } from './mapping';

type WithoutTime<C> = C extends unknown ? Omit<C, 'at'> : never;
/** A command on an existing pool, on behalf of an actor; the time is stamped by AuthCommands. */
type PoolAction = WithoutTime<Exclude<PoolCommand, { type: 'CreatePool' }>>;

/**
 * Server pools. Reads answer from the read model and show a pool only to its owner and accepted
 * members; every change goes through the pool decider, which holds the role rules (see
 * libs/auth-domain/src/pool.ts) and answers POOL_NOT_FOUND to whoever may not see the pool.
 */
@Controller()
@auth.PoolServiceControllerMethods()
export class PoolController implements auth.PoolServiceController {
  constructor(
    @Inject(AuthCommands) private readonly commands: AuthCommands,
    @Inject(AuthQueries) private readonly queries: AuthQueries,
  ) {}

  async createPool(request: auth.CreatePoolRequest, metadata?: Metadata): Promise<auth.CreatePoolResponse> {
    const caller = callerOf(metadata);
    if (!realmlessInSight(caller)) {
      throw rpcError(status.PERMISSION_DENIED, 'INSUFFICIENT_PERMISSIONS', 'pools carry no realm: create them with a token that may see realm-less resources, on the base host');
    }
    const s = request.settings;
    const settings: PoolSettings = {
      maxContainersPerMember: s?.maxContainersPerMember ?? null,
      maxCpuPerMember: s?.maxCpuPerMember ?? null,
      maxMemoryPerMember: s?.maxMemoryPerMember ?? null,
    };
    try {
      const poolId = await this.commands.createPool(caller.userId, { name: request.name, description: request.description ?? null, settings }, eventMetadata(caller, metadata));
      return { pool: poolMessage(this.visiblePool(caller, poolId)) };
    } catch (error) {
      throw toRpcError(error);
    }
  }

  getPool(request: auth.GetPoolRequest, metadata?: Metadata): auth.GetPoolResponse {
    const pool = this.visiblePool(callerOf(metadata), request.id);
    return { pool: poolMessage(pool), members: this.queries.poolMembers(pool.id).map(poolMemberMessage) };
  }

  listPools(_request: auth.ListPoolsRequest, metadata?: Metadata): auth.ListPoolsResponse {
    const caller = callerOf(metadata);
    return { pools: realmlessInSight(caller) ? this.queries.pools(caller.userId).map(poolMessage) : [] };
  }

  async updatePool(request: auth.UpdatePoolRequest, metadata?: Metadata): Promise<auth.UpdatePoolResponse> {
    const caller = callerOf(metadata);
    const s = request.settings;
    const limit = <T>(value: T | undefined, clear: boolean | undefined): T | null | undefined => (clear ? null : value);
    await this.act(caller, metadata, request.id, {
      type: 'UpdatePool',
      actorId: caller.userId,
      description: request.clearDescription ? null : request.description,
      settings: s && {
        maxContainersPerMember: limit(s.maxContainersPerMember, s.clearMaxContainersPerMember),
        maxCpuPerMember: limit(s.maxCpuPerMember, s.clearMaxCpuPerMember),
        maxMemoryPerMember: limit(s.maxMemoryPerMember, s.clearMaxMemoryPerMember),
      },
    });
    return { pool: poolMessage(this.visiblePool(caller, request.id)) };
  }

  async deletePool(request: auth.DeletePoolRequest, metadata?: Metadata): Promise<auth.DeletePoolResponse> {
    const caller = callerOf(metadata);
    await this.act(caller, metadata, request.id, { type: 'DeletePool', actorId: caller.userId });
    return {};
  }

  async inviteMember(request: auth.InviteMemberRequest, metadata?: Metadata): Promise<auth.InviteMemberResponse> {
    const caller = callerOf(metadata);
    this.visiblePool(caller, request.poolId);
    const role = this.memberRole(request.role);
    const invitee = this.queries.userByName(request.username.trim().toLowerCase());
    if (!invitee) throw rpcError(status.NOT_FOUND, 'USER_NOT_FOUND', `no user named ${request.username}`);
    await this.act(caller, metadata, request.poolId, { type: 'InviteMember', actorId: caller.userId, userId: invitee.id, role });
    return { member: this.member(request.poolId, invitee.id) };
  }

  async updateMemberRole(request: auth.UpdateMemberRoleRequest, metadata?: Metadata): Promise<auth.UpdateMemberRoleResponse> {
    const caller = callerOf(metadata);
    const role = this.memberRole(request.role);
    await this.act(caller, metadata, request.poolId, { type: 'ChangeMemberRole', actorId: caller.userId, userId: request.userId, role });
    return { member: this.member(request.poolId, request.userId) };
  }

  async removeMember(request: auth.RemoveMemberRequest, metadata?: Metadata): Promise<auth.RemoveMemberResponse> {
    const caller = callerOf(metadata);
    await this.act(caller, metadata, request.poolId, { type: 'RemoveMember', actorId: caller.userId, userId: request.userId });
    return {};
  }

  listPendingInvitations(_request: auth.ListPendingInvitationsRequest, metadata?: Metadata): auth.ListPendingInvitationsResponse {
    const caller = callerOf(metadata);
    return { invitations: realmlessInSight(caller) ? this.queries.pendingPoolInvitations(caller.userId).map(poolInvitationMessage) : [] };
  }

  async acceptInvitation(request: auth.AcceptInvitationRequest, metadata?: Metadata): Promise<auth.AcceptInvitationResponse> {
    const caller = callerOf(metadata);
    await this.act(caller, metadata, request.id, { type: 'AcceptInvitation', actorId: caller.userId });
    return { pool: poolMessage(this.visiblePool(caller, request.id)) };
  }

  async rejectInvitation(request: auth.RejectInvitationRequest, metadata?: Metadata): Promise<auth.RejectInvitationResponse> {
    const caller = callerOf(metadata);
    await this.act(caller, metadata, request.id, { type: 'RejectInvitation', actorId: caller.userId });
    return {};
  }

  private async act(caller: common.Principal, metadata: Metadata | undefined, poolId: string, command: PoolAction): Promise<void> {
    if (!realmlessInSight(caller)) throw rpcError(status.NOT_FOUND, 'POOL_NOT_FOUND', 'pool not found');
    try {
      await this.commands.poolCommand(poolId, command, eventMetadata(caller, metadata));
    } catch (error) {
      throw toRpcError(error);
    }
  }

  private memberRole(role: auth.PoolRole): PoolRole {
    const known = poolRoleOf(role);
    if (!known) throw rpcError(status.INVALID_ARGUMENT, 'VALIDATION_FAILED', 'role: admin or user');
    return known;
  }

  private member(poolId: string, userId: string): auth.PoolMember {
    const row = this.queries.poolMember(poolId, userId);
    if (!row) throw rpcError(status.NOT_FOUND, 'MEMBER_NOT_FOUND', 'no such member of the pool');
    return poolMemberMessage(row);
  }

  /** Owners and accepted members see a pool; to anyone else it reads as missing, exactly as an unknown id. */
  private visiblePool(caller: common.Principal, poolId: string): PoolRow {
    const row = realmlessInSight(caller) ? this.queries.pool(caller.userId, poolId) : undefined;
    if (!row) throw rpcError(status.NOT_FOUND, 'POOL_NOT_FOUND', 'pool not found');
    return row;
  }
}
