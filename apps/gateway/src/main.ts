/**
 * The gateway: the REST API (/api/v1, the hosted contract) and its OpenAPI document, stateless,
 * mapping every route to a gRPC call on the service that owns it.
 */
import 'reflect-metadata';
import { bootstrapService, loadConfigOrExit } from '@hoody/service-kit';
import { connectBackends } from './backends';
import { gatewayConfigSchema } from './config';
import { GatewayModule } from './gateway.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit(gatewayConfigSchema);
  const backends = connectBackends(config);
  const service = await bootstrapService({ name: 'gateway', module: GatewayModule.with(config, backends), config });
  console.log(`gateway: REST API on ${service.httpUrl}/api/v1`);
  const shutdown = async () => {
    await service.close();
    for (const client of Object.values(backends)) client.$close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((error) => {
  console.error(`gateway: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
