import { Module, type DynamicModule } from '@nestjs/common';
import { ContainerLifecycle } from './containers/container-lifecycle';
import { ContainerController } from './grpc/container.controller';
import { PrespawnController } from './grpc/prespawn.controller';
import { PrespawnTemplates } from './prespawn/prespawn-templates';
import { ServerController } from './grpc/server.controller';
import { SchedulerQueries } from './read-model/scheduler-queries';
import { ServerRegistry } from './servers/server-registry';

/** gRPC adapters over the scheduler's servers, containers, prespawn templates and read model. */
@Module({})
export class SchedulerModule {
  static with(parts: { lifecycle: ContainerLifecycle; registry: ServerRegistry; queries: SchedulerQueries; templates: PrespawnTemplates }): DynamicModule {
    return {
      module: SchedulerModule,
      controllers: [ServerController, ContainerController, PrespawnController],
      providers: [
        { provide: ContainerLifecycle, useValue: parts.lifecycle },
        { provide: ServerRegistry, useValue: parts.registry },
        { provide: SchedulerQueries, useValue: parts.queries },
        { provide: PrespawnTemplates, useValue: parts.templates },
      ],
    };
  }
}
