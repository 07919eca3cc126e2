import { status } from '@grpc/grpc-js';
import type { common } from '@hoody/contracts';
import { CommandRejected } from '@hoody/decider';
import type { EventMetadata } from '@hoody/event-store';
import { SERVER_NAME_PATTERN, type JoinTokenRecord, type ServerAgent } from '@hoody/scheduler-domain';
import { rpcError } from '@hoody/service-kit';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SchedulerCommands } from '../commands/scheduler-commands';
import { KeyedLock } from '../keyed-lock';
import type { SchedulerQueries, ServerRow } from '../read-model/scheduler-queries';

/** A server is offline once this many heartbeats in a row did not arrive. */
export const MISSED_HEARTBEATS_OFFLINE = 3;

const JOIN_TOKEN_PREFIX = 'hjt_';
const AGENT_SECRET_PREFIX = 'has_';
const JOIN_TOKEN = /^hjt_([0-9a-f]{24})\.([A-Za-z0-9_-]{20,})$/;

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
const REGISTRY: EventMetadata = { principal: 'system:registry' };

/** What an agent reports about itself in each heartbeat (the NATS message, or the Heartbeat RPC). */
export interface HeartbeatReport {
  serverName: string;
  agent: ServerAgent;
  /** A join token, for a server not registered yet. */
  joinToken?: string;
}

export interface ServerRegistryOptions {
  /** The agents' heartbeat period. */
  heartbeatMs: number;
  /** Register unknown servers that heartbeat without a join token (owner: the first admin). */
  trustLocalAgents: boolean;
  joinTokenTtlS: number;
  log(line: string): void;
  /**
   * A server was seen alive for the first time by this process, or came back online (`cameBack`:
   * it was recorded offline, so its engine may have restarted meanwhile).
   */
  onServerUp(serverId: string, cameBack: boolean): void;
}

/**
 * Servers and their liveness: join tokens, registration, heartbeats (kept in memory: only the
 * online/offline transitions are events) and the offline check.
 */
export class ServerRegistry {
  private readonly locks = new KeyedLock();
  private readonly lastSeen = new Map<string, number>();
  private readonly startedAt = Date.now();
  private readonly told = new Set<string>();
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;

  constructor(
    private readonly commands: SchedulerCommands,
    private readonly queries: SchedulerQueries,
    private readonly options: ServerRegistryOptions,
  ) {}

  /** The heartbeat period agents are expected to keep, in whole seconds (at least 1). */
  get heartbeatIntervalSeconds(): number {
    return Math.max(1, Math.round(this.options.heartbeatMs / 1000));
  }

  /** Checks for silent servers several times per heartbeat period. */
  start(): void {
    this.timer ??= setInterval(() => {
      this.checking ??= this.markSilentServersOffline()
        .catch((error: Error) => this.options.log(`scheduler: offline check failed: ${error.message}`))
        .finally(() => (this.checking = undefined));
    }, Math.max(50, Math.floor(this.options.heartbeatMs / 4)));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
    await this.locks.idle();
  }

  /** An admin's single-use join token: `hjt_<id>.<secret>`, shown once. */
  /** Waits until the read model holds everything stored so far (what another service just wrote). */
  catchUp(): Promise<void> {
    return this.commands.catchUp();
  }

  /** Puts a server into a pool, or out of any (null); the caller checked who may. */
  async setPool(serverId: string, poolId: string | null, metadata: EventMetadata): Promise<void> {
    await this.commands.server(serverId, { type: 'SetServerPool', poolId, at: this.commands.now() }, metadata);
  }

