import { auth, timestampFromDate } from '@hoody/contracts';
import { ApiError, defineRoute, idSchema, tokenFromHeader, type Route } from '@hoody/http-api';
import { z } from 'zod';
import { as, type Backends } from '../backends';
import { tokenResource, tokenSchema } from '../resources';

/** `expires_at`: an ISO date, unix seconds, `today` or `tomorrow` (the end of that UTC day), or null. */
const expiresAt = z
  .union([z.string(), z.number(), z.null()])
  .transform((value, ctx) => {
    if (value === null) return null;
    const endOfDay = (offsetDays: number) => {
      const d = new Date();
      d.setUTCHours(23, 59, 59, 0);
      d.setUTCDate(d.getUTCDate() + offsetDays);
      return d;
    };
    const date =
      value === 'today' ? endOfDay(0) : value === 'tomorrow' ? endOfDay(1) : typeof value === 'number' || /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO date, unix seconds, "today" or "tomorrow"' });
      return z.NEVER;
    }
    return date;
  });

const permissionTemplate = z.enum(['full_access', 'read_only', 'custom']);

const tokenFields = {
  alias: z.string().min(1).max(254),
  realm_ids: z.array(idSchema).max(100),
  allow_no_realm: z.boolean(),
  expires_at: expiresAt,
  ip_whitelist: z.array(z.string().min(1).max(64)).max(100),
  permission_template: permissionTemplate,
  permissions: z.record(z.string(), z.unknown()),
  is_enabled: z.boolean(),
  // accepted, stored
  event_access: z.boolean(),
  vault_access: z.boolean(),
  deny_reauthorization: z.boolean(),
  public_key: z.string().max(4096),
};

function permissionsOf(body: { permission_template?: string; permissions?: Record<string, unknown> }) {
  if (body.permissions) return { template: 'custom', grants: Object.keys(body.permissions).filter((k) => body.permissions?.[k]) };
  if (body.permission_template) return { template: body.permission_template, grants: [] };
  return undefined;
}

const createBody = z.strictObject({ ...tokenFields, alias: tokenFields.alias }).partial().required({ alias: true });
const updateBody = z.strictObject(tokenFields).partial();
const tokenWithSecret = tokenSchema.extend({ token: z.string() }).meta({ id: 'TokenWithSecret' });
const restrictions = z.strictObject({
  has_realm_restrictions: z.boolean(),
  requires_realm_scope: z.boolean(),
  allowed_realm_ids: z.array(z.string()),
  allow_no_realm: z.boolean(),
  active_realm_id: z.string().nullable(),
});

