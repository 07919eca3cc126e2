import { baseConfigSchema, envPort } from '@hoody/service-kit';

export const relayConfigSchema = baseConfigSchema.extend({
  HOODY_GRPC_PORT: envPort().default(0), // the relay serves no gRPC
  HOODY_HTTP_PORT: envPort().default(7409),
});