  async createJoinToken(caller: common.Principal, input: { name: string; poolId: string; expiresAt?: Date }, metadata: EventMetadata) {
    if (!caller.isAdmin) throw rpcError(status.PERMISSION_DENIED, 'INSUFFICIENT_PERMISSIONS', 'only an admin may create join tokens');
    if (input.name && !SERVER_NAME_PATTERN.test(input.name)) throw new CommandRejected('VALIDATION_FAILED', 'name: 1-63 characters of letters, digits, _ and -');
    const tokenId = this.commands.newId();
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = input.expiresAt ?? new Date(Date.now() + this.options.joinTokenTtlS * 1000);
    await this.commands.issueJoinToken(
      { tokenId, secretHash: hashSecret(secret), name: input.name || null, poolId: input.poolId || null, issuedBy: caller.userId, expiresAt: expiresAt.toISOString() },
      metadata,
    );
    return { joinToken: `${JOIN_TOKEN_PREFIX}${tokenId}.${secret}`, expiresAt };
  }

  /**
   * An agent registers its server with a join token (the RegisterServer RPC). The server's name is
   * the request's, else the token's, else the host name. Returns the agent's credential, once.
   */
  async register(input: { joinToken: string; name: string; hostname: string; agent: ServerAgent }): Promise<{ server: ServerRow; agentSecret: string }> {
    const token = await this.validJoinToken(input.joinToken);
    const name = input.name || token.name || input.hostname;
    if (!SERVER_NAME_PATTERN.test(name)) throw new CommandRejected('VALIDATION_FAILED', 'server name: 1-63 characters of letters, digits, _ and -');
    return this.locks.run(`name:${name}`, () => this.registerWithToken(token, name, input.agent));
  }

  /**
   * One heartbeat. A registered server's agent address and capacity are updated when they change
   * and an offline server comes back online. An unknown server registers when the heartbeat carries
   * a valid join token, or when local agents are trusted; otherwise it is ignored (said once).
   */
  heartbeat(report: HeartbeatReport): Promise<void> {
    const { serverName: name, agent } = report;
    return this.locks.run(`name:${name}`, async () => {
      const row = this.queries.serverByName(name);
      if (row) {
        const changed = row.agentUrl !== agent.agentUrl || row.maxContainers !== agent.maxContainers || JSON.stringify(row.specs) !== JSON.stringify(agent.specs);
        if (changed) await this.commands.server(row.id, { type: 'UpdateServerAgent', agent, at: this.commands.now() }, REGISTRY);
        let cameBack = false;
        if (row.status === 'offline') {
          await this.commands.server(row.id, { type: 'MarkServerOnline', at: this.commands.now() }, REGISTRY);
          this.options.log(`scheduler: server ${name} is online again`);
          cameBack = true;
        }
        this.seen(row.id, cameBack);
        return;
      }
      if (report.joinToken) {
        // under this name's lock already: registered here, not through register()
        try {
          await this.registerWithToken(await this.validJoinToken(report.joinToken), name, agent);
        } catch (error) {
          this.tellOnce(`token:${name}`, `scheduler: server ${name} presented a join token that was refused: ${(error as Error).message}`);
        }
        return;
      }
      if (!this.options.trustLocalAgents) {
        this.tellOnce(name, `scheduler: ignoring heartbeats of server ${name}: not registered, and no join token (start its agent with HOODY_JOIN_TOKEN)`);
        return;
      }
      const ownerId = this.queries.firstAdminId();
      if (!ownerId) {
        this.tellOnce(`admin:${name}`, `scheduler: server ${name} waits for the platform's first admin before it registers`);
        return;
      }
      const serverId = this.commands.newId();
      await this.commands.registerServer({ serverId, name, ownerId, poolId: null, agent, joinToken: null, agentSecretHash: null }, REGISTRY);
      this.options.log(`scheduler: server ${name} (${serverId}) registered as a trusted local agent (HOODY_SCHEDULER_TRUST_LOCAL_AGENTS)`);
      this.seen(serverId, true);
    });
  }

