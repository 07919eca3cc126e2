import { defineRoute, paged, pagedSchema, pageQuerySchema, type Route } from '@hoody/http-api';
import { z } from 'zod';
import { as, type Backends } from '../backends';
import { tokenResource, tokenSchema, userResource, userSchema } from '../resources';
import { pageRequest } from './paging';

export function userRoutes({ users }: Backends): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/users',
      operationId: 'createUser',
      summary: 'Create a user, with a default project and a first token (shown once)',
      tags: ['users'],
      body: z.strictObject({ username: z.string().trim().min(2).max(63).regex(/^[a-z0-9][a-z0-9_.-]+$/, 'must be lowercase letters, digits, _ . -') }),
      response: { status: 201, data: z.strictObject({ user: userSchema, token: tokenSchema.extend({ token: z.string() }) }), message: (d) => `User ${d.user.username} created` },
      auth: 'admin',
      handler: async ({ body, principal }) => {
        const created = await users.createUser({ username: body.username }, as(principal));
        return { user: userResource(created.user), token: { ...tokenResource(created.token), token: created.secret } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/users',
      operationId: 'listUsers',
      summary: 'Users the caller may see (admins: all; others: themselves)',
      tags: ['users'],
      query: pageQuerySchema(['created_at'], { defaultSortBy: 'created_at', defaultSortOrder: 'asc' }),
      response: { data: pagedSchema('users', userSchema), message: 'Users retrieved' },
      auth: 'token',
      handler: async ({ query, principal }) => {
        const list = await users.listUsers({ page: pageRequest(query) }, as(principal));
        return paged(list.users.map(userResource), list.pagination?.total ?? 0, query.page, query.limit, 'users');
      },
    }),
  ];
}
