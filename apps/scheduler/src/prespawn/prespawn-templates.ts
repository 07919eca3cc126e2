import { status } from '@grpc/grpc-js';
import type { common } from '@hoody/contracts';
import { CommandRejected } from '@hoody/decider';
import type { EventMetadata } from '@hoody/event-store';
import { BASE_IMAGE_TAG } from '@hoody/runtime';
import { MAX_READY_LIMIT, type TemplateCommand, type TemplateSettings } from '@hoody/scheduler-domain';
import { rpcError } from '@hoody/service-kit';
import { realmlessInSight } from '@hoody/tenancy';
import { createHash } from 'node:crypto';
import type { SchedulerCommands } from '../commands/scheduler-commands';
import type { PrespawnQueries, TemplateRow } from '../read-model/prespawn-queries';
import type { Page, Paged, SchedulerQueries, ServerRow } from '../read-model/scheduler-queries';
import { visibility } from '../visibility';
import type { PoolLimit, PoolManager } from './pool-manager';
import type { PrespawnFailure, PrespawnStats } from './prespawn-stats';

/** The id of a server's default template (its `prespawn_count`): one per server, found again after a restart. */
export const defaultTemplateId = (serverId: string) => createHash('sha256').update(`prespawn-default\n${serverId}`).digest('hex').slice(0, 24);

export interface TemplateStatusView {
  template: TemplateRow;
  ready: number;
  warming: number;
  claimed: number;
  target: number;
  hits: number;
  misses: number;
  hitRate: number;
  p50: number;
  p99: number;
  failures: PrespawnFailure[];
  servers: Array<{ serverId: string; ready: number; warming: number; target: number; limitedBy: PoolLimit | null }>;
}

const notFound = () => rpcError(status.NOT_FOUND, 'TEMPLATE_NOT_FOUND', 'template not found');

/** Prespawn templates for callers: who may see and change which, and what their pools look like now. */
export class PrespawnTemplates {
  constructor(
    private readonly commands: SchedulerCommands,
    private readonly queries: SchedulerQueries,
    private readonly prespawn: PrespawnQueries,
    private readonly manager: PoolManager,
    private readonly stats: PrespawnStats,
  ) {}

  visible(caller: common.Principal, templateId: string): TemplateRow {
    const template = this.prespawn.template(templateId);
    if (!template || !visibility.template(caller, template)) throw notFound();
    return template;
  }

  list(caller: common.Principal, page: Page): Paged<TemplateRow> {
    if (!realmlessInSight(caller)) return { items: [], total: 0 };
    return this.prespawn.templates(caller.userId, page);
  }

  async create(caller: common.Principal, settings: TemplateSettings, metadata: EventMetadata): Promise<TemplateRow> {
    if (!realmlessInSight(caller)) {
      throw new CommandRejected('INSUFFICIENT_PERMISSIONS', 'templates carry no realm: this token sees only resources of its realms (allow_no_realm is off, or this is a realm host)');
    }
    const templateId = this.commands.newId();
    const resolved = { ...settings, name: settings.name || `template-${templateId.slice(0, 8)}`, containerImage: settings.containerImage || BASE_IMAGE_TAG };
    await this.checkPlacement(caller, resolved);
    await this.commands.template(templateId, { type: 'CreateTemplate', templateId, ownerId: caller.userId, defaultForServerId: null, settings: resolved, at: this.commands.now() }, metadata);
    return this.mustExist(templateId);
  }

  async update(caller: common.Principal, templateId: string, changes: Partial<TemplateSettings>, metadata: EventMetadata): Promise<TemplateRow> {
    const template = this.visible(caller, templateId);
    const resolved = changes.containerImage === '' ? { ...changes, containerImage: BASE_IMAGE_TAG } : changes;
    await this.checkPlacement(caller, {
      serverIds: resolved.serverIds ?? (resolved.poolId ? [] : template.settings.serverIds),
      poolId: resolved.poolId !== undefined ? resolved.poolId : resolved.serverIds?.length ? null : template.settings.poolId,
    });
    return this.run(templateId, { type: 'UpdateTemplate', changes: resolved, at: this.commands.now() }, metadata);
  }

  async delete(caller: common.Principal, templateId: string, metadata: EventMetadata): Promise<void> {
    this.visible(caller, templateId);
    await this.commands.template(templateId, { type: 'DeleteTemplate', at: this.commands.now() }, metadata);
    this.manager.poke();
  }

  async pause(caller: common.Principal, templateId: string, metadata: EventMetadata): Promise<TemplateRow> {
    this.visible(caller, templateId);
    return this.run(templateId, { type: 'PauseTemplate', at: this.commands.now() }, metadata);
  }

