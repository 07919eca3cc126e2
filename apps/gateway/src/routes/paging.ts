import { common } from '@hoody/contracts';

export function pageRequest(q: { page: number; limit: number; sort_by: string; sort_order: 'asc' | 'desc' }): common.PageRequest {
  return { page: q.page, limit: q.limit, sortBy: q.sort_by, sortOrder: q.sort_order === 'asc' ? common.SortOrder.ASC : common.SortOrder.DESC };
}
