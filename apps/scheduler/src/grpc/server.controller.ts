import { status, type Metadata } from '@grpc/grpc-js';
import { type common, dateFromTimestamp, scheduler, timestampFromDate } from '@hoody/contracts';
import { CommandRejected } from '@hoody/decider';
import { callerOf, eventMetadata, rpcError } from '@hoody/service-kit';
import { Controller, Inject } from '@nestjs/common';
import { SchedulerQueries, type ServerRow } from '../read-model/scheduler-queries';
import { ServerRegistry } from '../servers/server-registry';
import { visibility } from '../visibility';
import { checkId, guarded } from './errors';
import { pageInfo, pageOf, serverMessage, type ServerView } from './mapping';
import { serverViewOf } from './server-view';

const GIB = 1024 ** 3;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Where an agent is and what it has, as the RPCs carry it. */
function agentOf(address: string, specs: scheduler.ServerSpecs | undefined, maxContainers: number) {
  return {
    agentUrl: address,
    specs: { cpuCores: specs?.cpuCores ?? 0, ramGb: specs?.ramGb ?? 0, diskGb: specs?.diskGb ?? 0 },
    maxContainers: maxContainers || 100,
  };
}

@Controller()
@scheduler.ServerServiceControllerMethods()
export class ServerController implements scheduler.ServerServiceController {
  constructor(
    @Inject(ServerRegistry) private readonly registry: ServerRegistry,
    @Inject(SchedulerQueries) private readonly queries: SchedulerQueries,
  ) {}

  createJoinToken(request: scheduler.CreateJoinTokenRequest, metadata?: Metadata): Promise<scheduler.CreateJoinTokenResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      if (request.poolId) checkId(request.poolId, 'pool_id');
      const { joinToken, expiresAt } = await this.registry.createJoinToken(
        caller,
        { name: request.name, poolId: request.poolId, expiresAt: request.expiresAt ? dateFromTimestamp(request.expiresAt) : undefined },
        eventMetadata(caller, metadata),
      );
      return { joinToken, expiresAt: timestampFromDate(expiresAt) };
    });
  }

  /** Called by an agent, not a user: the join token is its authority. */
  registerServer(request: scheduler.RegisterServerRequest): Promise<scheduler.RegisterServerResponse> {
    return guarded(async () => {
      try {
        const { server, agentSecret } = await this.registry.register({
          joinToken: request.joinToken,
          name: request.name,
          hostname: request.hostname,
          agent: agentOf(request.agentAddress, request.specs, request.maxContainers),
        });
        return { server: serverMessage(server, this.registry.lastSeenAt(server.id)), agentSecret, heartbeatIntervalSeconds: this.registry.heartbeatIntervalSeconds };
      } catch (error) {
        // The token was spent by someone else between the check and the registration.
        if (error instanceof CommandRejected && error.code === 'INVALID_TOKEN') throw rpcError(status.UNAUTHENTICATED, 'INVALID_TOKEN', error.message);
        throw error;
      }
    });
  }

  /** Called by an agent with `authorization: Bearer <agent_secret>`. */
  heartbeat(request: scheduler.HeartbeatRequest, metadata?: Metadata): Promise<scheduler.HeartbeatResponse> {
    return guarded(async () => {
      checkId(request.serverId, 'server_id');
      const bearer = String(metadata?.get('authorization')[0] ?? '').replace(/^Bearer\s+/i, '');
      const current = this.queries.server(request.serverId);
      const c = request.capacity;
      const server = await this.registry.heartbeatWithSecret(request.serverId, bearer, {
        agent: agentOf(
          current?.agentUrl ?? '',
          c ? { cpuCores: c.cpuCores, ramGb: round1(c.memoryTotalBytes / GIB), diskGb: round1(c.diskTotalBytes / GIB) } : current && { ...current.specs },
          c?.containersMax || current?.maxContainers || 0,
        ),
      });
      return {
        status: server.status === 'online' ? scheduler.ServerStatus.ONLINE : scheduler.ServerStatus.OFFLINE,
        heartbeatIntervalSeconds: this.registry.heartbeatIntervalSeconds,
      };
    });
  }

  getServer(request: scheduler.GetServerRequest, metadata?: Metadata): Promise<scheduler.GetServerResponse> {
    return guarded(() => {
      const caller = callerOf(metadata);
      checkId(request.id, 'id');
      const row = this.queries.server(request.id);
      if (!row || !visibility.server(caller, row, this.poolRole)) throw rpcError(status.NOT_FOUND, 'SERVER_NOT_FOUND', 'server not found');
      return { server: serverMessage(row, this.registry.lastSeenAt(row.id), this.viewOf(caller, row)) };
    });
  }

  /**
   * The server must be the caller's own, and the pool one the caller owns or administers; anything
   * else is NOT_FOUND, as for an unknown id.
   */
  setServerPool(request: scheduler.SetServerPoolRequest, metadata?: Metadata): Promise<scheduler.SetServerPoolResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      checkId(request.serverId, 'server_id');
      const pool = request.poolId || request.expectedPoolId;
      checkId(pool, 'pool_id');
      // decided on everything stored so far: a pool made, or a role given or taken, through the auth service a moment ago
      await this.registry.catchUp();
      const role = this.poolRole(pool, caller.userId);
      if (role !== 'owner' && role !== 'admin') throw rpcError(status.NOT_FOUND, 'POOL_NOT_FOUND', 'pool not found');
      const row = this.queries.server(request.serverId);
      const removing = !request.poolId;
      if (!row || row.ownerId !== caller.userId || (removing && row.poolId !== request.expectedPoolId)) {
        throw rpcError(status.NOT_FOUND, 'SERVER_NOT_FOUND', 'server not found');
      }
      await this.registry.setPool(row.id, request.poolId || null, eventMetadata(caller, metadata));
      const updated = this.queries.server(row.id) ?? row;
      return { server: serverMessage(updated, this.registry.lastSeenAt(row.id), this.viewOf(caller, updated)) };
    });
  }

  private readonly poolRole = (poolId: string, userId: string) => this.queries.poolRole(poolId, userId);

  private viewOf(caller: common.Principal, row: ServerRow): ServerView {
    return serverViewOf(caller, row, this.queries);
  }

  /** sort_by: id, name, status, last_seen_at, created_at (default). */
  listServers(request: scheduler.ListServersRequest, metadata?: Metadata): Promise<scheduler.ListServersResponse> {
    return guarded(async () => {
      const caller = callerOf(metadata);
      if (request.poolId) checkId(request.poolId, 'pool_id');
      // an invitation accepted a moment ago through the auth service may not be here yet
      if (request.poolId && this.poolRole(request.poolId, caller.userId) === undefined) await this.registry.catchUp();
      const page = pageOf(request.page, 'created_at');
      const { items, total } = this.queries.servers(visibility.servers(caller), page, request.poolId || undefined);
      return { servers: items.map((row) => serverMessage(row, this.registry.lastSeenAt(row.id), this.viewOf(caller, row))), pagination: pageInfo(total, page) };
    });
  }
}