  async resume(caller: common.Principal, templateId: string, metadata: EventMetadata): Promise<TemplateRow> {
    this.visible(caller, templateId);
    return this.run(templateId, { type: 'ResumeTemplate', at: this.commands.now() }, metadata);
  }

  status(caller: common.Principal, templateId: string): TemplateStatusView {
    const template = this.visible(caller, templateId);
    const servers = this.manager.serversOf(template).map((server) => ({ serverId: server.id, ...(this.manager.poolFigures(template.id, server.id) ?? { ready: 0, warming: 0, target: 0, limitedBy: null }) }));
    const sum = (field: 'ready' | 'warming' | 'target') => servers.reduce((n, s) => n + s[field], 0);
    const figures = this.stats.of(template.id);
    return {
      template,
      ready: sum('ready'),
      warming: sum('warming'),
      target: sum('target'),
      claimed: template.claimed,
      hits: figures.hits,
      misses: figures.misses,
      hitRate: figures.hitRate,
      p50: figures.p50,
      p99: figures.p99,
      failures: figures.failures,
      servers,
    };
  }

  /**
   * A server's `prespawn_count`: the size of its default template (base image, Hoody Kit, no
   * limits), which everyone who may place containers on the server claims from. Its owner or an
   * admin sets it; 0 empties the pool.
   */
  async setServerPrespawnCount(caller: common.Principal, serverId: string, count: number, metadata: EventMetadata): Promise<ServerRow> {
    const server = this.queries.server(serverId);
    const poolRole = (poolId: string, userId: string) => this.queries.poolRole(poolId, userId);
    if (!visibility.server(caller, server, poolRole) || !server) throw rpcError(status.NOT_FOUND, 'SERVER_NOT_FOUND', 'server not found');
    if (!caller.isAdmin && server.ownerId !== caller.userId) throw new CommandRejected('INSUFFICIENT_PERMISSIONS', "only the server's owner or an admin sets its prespawn_count");
    if (!Number.isInteger(count) || count < 0 || count > MAX_READY_LIMIT) throw new CommandRejected('VALIDATION_FAILED', `prespawn_count: a whole number from 0 to ${MAX_READY_LIMIT}`);
    const templateId = defaultTemplateId(serverId);
    const at = this.commands.now();
    if (this.prespawn.template(templateId) === undefined) {
      if (count === 0) return server;
      const settings: TemplateSettings = {
        name: `default-${server.name}`.slice(0, 100),
        containerImage: BASE_IMAGE_TAG,
        hoodyKit: true,
        devKit: false,
        environmentVars: {},
        cpu: 0,
        memory: 0,
        serverIds: [serverId],
        poolId: null,
        minReady: count,
        maxReady: count,
        ttlSeconds: 0,
      };
      await this.commands.template(templateId, { type: 'CreateTemplate', templateId, ownerId: server.ownerId, defaultForServerId: serverId, settings, at }, metadata);
    } else {
      await this.commands.template(templateId, { type: 'UpdateTemplate', changes: { minReady: count, maxReady: count }, at }, metadata);
    }
    this.manager.poke();
    return this.queries.server(serverId) ?? server;
  }

  /** Every server named must be one the caller may place containers on; a pool, one they belong to. */
  private async checkPlacement(caller: common.Principal, placement: Pick<TemplateSettings, 'serverIds' | 'poolId'>): Promise<void> {
    const poolRole = (poolId: string, userId: string) => this.queries.poolRole(poolId, userId);
    for (const serverId of placement.serverIds) {
      if (!visibility.placeOn(caller, this.queries.server(serverId), poolRole)) throw rpcError(status.NOT_FOUND, 'SERVER_NOT_FOUND', `server ${serverId} not found`);
    }
    if (placement.poolId) {
      if (!poolRole(placement.poolId, caller.userId)) await this.commands.catchUp();
      if (!poolRole(placement.poolId, caller.userId)) throw rpcError(status.NOT_FOUND, 'POOL_NOT_FOUND', 'pool not found');
    }
  }

  private async run(templateId: string, command: TemplateCommand, metadata: EventMetadata): Promise<TemplateRow> {
    await this.commands.template(templateId, command, metadata);
    this.manager.poke();
    return this.mustExist(templateId);
  }

  private mustExist(templateId: string): TemplateRow {
    const template = this.prespawn.template(templateId);
    if (!template) throw new Error(`the read model lost template ${templateId}`);
    return template;
  }
}
