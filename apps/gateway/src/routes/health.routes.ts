import { ApiError, defineRoute, type Route } from '@hoody/http-api';
import { z } from 'zod';

/** 200 with every service's state once all answer; 503 naming the ones that do not. */
export function healthRoutes(services: Record<string, string>): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/health',
      operationId: 'getHealth',
      summary: 'Health of the platform',
      tags: ['platform'],
      response: { data: z.strictObject({ status: z.literal('ok'), services: z.record(z.string(), z.string()) }), message: 'All services are up' },
      auth: 'none',
      handler: async () => {
        const states = Object.fromEntries(
          await Promise.all(
            Object.entries(services).map(async ([name, url]) => {
              try {
                const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
                return [name, res.ok ? 'ok' : `unhealthy (${res.status})`] as const;
              } catch {
                return [name, 'unreachable'] as const;
              }
            }),
          ),
        );
        const failing = Object.entries(states).filter(([, s]) => s !== 'ok');
        if (failing.length > 0) {
          throw new ApiError(503, 'SERVICE_UNAVAILABLE', `Unavailable: ${failing.map(([n, s]) => `${n} ${s}`).join(', ')}`);
        }
        return { status: 'ok' as const, services: states };
      },
    }),
  ];
}
