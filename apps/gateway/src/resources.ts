import { auth, dateFromTimestamp, type Timestamp } from '@hoody/contracts';
import { idSchema } from '@hoody/http-api';
import { z } from 'zod';

const iso = (t: Timestamp | undefined) => (t ? dateFromTimestamp(t).toISOString() : null);

export const tokenSchema = z
  .strictObject({
    id: idSchema,
    alias: z.string(),
    prefix: z.string(),
    realm_ids: z.array(z.string()),
    allow_no_realm: z.boolean(),
    permissions: z.strictObject({ template: z.string(), grants: z.array(z.string()) }),
    expires_at: z.string().nullable(),
    is_enabled: z.boolean(),
    ip_whitelist: z.array(z.string()),
    created_by_token_id: z.string().nullable(),
    last_used_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Token' });

export function tokenResource(t: auth.Token | undefined): z.infer<typeof tokenSchema> {
  if (!t) throw new Error('the auth service answered without a token');
  return {
    id: t.id,
    alias: t.alias,
    prefix: t.prefix,
    realm_ids: t.realmIds,
    allow_no_realm: t.allowNoRealm,
    permissions: { template: t.permissions?.template ?? 'full_access', grants: t.permissions?.grants ?? [] },
    expires_at: iso(t.expiresAt),
    is_enabled: t.isEnabled,
    ip_whitelist: t.ipWhitelist,
    created_by_token_id: t.createdByTokenId || null,
    last_used_at: iso(t.lastUsedAt),
    created_at: iso(t.createdAt) ?? '',
    updated_at: iso(t.updatedAt) ?? '',
  };
}

export const projectSchema = z
  .strictObject({
    id: idSchema,
    user_id: idSchema,
    alias: z.string(),
    color: z.string().nullable(),
    max_containers: z.number().int().nullable(),
    is_default: z.boolean(),
    realm_ids: z.array(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Project' });

export function projectResource(p: auth.Project | undefined): z.infer<typeof projectSchema> {
  if (!p) throw new Error('the auth service answered without a project');
  return {
    id: p.id,
    user_id: p.userId,
    alias: p.alias,
    color: p.color ?? null,
    max_containers: p.maxContainers ?? null,
    is_default: p.isDefault,
    realm_ids: p.realmIds,
    created_at: iso(p.createdAt) ?? '',
    updated_at: iso(p.updatedAt) ?? '',
  };
}

export const userSchema = z
  .strictObject({ id: idSchema, username: z.string(), is_admin: z.boolean(), default_project_id: z.string().nullable(), created_at: z.string() })
  .meta({ id: 'User' });

export function userResource(u: auth.User | undefined): z.infer<typeof userSchema> {
  if (!u) throw new Error('the auth service answered without a user');
  return { id: u.id, username: u.username, is_admin: u.isAdmin, default_project_id: u.defaultProjectId || null, created_at: iso(u.createdAt) ?? '' };
}
