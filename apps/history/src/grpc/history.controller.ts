import { status, type Metadata } from '@grpc/grpc-js';
import { dateFromTimestamp, history, timestampFromDate, type Timestamp } from '@hoody/contracts';
import { callerOf, rpcError } from '@hoody/service-kit';
import { Controller, Inject } from '@nestjs/common';
import { HistoryQueries, type EventFilters, type EventRow } from '../read-model/history-queries';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

const ID = /^[0-9a-f]{24}$/;
/** A dotted public name: `container.running`, `auth.token`, `pool.member.role_changed`. */
const DOTTED = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;

const invalid = (message: string) => rpcError(status.INVALID_ARGUMENT, 'VALIDATION_FAILED', message);

/** hoody.history.v1.HistoryService: the events history, as the caller may see it. */
@Controller()
@history.HistoryServiceControllerMethods()
export class HistoryController implements history.HistoryServiceController {
  constructor(@Inject(HistoryQueries) private readonly queries: HistoryQueries) {}

  listEvents(request: history.ListEventsRequest, metadata?: Metadata): history.ListEventsResponse {
    const caller = callerOf(metadata);
    const filters = filtersOf(request);
    const { rows, total } = this.queries.list(caller, filters);
    return {
      events: rows.map(eventMessage),
      pagination: { total, limit: filters.limit, offset: filters.offset, hasMore: filters.offset + rows.length < total },
    };
  }
}

/** The request's filters, checked: ids of 24 hex characters, dotted names, limit ≤ 500, dates in order. */
export function filtersOf(request: history.ListEventsRequest): EventFilters {
  const limit = request.limit || DEFAULT_LIMIT;
  if (limit > MAX_LIMIT) throw invalid(`limit: at most ${MAX_LIMIT}`);
  const id = (field: string, value: string) => {
    if (value === '') return undefined;
    if (!ID.test(value)) throw invalid(`${field}: must be a 24-character lowercase hex id`);
    return value;
  };
  const dotted = (field: string, value: string) => {
    if (value === '') return undefined;
    if (value.length > 200 || !DOTTED.test(value)) throw invalid(`${field}: must be a dotted lowercase name, e.g. container.running`);
    return value;
  };
  const date = (field: string, value: Timestamp | undefined) => {
    if (value === undefined) return undefined;
    const at = dateFromTimestamp(value);
    if (!Number.isFinite(at.getTime()) || at.getUTCFullYear() < 0 || at.getUTCFullYear() > 9999) throw invalid(`${field}: not a valid date`);
    return at.toISOString();
  };
  const startDate = date('start_date', request.startDate);
  const endDate = date('end_date', request.endDate);
  if (startDate !== undefined && endDate !== undefined && startDate > endDate) throw invalid('start_date: must not be after end_date');
  return {
    eventType: dotted('event_type', request.eventType),
    resourceType: dotted('resource_type', request.resourceType),
    resourceId: id('resource_id', request.resourceId),
    projectId: id('project_id', request.projectId),
    containerId: id('container_id', request.containerId),
    realmId: id('realm_id', request.realmId),
    startDate,
    endDate,
    limit,
    offset: request.offset,
  };
}

function eventMessage(row: EventRow): history.HistoryEvent {
  return {
    id: row.id,
    eventType: row.eventType,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    userId: row.userId,
    payloadJson: row.payload,
    realmIds: row.realmIds,
    createdAt: timestampFromDate(new Date(row.createdAt)),
    projectId: row.projectId ?? '',
    containerId: row.containerId ?? '',
  };
}
