import { baseConfigSchema, envPort } from '@hoody/service-kit';

export const authConfigSchema = baseConfigSchema.extend({
  HOODY_GRPC_PORT: envPort().default(7411),
  HOODY_HTTP_PORT: envPort().default(7412),
});
