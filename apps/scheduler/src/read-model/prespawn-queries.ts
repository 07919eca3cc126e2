import { statementCache } from '@hoody/eventsourcing';
import type { ContainerSpec, ContainerStatus, TemplateSettings } from '@hoody/scheduler-domain';
import type Database from 'better-sqlite3';
import type { Page, Paged } from './scheduler-queries';

export interface TemplateRow {
  id: string;
  ownerId: string;
  defaultForServerId: string | null;
  settings: TemplateSettings;
  state: 'active' | 'paused' | 'degraded' | 'deleted';
  degradedReason: string | null;
  generation: number;
  /** Containers claimed from it, all time. */
  claimed: number;
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
}

/** A warm container not claimed yet, as the pool manager looks at it. */
export interface WarmRow {
  id: string;
  serverId: string;
  templateId: string;
  generation: number;
  status: ContainerStatus;
  statusReason: string | null;
  statusChangedAt: string;
}

const TEMPLATE_SORT: Record<string, string> = { id: 'id', name: "json_extract(settings, '$.name')", created_at: 'created_at', updated_at: 'updated_at' };

/** A warm container that may give its place up, and what it holds. */
export interface WarmToYield {
  id: string;
  serverId: string;
  cpu: number;
  memory: number;
}

/** What a create asks to run, as a warm container must run it to serve it. */
export type RequestedSpec = Pick<ContainerSpec, 'containerImage' | 'hoodyKit' | 'devKit' | 'ramdisk' | 'cpu' | 'memory'>;

/** Reads of prespawn templates and warm containers (the scheduler's read model). */
export class PrespawnQueries {
  private readonly sql: (text: string) => Database.Statement;

  constructor(db: Database.Database) {
    this.sql = statementCache(db);
  }

