import type { common } from '@hoody/contracts';
import { statementCache } from '@hoody/eventsourcing';
import { realmVisibleSql } from '@hoody/tenancy';
import type Database from 'better-sqlite3';

/** GET /events filters, already validated; absent: any. Dates are ISO-8601 (UTC, as toISOString). */
export interface EventFilters {
  eventType?: string;
  resourceType?: string;
  resourceId?: string;
  projectId?: string;
  containerId?: string;
  realmId?: string;
  startDate?: string;
  endDate?: string;
  limit: number;
  offset: number;
}

export interface EventRow {
  id: string;
  eventType: string;
  resourceType: string;
  resourceId: string;
  userId: string;
  projectId: string | null;
  containerId: string | null;
  realmIds: string[];
  /** JSON text of the public payload. */
  payload: string;
  createdAt: string;
}

interface RawRow {
  id: string;
  event_type: string;
  resource_type: string;
  resource_id: string;
  user_id: string;
  project_id: string | null;
  container_id: string | null;
  realm_ids: string;
  payload: string;
  created_at: string;
}

/** Reads of the history read model: only what the caller may see, counted and paged in SQL. */
export class HistoryQueries {
  private readonly statement: ReturnType<typeof statementCache>;

  constructor(db: Database.Database) {
    this.statement = statementCache(db);
  }

  /**
   * The caller's rows, newest first: rows of resources that are its own (or the pool member
   * events about it), whose labels pass the realm rule, that match every filter.
   */
  list(caller: common.Principal, filters: EventFilters): { rows: EventRow[]; total: number } {
    const realms = realmVisibleSql(caller, 'e.realm_ids');
    const where = ['(e.user_id = ? OR e.member_id = ?)', realms.sql];
    const params: unknown[] = [caller.userId, caller.userId, ...realms.params];
    const equal = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`e.${column} = ?`);
      params.push(value);
    };
    equal('event_type', filters.eventType);
    equal('resource_type', filters.resourceType);
    equal('resource_id', filters.resourceId);
    equal('project_id', filters.projectId);
    equal('container_id', filters.containerId);
    if (filters.realmId !== undefined) {
      where.push('EXISTS (SELECT 1 FROM json_each(e.realm_ids) WHERE value = ?)');
      params.push(filters.realmId);
    }
    if (filters.startDate !== undefined) {
      where.push('e.created_at >= ?');
      params.push(filters.startDate);
    }
    if (filters.endDate !== undefined) {
      where.push('e.created_at <= ?');
      params.push(filters.endDate);
    }
    const condition = where.join(' AND ');
    const { total } = this.statement(`SELECT count(*) AS total FROM history_events e WHERE ${condition}`).get(...params) as { total: number };
    const rows = this.statement(
      `SELECT e.id, e.event_type, e.resource_type, e.resource_id, e.user_id, e.project_id, e.container_id, e.realm_ids, e.payload, e.created_at
       FROM history_events e WHERE ${condition} ORDER BY e.position DESC LIMIT ? OFFSET ?`,
    ).all(...params, filters.limit, filters.offset) as RawRow[];
    return {
      total,
      rows: rows.map((r) => ({
        id: r.id,
        eventType: r.event_type,
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        userId: r.user_id,
        projectId: r.project_id,
        containerId: r.container_id,
        realmIds: JSON.parse(r.realm_ids) as string[],
        payload: r.payload,
        createdAt: r.created_at,
      })),
    };
  }
}
