import { dateFromTimestamp, history as historyApi, timestampFromDate, type GrpcPromiseClient } from '@hoody/contracts';
import { defineRoute, idSchema, integerQuery, validationError, type Route } from '@hoody/http-api';
import { z } from 'zod';
import { as } from '../backends';

/** The history service's client: `createGrpcClient(history.HistoryServiceService, HOODY_HISTORY_GRPC)`. */
export type HistoryClient = GrpcPromiseClient<typeof historyApi.HistoryServiceService>;

/** A dotted public name: `container.running`, `auth.token`, `pool.member.invited`. */
const dotted = (what: string) =>
  z
    .string()
    .max(200)
    .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, `must be a dotted lowercase ${what}`);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** An ISO 8601 date (`2024-05-06`, UTC) or date-time with its offset (`2024-05-06T07:08:09Z`). */
const isoDate = z
  .string()
  .refine((value) => ISO_DATE.test(value) && Number.isFinite(Date.parse(value)), 'must be an ISO 8601 date or date-time, e.g. 2024-05-06 or 2024-05-06T07:08:09Z');

const listQuery = z.object({
  limit: integerQuery().min(1).max(500).default(50).describe('Events per page (at most 500)'),
  offset: integerQuery().min(0).max(2_147_483_647).default(0).describe('Events to skip, newest first'),
  event_type: dotted('event type, e.g. container.running').optional().describe('A public event type, e.g. container.running'),
  resource_type: dotted('resource type, e.g. auth.token').optional().describe('container, project, auth.token, user, pool, server, request, ...'),
  resource_id: idSchema.optional(),
  project_id: idSchema.optional(),
  container_id: idSchema.optional(),
  start_date: isoDate.optional().describe('Events recorded at or after this time (a date alone: from its start, UTC)'),
  end_date: isoDate.optional().describe('Events recorded at or before this time (a date alone: to its end, UTC)'),
  realm_id: idSchema.optional(),
});

const eventSchema = z
  .strictObject({
    id: z.string(),
    event_type: z.string(),
    resource_type: z.string(),
    /** null for a refused request that named no resource. */
    resource_id: z.string().nullable(),
    user_id: z.string(),
    payload: z.record(z.string(), z.unknown()),
    realm_ids: z.array(z.string()),
    created_at: z.string(),
  })
  .meta({ id: 'Event' });

const eventsSchema = z.strictObject({
  events: z.array(eventSchema),
  pagination: z.strictObject({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), has_more: z.boolean() }),
});

/** A query date as a time: a date alone is the start of that UTC day (or its end, for an upper bound). */
function timeOf(value: string | undefined, bound: 'start' | 'end') {
  if (value === undefined) return undefined;
  const at = new Date(DATE_ONLY.test(value) ? `${value}T${bound === 'start' ? '00:00:00.000' : '23:59:59.999'}Z` : value);
  return timestampFromDate(at);
}

function payloadOf(json: string): Record<string, unknown> {
  const value: unknown = json ? JSON.parse(json) : {};
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
}

function eventResource(e: historyApi.HistoryEvent): z.input<typeof eventSchema> {
  return {
    id: e.id,
    event_type: e.eventType,
    resource_type: e.resourceType,
    resource_id: e.resourceId || null,
    user_id: e.userId,
    payload: payloadOf(e.payloadJson),
    realm_ids: e.realmIds,
    created_at: e.createdAt ? dateFromTimestamp(e.createdAt).toISOString() : '',
  };
}

/** GET /events: the history of what the caller may see (the history service), newest first. */
export function eventRoutes(history: HistoryClient): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/events',
      operationId: 'listEvents',
      summary: "Events of the caller's resources, newest first (refused requests included)",
      description:
        'Every change is an event: `container.creating`, `container.running`, `container.stopped`, `auth.token.created`, ' +
        '`pool.member.invited`, `audit.request.refused`, ... Only events of resources the caller may see are listed and counted.',
      tags: ['events'],
      query: listQuery,
      response: { data: eventsSchema, message: 'Events retrieved' },
      auth: 'token',
      handler: async ({ query, principal }) => {
        const startDate = timeOf(query.start_date, 'start');
        const endDate = timeOf(query.end_date, 'end');
        if (startDate && endDate && dateFromTimestamp(startDate) > dateFromTimestamp(endDate)) {
          throw validationError([{ instancePath: '/start_date', message: 'must not be after end_date' }], 'query');
        }
        const result = await history.listEvents(
          {
            limit: query.limit,
            offset: query.offset,
            eventType: query.event_type ?? '',
            resourceType: query.resource_type ?? '',
            resourceId: query.resource_id ?? '',
            projectId: query.project_id ?? '',
            containerId: query.container_id ?? '',
            startDate,
            endDate,
            realmId: query.realm_id ?? '',
          },
          as(principal),
        );
        const events = result.events.map(eventResource);
        const total = result.pagination?.total ?? events.length;
        return {
          events,
          pagination: { total, limit: query.limit, offset: query.offset, has_more: result.pagination?.hasMore ?? query.offset + events.length < total },
        };
      },
    }),
  ];
}