  /** The Heartbeat RPC: the agent authenticates with the secret RegisterServer gave it. */
  async heartbeatWithSecret(serverId: string, secret: string, report: Omit<HeartbeatReport, 'serverName' | 'joinToken'>): Promise<ServerRow> {
    const row = this.queries.server(serverId);
    const expected = row?.agentSecretHash ? Buffer.from(row.agentSecretHash, 'hex') : undefined;
    const given = Buffer.from(hashSecret(secret), 'hex');
    if (!row || !expected || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw rpcError(status.UNAUTHENTICATED, 'INVALID_TOKEN', 'the agent credential is not valid');
    }
    await this.heartbeat({ serverName: row.name, agent: report.agent });
    return this.mustExist(serverId);
  }

  /** The last heartbeat this process received from the server (ISO), if any. */
  lastSeenAt(serverId: string): string | undefined {
    const at = this.lastSeen.get(serverId);
    return at === undefined ? undefined : new Date(at).toISOString();
  }

  /** Whether this process has heard from the server since it last came online. */
  isAlive(serverId: string): boolean {
    return this.lastSeen.has(serverId);
  }

  /** Servers online in the store that missed MISSED_HEARTBEATS_OFFLINE heartbeats go offline. */
  async markSilentServersOffline(): Promise<void> {
    const limit = MISSED_HEARTBEATS_OFFLINE * this.options.heartbeatMs;
    const now = Date.now();
    for (const server of this.queries.allServers()) {
      if (server.status !== 'online') continue;
      const last = this.lastSeen.get(server.id) ?? Math.max(this.startedAt, Date.parse(server.lastSeenAt ?? '') || 0);
      if (now - last <= limit) continue;
      await this.locks.run(`name:${server.name}`, async () => {
        const lastSeenAt = this.lastSeenAt(server.id) ?? server.lastSeenAt;
        if (this.lastSeen.has(server.id) && Date.now() - (this.lastSeen.get(server.id) ?? 0) <= limit) return; // a heartbeat came meanwhile
        await this.commands.server(server.id, { type: 'MarkServerOffline', lastSeenAt, at: this.commands.now() }, REGISTRY);
        this.lastSeen.delete(server.id);
        this.options.log(`scheduler: server ${server.name} is offline: no heartbeat for ${MISSED_HEARTBEATS_OFFLINE} periods of ${this.options.heartbeatMs} ms`);
      });
    }
  }

  // ------------------------------------------------------------------------------------------------

  /** Call under the name's lock. */
  private async registerWithToken(token: JoinTokenRecord, name: string, agent: ServerAgent): Promise<{ server: ServerRow; agentSecret: string }> {
    const agentSecret = `${AGENT_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
    const serverId = this.commands.newId();
    await this.commands.registerServer(
      {
        serverId,
        name,
        ownerId: token.issuedBy,
        poolId: token.poolId,
        agent,
        joinToken: { tokenId: token.tokenId, secretHash: token.secretHash },
        agentSecretHash: hashSecret(agentSecret),
      },
      REGISTRY,
    );
    this.options.log(`scheduler: server ${name} (${serverId}) registered with a join token`);
    this.seen(serverId, true);
    return { server: this.mustExist(serverId), agentSecret };
  }

  private seen(serverId: string, cameUp: boolean): void {
    const first = !this.lastSeen.has(serverId);
    this.lastSeen.set(serverId, Date.now());
    if (first || cameUp) this.options.onServerUp(serverId, cameUp);
  }

  private async validJoinToken(joinToken: string): Promise<JoinTokenRecord> {
    const match = JOIN_TOKEN.exec(joinToken);
    const state = match ? await this.commands.joinToken(match[1]) : undefined;
    if (!match || !state || state.status !== 'issued' || state.token.secretHash !== hashSecret(match[2]) || Date.parse(state.token.expiresAt) <= Date.now()) {
      throw rpcError(status.UNAUTHENTICATED, 'INVALID_TOKEN', 'the join token is not valid (unknown, used or expired)');
    }
    return state.token;
  }

  private tellOnce(key: string, line: string): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    this.options.log(line);
  }

  private mustExist(serverId: string): ServerRow {
    const row = this.queries.server(serverId);
    if (!row) throw new Error(`the read model lost server ${serverId}`);
    return row;
  }
}
