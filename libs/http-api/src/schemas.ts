import { z } from 'zod';

/** Every id of the contract: 24 lowercase hex characters. */
export const ID_PATTERN = /^[0-9a-f]{24}$/;

export const ID_MESSAGE = 'must be a 24-character lowercase hex id';

/**
 * An id. In a path parameter a malformed one is answered with 400 `INVALID_ID_FORMAT`; in a body or
 * query with 400 `VALIDATION_FAILED` naming the field.
 */
export const idSchema = z.string().regex(ID_PATTERN, ID_MESSAGE);

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** Whether a zod issue is the failed pattern of idSchema (or of any schema using ID_PATTERN). */
export function isIdPatternIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_format' && issue.format === 'regex' && issue.pattern === String(ID_PATTERN);
}

/**
 * A boolean in a query string: `true`/`false` (also `1`/`0`, any case). Documented as a boolean.
 * `z.coerce.boolean()` would read `"false"` as true: never use it for query strings.
 */
export function booleanQuery() {
  return z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] }).meta({ type: 'boolean' });
}

/** A number in a query string (`?limit=20`), documented as an integer. */
export function integerQuery() {
  return z.coerce.number().int();
}

export type SortOrder = 'asc' | 'desc';

export interface PageQueryOptions<F extends string> {
  /** Default: the first sort field. */
  defaultSortBy?: F;
  /** Default: `desc`. */
  defaultSortOrder?: SortOrder;
  /** Default 20. */
  defaultLimit?: number;
  /** Default 100: the contract's maximum. */
  maxLimit?: number;
}

/**
 * The query of a paged list: `page` (≥ 1, default 1), `limit` (1–100, default 20), `sort_by` (one
 * of `sortFields`, default the first), `sort_order` (`asc`|`desc`, default `desc`). Extend it with
 * the list's filters: `pageQuerySchema(['id', 'name']).extend({ realm_id: idSchema.optional() })`.
 */
export function pageQuerySchema<const F extends readonly [string, ...string[]]>(
  sortFields: F,
  options: PageQueryOptions<F[number]> = {},
) {
  const maxLimit = options.maxLimit ?? 100;
  return z.object({
    page: integerQuery().min(1).default(1).describe('Page number, from 1'),
    limit: integerQuery()
      .min(1)
      .max(maxLimit)
      .default(options.defaultLimit ?? 20)
      .describe(`Items per page (at most ${maxLimit})`),
    sort_by: z
      .enum(sortFields as unknown as readonly [F[number], ...F[number][]])
      .default(options.defaultSortBy ?? (sortFields[0] as F[number]))
      .describe('Field to sort by'),
    sort_order: z
      .enum(['asc', 'desc'])
      .default(options.defaultSortOrder ?? 'desc')
      .describe('Sort direction'),
  });
}

export interface Pagination {
  total: number;
  page: number;
  limit: number;
  totalPages: number;
}

export const paginationSchema = z
  .strictObject({
    total: z.number().int().min(0),
    page: z.number().int().min(1),
    limit: z.number().int().min(1),
    totalPages: z.number().int().min(0),
  })
  .meta({ id: 'Pagination' });

/** `{ [key]: T[], pagination }`, the payload of every paged list. */
export type Paged<K extends string, T> = { [P in K]: T[] } & { pagination: Pagination };

/** A paged payload: `paged(containers, 42, 1, 20, 'containers')`; `totalPages` is `ceil(total / limit)`. */
export function paged<const K extends string, T>(items: T[], total: number, page: number, limit: number, key: K): Paged<K, T> {
  const pagination: Pagination = { total, page, limit, totalPages: limit > 0 ? Math.ceil(total / limit) : 0 };
  return { [key]: items, pagination } as Paged<K, T>;
}

/** The response schema of a paged list: `pagedSchema('containers', containerSchema)`. */
export function pagedSchema<const K extends string, T extends z.ZodType>(key: K, item: T) {
  const shape = { [key]: z.array(item), pagination: paginationSchema } as { [P in K]: z.ZodArray<T> } & {
    pagination: typeof paginationSchema;
  };
  return z.strictObject(shape);
}
