import { Module, type DynamicModule } from '@nestjs/common';
import { AuthCommands } from './commands/auth-commands';
import { AuditController } from './grpc/audit.controller';
import { PoolController } from './grpc/pool.controller';
import { ProjectController } from './grpc/project.controller';
import { TokenController } from './grpc/token.controller';
import { UserController } from './grpc/user.controller';
import { AuthQueries } from './read-model/auth-queries';

/** gRPC adapters over the auth service's commands and read model. */
@Module({})
export class AuthModule {
  static with(commands: AuthCommands, queries: AuthQueries): DynamicModule {
    return {
      module: AuthModule,
      controllers: [TokenController, ProjectController, UserController, PoolController, AuditController],
      providers: [
        { provide: AuthCommands, useValue: commands },
        { provide: AuthQueries, useValue: queries },
      ],
    };
  }
}
