import {
  poolDecider,
  projectDecider,
  tokenDecider,
  userDecider,
  type PoolCommand,
  type PoolSettings,
  type ProjectSettings,
  type TokenSettings,
} from '@hoody/auth-domain';
import { CommandRejected } from '@hoody/decider';
import type { EventMetadata, EventStore } from '@hoody/event-store';
import { createCommandHandler, NameReservations, type ProjectionRunner } from '@hoody/eventsourcing';
import { auditStream, type RequestRefusedData } from '@hoody/service-kit';
import { randomUUID } from 'node:crypto';
import { streams } from '../streams';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Time, ids and secrets come from outside, so that tests can pin them. */
export interface AuthEnvironment {
  now(): Date;
  newId(): string;
  newSecret(): { secret: string; hash: string };
}

export const DEFAULT_TOKEN_SETTINGS: Omit<TokenSettings, 'alias'> = {
  realmIds: [],
  allowNoRealm: true,
  expiresAt: null,
  permissions: { template: 'full_access', grants: [] },
  isEnabled: true,
  ipWhitelist: [],
  eventAccess: false,
  vaultAccess: false,
  denyReauthorization: false,
  publicKey: '',
};

/**
 * The auth service's write side: each method runs deciders through the command handler, then waits
 * until the read model shows the outcome, so the caller can read its own writes at once.
 */
export class AuthCommands {
  private readonly users;
  private readonly tokens;
  private readonly projects;
  private readonly pools;
  private readonly usernames: NameReservations;
  private readonly projectAliases: NameReservations;

  constructor(
    private readonly store: EventStore,
    private readonly readModel: ProjectionRunner,
    private readonly env: AuthEnvironment,
  ) {
    this.users = createCommandHandler(store, userDecider);
    this.tokens = createCommandHandler(store, tokenDecider);
    this.projects = createCommandHandler(store, projectDecider);
    this.pools = createCommandHandler(store, poolDecider);
    this.usernames = new NameReservations(store, { holderStream: streams.user, now: () => env.now() });
    this.projectAliases = new NameReservations(store, { holderStream: streams.project, now: () => env.now() });
  }

  /** A user with a default project and a first token. */
  async createUser(input: { username: string; isAdmin: boolean }, metadata: EventMetadata) {
    const userId = this.env.newId();
    await this.reserve(this.usernames, streams.username(input.username), userId, 'USERNAME_TAKEN', `username ${input.username} is taken`, metadata);
    await this.users(streams.user(userId), { type: 'CreateUser', userId, username: input.username, isAdmin: input.isAdmin, at: this.at() }, { metadata });
    const projectId = await this.createProject(userId, { alias: 'default', color: null, maxContainers: null, realmIds: [] }, metadata, true);
    const token = await this.createToken(userId, null, { ...DEFAULT_TOKEN_SETTINGS, alias: 'default' }, metadata);
    return { userId, projectId, token };
  }

  async createToken(userId: string, createdByTokenId: string | null, settings: TokenSettings, metadata: EventMetadata) {
    const tokenId = this.env.newId();
    const { secret, hash } = this.env.newSecret();
    const result = await this.tokens(
      streams.token(tokenId),
      { type: 'CreateToken', tokenId, userId, secretHash: hash, createdByTokenId, settings, at: this.at() },
      { metadata },
    );
    await this.settle(result.position);
    return { tokenId, secret };
  }

  async updateToken(tokenId: string, changes: Partial<TokenSettings>, metadata: EventMetadata): Promise<void> {
    await this.settle((await this.tokens(streams.token(tokenId), { type: 'UpdateToken', changes, at: this.at() }, { metadata })).position);
  }

  async addTokenRealm(tokenId: string, realmId: string, metadata: EventMetadata): Promise<void> {
    await this.settle((await this.tokens(streams.token(tokenId), { type: 'AddTokenRealm', realmId, at: this.at() }, { metadata })).position);
  }

  async removeTokenRealm(tokenId: string, realmId: string, metadata: EventMetadata): Promise<void> {
    await this.settle((await this.tokens(streams.token(tokenId), { type: 'RemoveTokenRealm', realmId, at: this.at() }, { metadata })).position);
  }