  template(id: string): TemplateRow | undefined {
    const r = this.sql('SELECT * FROM templates WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r && toTemplate(r);
  }

  /** The owner's templates that are not deleted. */
  templates(ownerId: string, page: Page): Paged<TemplateRow> {
    const total = (this.sql("SELECT COUNT(*) AS n FROM templates WHERE owner_id = ? AND state != 'deleted'").get(ownerId) as { n: number }).n;
    const order = TEMPLATE_SORT[page.sortBy] ?? 'created_at';
    const rows = this.sql(`SELECT * FROM templates WHERE owner_id = ? AND state != 'deleted' ORDER BY ${order} ${page.sortOrder}, id LIMIT ? OFFSET ?`)
      .all(ownerId, page.limit, (page.page - 1) * page.limit) as Array<Record<string, unknown>>;
    return { items: rows.map(toTemplate), total };
  }

  /** Every template that is not deleted (the pool manager's work list). */
  liveTemplates(): TemplateRow[] {
    return (this.sql("SELECT * FROM templates WHERE state != 'deleted' ORDER BY created_at, id").all() as Array<Record<string, unknown>>).map(toTemplate);
  }

  defaultTemplateOf(serverId: string): TemplateRow | undefined {
    const r = this.sql('SELECT * FROM templates WHERE default_for_server_id = ?').get(serverId) as Record<string, unknown> | undefined;
    return r && toTemplate(r);
  }

  /** Warm containers not claimed and not deleted, of every template. */
  warmContainers(): WarmRow[] {
    return (
      this.sql(
        // Without statistics SQLite deems every partial index of live containers as large: it is told which one.
        `SELECT id, server_id, template_id, template_generation, status, status_reason, status_changed_at FROM containers INDEXED BY containers_warm
         WHERE template_id IS NOT NULL AND claimed_at IS NULL AND status != 'deleted'`,
      ).all() as Array<Record<string, unknown>>
    ).map((r) => ({
      id: r.id as string,
      serverId: r.server_id as string,
      templateId: r.template_id as string,
      generation: r.template_generation as number,
      status: r.status as ContainerStatus,
      statusReason: (r.status_reason as string | null) ?? null,
      statusChangedAt: r.status_changed_at as string,
    }));
  }

  /**
   * The warm container on `serverId` that gives its place up to a create when the server is full
   * (but those in `except`), chosen as warmInYieldOrder says.
   */
  warmToYield(serverId: string, except: readonly string[] = []): string | undefined {
    return this.warmInYieldOrder('c.server_id = ? AND c.id NOT IN (SELECT value FROM json_each(?))', [serverId, JSON.stringify(except)], 1)[0]?.id;
  }

  /**
   * The warm containers of `userId`'s templates on other owners' servers of the pool, in the order
   * they give their places up to the member's own creates at the pool's limits (warmInYieldOrder).
   */
  memberWarmInYieldOrder(poolId: string, userId: string): WarmToYield[] {
    return this.warmInYieldOrder('t.owner_id = ? AND c.server_id IN (SELECT id FROM servers WHERE pool_id = ? AND owner_id != ?)', [userId, poolId, userId], -1);
  }

  /**
   * Warm containers that may give their places up, in the order they should: one that cannot be
   * claimed (stopped, failed, an older generation) first; then one of the pool (template and
   * server) holding most, as that one is furthest above its fair share; the oldest first. Not one
   * still being created or already being removed.
   */
  private warmInYieldOrder(where: string, params: string[], limit: number): WarmToYield[] {
    return this.sql(
      `SELECT c.id, c.server_id AS serverId, c.cpu, c.memory FROM containers c JOIN templates t ON t.id = c.template_id
       WHERE ${where} AND c.template_id IS NOT NULL AND c.claimed_at IS NULL AND c.status != 'deleted' AND c.status NOT IN ('creating', 'deleting')
       ORDER BY (c.status = 'running' AND c.template_generation = t.generation AND t.state != 'deleted'),
         (SELECT COUNT(*) FROM containers h WHERE h.template_id = c.template_id AND h.server_id = c.server_id AND h.claimed_at IS NULL AND h.status != 'deleted' AND h.status != 'deleting') DESC,
         c.status_changed_at, c.id
       LIMIT ?`,
    ).all(...params, limit) as WarmToYield[];
  }

  /**
   * Ready warm containers on `serverId` that run exactly what is asked and that `userId` may take:
   * from their own templates first, then from the server's default one (everyone's), oldest first.
   */
  claimable(serverId: string, spec: RequestedSpec, userId: string, limit: number): Array<{ id: string; templateId: string }> {
    return this.sql(
      `SELECT c.id, c.template_id AS templateId FROM containers c JOIN templates t ON t.id = c.template_id
       WHERE c.server_id = ? AND c.template_id IS NOT NULL AND c.claimed_at IS NULL AND c.status != 'deleted' AND c.status = 'running'
         AND c.template_generation = t.generation AND t.state != 'deleted' AND (t.owner_id = ? OR t.default_for_server_id = c.server_id)
         AND c.container_image = ? AND c.hoody_kit = ? AND c.dev_kit = ? AND c.ramdisk = ? AND c.cpu = ? AND c.memory = ?
       ORDER BY t.default_for_server_id IS NULL DESC, c.status_changed_at, c.id LIMIT ?`,
    ).all(serverId, userId, spec.containerImage, +spec.hoodyKit, +spec.devKit, +spec.ramdisk, spec.cpu, spec.memory, limit) as Array<{ id: string; templateId: string }>;
  }
}

function toTemplate(r: Record<string, unknown>): TemplateRow {
  return {
    id: r.id as string,
    ownerId: r.owner_id as string,
    defaultForServerId: (r.default_for_server_id as string | null) ?? null,
    settings: JSON.parse(r.settings as string),
    state: r.state as TemplateRow['state'],
    degradedReason: (r.degraded_reason as string | null) ?? null,
    generation: r.generation as number,
    claimed: r.claimed as number,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    deleted: r.state === 'deleted',
  };
}
