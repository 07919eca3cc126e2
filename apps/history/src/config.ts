import { baseConfigSchema, envPort } from '@hoody/service-kit';
import type { z } from 'zod';

export const historyConfigSchema = baseConfigSchema.extend({
  HOODY_GRPC_PORT: envPort().default(7431),
  HOODY_HTTP_PORT: envPort().default(7432),
});

export type HistoryConfig = z.output<typeof historyConfigSchema>;