export function tokenRoutes(backends: Backends): Route[] {
  const { tokens } = backends;
  return [
    defineRoute({
      method: 'POST',
      path: '/auth/tokens',
      operationId: 'createToken',
      summary: 'Create an API token (its secret is shown only in this answer)',
      tags: ['auth'],
      body: createBody,
      response: { status: 201, data: tokenWithSecret, message: 'Token created' },
      auth: 'token',
      handler: async ({ body, principal }) => {
        const created = await tokens.createToken(
          auth.CreateTokenRequest.fromPartial({
            alias: body.alias,
            realmIds: body.realm_ids ?? [],
            allowNoRealm: body.allow_no_realm,
            expiresAt: body.expires_at ? timestampFromDate(body.expires_at) : undefined,
            ipWhitelist: body.ip_whitelist ?? [],
            permissions: permissionsOf(body),
            isEnabled: body.is_enabled,
            eventAccess: body.event_access ?? false,
            vaultAccess: body.vault_access ?? false,
            denyReauthorization: body.deny_reauthorization ?? false,
            publicKey: body.public_key ?? '',
          }),
          as(principal),
        );
        return { ...tokenResource(created.token), token: created.secret };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/auth/tokens',
      operationId: 'listTokens',
      summary: "The caller's tokens (never their secrets)",
      tags: ['auth'],
      response: { data: z.array(tokenSchema), message: 'Tokens retrieved' },
      auth: 'token',
      handler: async ({ principal }) => {
        const list = await tokens.listTokens({ page: { page: 1, limit: 100, sortBy: 'created_at', sortOrder: 1 }, realmId: '' }, as(principal));
        return list.tokens.map(tokenResource);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/auth/tokens/me',
      operationId: 'getCurrentToken',
      summary: 'The token making this request, with its restrictions',
      tags: ['auth'],
      response: { data: z.strictObject({ token: tokenSchema, restrictions }), message: 'Current token' },
      auth: 'token',
      handler: async ({ headers, ip, realmHost }) => {
        const secret = tokenFromHeader(headers.authorization);
        if (!secret) throw new ApiError(401, 'MISSING_TOKEN', 'missing token');
        const me = await tokens.authenticateToken({ secret, clientIp: ip, hostRealmId: realmHost ?? '' });
        const r = me.restrictions;
        return {
          token: tokenResource(me.token),
          restrictions: {
            has_realm_restrictions: r?.hasRealmRestrictions ?? false,
            requires_realm_scope: r?.requiresRealmScope ?? false,
            allowed_realm_ids: r?.allowedRealmIds ?? [],
            allow_no_realm: r?.allowNoRealm ?? true,
            active_realm_id: r?.activeRealmId || null,
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/auth/tokens/:id',
      operationId: 'getToken',
      summary: 'A token',
      tags: ['auth'],
      params: { id: idSchema },
      response: { data: tokenSchema, message: 'Token retrieved' },
      auth: 'token',
      handler: async ({ params, principal }) => tokenResource((await tokens.getToken({ id: params.id }, as(principal))).token),
    }),
    defineRoute({
      method: ['PUT', 'PATCH'],
      path: '/auth/tokens/:id',
      operationId: 'updateToken',
      summary: 'Change a token',
      tags: ['auth'],
      params: { id: idSchema },
      body: updateBody,
      response: { data: tokenSchema, message: 'Token updated' },
      auth: 'token',
      handler: async ({ params, body, principal }) => {
        const updated = await tokens.updateToken(
          auth.UpdateTokenRequest.fromPartial({
            id: params.id,
            alias: body.alias,
            realmIds: body.realm_ids ? { values: body.realm_ids } : undefined,
            allowNoRealm: body.allow_no_realm,
            expiresAt: body.expires_at ? timestampFromDate(body.expires_at) : undefined,
            clearExpiresAt: body.expires_at === null,
            ipWhitelist: body.ip_whitelist ? { values: body.ip_whitelist } : undefined,
            permissions: permissionsOf(body),
            isEnabled: body.is_enabled,
            eventAccess: body.event_access,
            vaultAccess: body.vault_access,
            denyReauthorization: body.deny_reauthorization,
            publicKey: body.public_key,
          }),
          as(principal),
        );
        return tokenResource(updated.token);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/auth/tokens/:id',
      operationId: 'deleteToken',
      summary: 'Revoke a token',
      tags: ['auth'],
      params: { id: idSchema },
      response: { data: z.null(), message: 'Token deleted' },
      auth: 'token',
      handler: async ({ params, principal }) => {
        await tokens.deleteToken({ id: params.id }, as(principal));
        return null;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/auth/tokens/:id/add-realm',
      operationId: 'addTokenRealm',
      summary: 'Restrict a token to one more realm (idempotent)',
      tags: ['auth'],
      params: { id: idSchema },
      body: z.strictObject({ realm_id: idSchema }),
      response: { data: tokenSchema, message: 'Realm added' },
      auth: 'token',
      handler: async ({ params, body, principal }) =>
        tokenResource((await tokens.addTokenRealm({ id: params.id, realmId: body.realm_id }, as(principal))).token),
    }),
    defineRoute({
      method: 'POST',
      path: '/auth/tokens/:id/remove-realm',
      operationId: 'removeTokenRealm',
      summary: 'Remove a realm from a token (idempotent)',
      tags: ['auth'],
      params: { id: idSchema },
      body: z.strictObject({ realm_id: idSchema }),
      response: { data: tokenSchema, message: 'Realm removed' },
      auth: 'token',
      handler: async ({ params, body, principal }) =>
        tokenResource((await tokens.removeTokenRealm({ id: params.id, realmId: body.realm_id }, as(principal))).token),
    }),
  ];
}
