import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { ContainerRuntime } from '@hoody/runtime';
import { AgentController } from './agent.controller';

/**
 * The agent's gRPC surface over a runtime made in main.ts (shared with the heartbeat and the event
 * forwarding). The controller is bound to it by a subclass with a no-argument constructor rather
 * than through `@Inject(...)`: the process runs under tsx (esbuild), which neither emits decorator
 * metadata nor, with this workspace's root tsconfig.json (`files: []`), compiles parameter decorators.
 */
@Module({})
export class AgentModule {
  static forRoot(runtime: ContainerRuntime): DynamicModule {
    class BoundAgentController extends AgentController {
      constructor() {
        super(runtime);
      }
    }
    return { module: AgentModule, controllers: [BoundAgentController as Type<AgentController>] };
  }
}
