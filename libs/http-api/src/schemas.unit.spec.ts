import { idSchema, isId, paged, pagedSchema, pageQuerySchema } from './index';
import { z } from 'zod';

describe('ids', () => {
  it('are 24 lowercase hex characters', () => {
    expect(isId('0123456789abcdef01234567')).toBe(true);
    for (const bad of ['0123456789ABCDEF01234567', '0123456789abcdef0123456', '0123456789abcdef012345678', 'g123456789abcdef01234567', 1]) {
      expect(isId(bad)).toBe(false);
      expect(idSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe('pageQuerySchema', () => {
  const schema = pageQuerySchema(['id', 'name', 'created_at']);

  it('defaults page 1, limit 20, the first sort field, descending', () => {
    expect(schema.parse({})).toEqual({ page: 1, limit: 20, sort_by: 'id', sort_order: 'desc' });
  });

  it('reads query strings', () => {
    expect(schema.parse({ page: '3', limit: '100', sort_by: 'name', sort_order: 'asc' })).toEqual({
      page: 3,
      limit: 100,
      sort_by: 'name',
      sort_order: 'asc',
    });
  });

  it.each([{ page: '0' }, { page: '-1' }, { page: '1.5' }, { limit: '0' }, { limit: '101' }, { limit: 'x' }, { sort_by: 'owner' }, { sort_order: 'up' }])(
    'refuses %j',
    (query) => {
      expect(schema.safeParse(query).success).toBe(false);
    },
  );

  it('takes other defaults and extends with filters', () => {
    const custom = pageQuerySchema(['id', 'created_at'], { defaultSortBy: 'created_at', defaultSortOrder: 'asc', defaultLimit: 50, maxLimit: 500 }).extend({
      realm_id: idSchema.optional(),
    });
    expect(custom.parse({ limit: '500' })).toEqual({ page: 1, limit: 500, sort_by: 'created_at', sort_order: 'asc' });
    expect(custom.parse({})).toMatchObject({ limit: 50 });
  });
});

describe('paged', () => {
  it('builds { [key]: items, pagination }', () => {
    expect(paged(['a', 'b'], 42, 2, 20, 'containers')).toEqual({
      containers: ['a', 'b'],
      pagination: { total: 42, page: 2, limit: 20, totalPages: 3 },
    });
    expect(paged([], 0, 1, 20, 'logs')).toEqual({ logs: [], pagination: { total: 0, page: 1, limit: 20, totalPages: 0 } });
    expect(paged([1], 20, 1, 20, 'x').pagination.totalPages).toBe(1);
  });

  it('matches pagedSchema', () => {
    const schema = pagedSchema('containers', z.strictObject({ id: z.string() }));
    expect(schema.safeParse(paged([{ id: 'a' }], 1, 1, 20, 'containers')).success).toBe(true);
    expect(schema.safeParse(paged([{ id: 'a' }], 1, 1, 20, 'projects')).success).toBe(false);
  });
});