  async revokeToken(tokenId: string, metadata: EventMetadata): Promise<void> {
    await this.settle((await this.tokens(streams.token(tokenId), { type: 'RevokeToken', at: this.at() }, { metadata })).position);
  }

  async createProject(userId: string, settings: ProjectSettings, metadata: EventMetadata, isDefault = false): Promise<string> {
    const projectId = this.env.newId();
    const alias = streams.projectAlias(userId, settings.alias);
    await this.reserve(this.projectAliases, alias, projectId, 'NAME_TAKEN', `a project named ${settings.alias} exists`, metadata);
    try {
      const result = await this.projects(streams.project(projectId), { type: 'CreateProject', projectId, userId, isDefault, settings, at: this.at() }, { metadata });
      await this.settle(result.position);
      return projectId;
    } catch (error) {
      await this.projectAliases.release(alias, projectId, metadata);
      throw error;
    }
  }

  /** A new alias is reserved before the rename and the old one released after it. */
  async updateProject(project: { id: string; userId: string; alias: string }, changes: Partial<ProjectSettings>, metadata: EventMetadata): Promise<void> {
    const renamed = changes.alias !== undefined && changes.alias.toLowerCase() !== project.alias.toLowerCase();
    const newAlias = renamed ? streams.projectAlias(project.userId, changes.alias as string) : undefined;
    if (newAlias) await this.reserve(this.projectAliases, newAlias, project.id, 'NAME_TAKEN', `a project named ${changes.alias} exists`, metadata);
    try {
      const result = await this.projects(streams.project(project.id), { type: 'UpdateProject', changes, at: this.at() }, { metadata });
      if (newAlias) await this.projectAliases.release(streams.projectAlias(project.userId, project.alias), project.id, metadata);
      await this.settle(result.position);
    } catch (error) {
      if (newAlias) await this.projectAliases.release(newAlias, project.id, metadata);
      throw error;
    }
  }

  async deleteProject(project: { id: string; userId: string; alias: string }, metadata: EventMetadata): Promise<void> {
    const result = await this.projects(streams.project(project.id), { type: 'DeleteProject', at: this.at() }, { metadata });
    await this.projectAliases.release(streams.projectAlias(project.userId, project.alias), project.id, metadata);
    await this.settle(result.position);
  }

  /** A new server pool owned by `ownerId`. Names need not be unique, so nothing is reserved. */
  async createPool(ownerId: string, input: { name: string; description: string | null; settings: PoolSettings }, metadata: EventMetadata): Promise<string> {
    const poolId = this.env.newId();
    await this.poolCommand(poolId, { type: 'CreatePool', poolId, ownerId, ...input }, metadata);
    return poolId;
  }

  /**
   * Any other command on a pool, on behalf of `actorId`: the decider checks the actor's role.
   * `command` without its time, which is stamped here.
   */
  async poolCommand(poolId: string, command: DistributiveOmit<PoolCommand, 'at'>, metadata: EventMetadata): Promise<void> {
    const result = await this.pools(streams.pool(poolId), { ...command, at: this.at() } as PoolCommand, { metadata });
    await this.settle(result.position);
  }

  /** A request the gateway refused itself, in the gateway's audit stream (see RefusalAudit for the services'). */
  async recordGatewayRefusal(data: RequestRefusedData, metadata: EventMetadata): Promise<void> {
    await this.store.append(auditStream('gateway'), [{ id: randomUUID(), type: 'RequestRefused', data, metadata }]);
  }

  private async reserve(names: NameReservations, stream: string, ownerId: string, code: string, message: string, metadata: EventMetadata): Promise<void> {
    try {
      await names.reserve(stream, ownerId, metadata);
    } catch (error) {
      if (error instanceof CommandRejected && error.code === 'NAME_TAKEN') throw new CommandRejected(code, message);
      throw error;
    }
  }

  private at(): string {
    return this.env.now().toISOString();
  }

  private async settle(position: number | undefined): Promise<void> {
    if (position !== undefined) await this.readModel.waitFor(position);
  }
}
