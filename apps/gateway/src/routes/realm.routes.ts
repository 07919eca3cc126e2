import type { common } from '@hoody/contracts';
import { booleanQuery, defineRoute, type Route } from '@hoody/http-api';
import { realmInSight } from '@hoody/tenancy';
import { z } from 'zod';
import { as, type Backends } from '../backends';

const usageSchema = z.strictObject({ projects: z.number().int(), containers: z.number().int(), servers: z.number().int(), auth_tokens: z.number().int() });

/**
 * Realms are labels, not objects: the realms listed are the ones the caller's resources carry, as
 * far as the caller sees them; each service counts what it owns and the counts are added up here.
 */
export function realmRoutes({ projects, containers }: Backends): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/realms',
      operationId: 'listRealms',
      summary: "Realms the caller's resources carry, with usage counts",
      tags: ['realms'],
      query: z.object({ include_usage: booleanQuery().default(false) }),
      response: {
        data: z.strictObject({ realm_ids: z.array(z.string()), total: z.number().int(), usage: z.record(z.string(), usageSchema).optional() }),
        message: 'Realms retrieved',
      },
      auth: 'token',
      handler: async ({ query, principal }) => {
        const [owned, placed] = await Promise.all([projects.getRealmUsage({}, as(principal)), containers.getRealmUsage({}, as(principal))]);
        // a resource may carry realms beyond the caller's reach: those are not named
        const usage = addUp([...owned.usages, ...placed.usages].filter((u) => realmInSight(principal.grpc, u.realmId)));
        const realmIds = [...usage.keys()].sort();
        return {
          realm_ids: realmIds,
          total: realmIds.length,
          ...(query.include_usage ? { usage: Object.fromEntries(realmIds.map((id) => [id, usage.get(id) as z.infer<typeof usageSchema>])) } : {}),
        };
      },
    }),
  ];
}

function addUp(usages: common.RealmUsage[]): Map<string, z.infer<typeof usageSchema>> {
  const sums = new Map<string, z.infer<typeof usageSchema>>();
  for (const u of usages) {
    const sum = sums.get(u.realmId) ?? { projects: 0, containers: 0, servers: 0, auth_tokens: 0 };
    sum.projects += u.projects;
    sum.containers += u.containers;
    sum.servers += u.servers;
    sum.auth_tokens += u.authTokens;
    sums.set(u.realmId, sum);
  }
  return sums;
}
