import type { Metadata } from '@grpc/grpc-js';
import { auth } from '@hoody/contracts';
import { callerOf, eventMetadata } from '@hoody/service-kit';
import { Controller, Inject } from '@nestjs/common';
import { AuthCommands } from '../commands/auth-commands';

/** Records what the gateway refused before any service saw it, for the caller in the metadata. */
@Controller()
@auth.AuditServiceControllerMethods()
export class AuditController implements auth.AuditServiceController {
  constructor(@Inject(AuthCommands) private readonly commands: AuthCommands) {}

  async recordRefusal(request: auth.RecordRefusalRequest, metadata?: Metadata): Promise<auth.RecordRefusalResponse> {
    const caller = callerOf(metadata);
    await this.commands.recordGatewayRefusal(
      {
        operation: request.operation,
        code: request.code,
        message: request.message,
        userId: caller.userId,
        tokenId: caller.tokenId,
        realmIds: caller.activeRealmId ? [caller.activeRealmId] : [],
        resourceId: request.resourceId || null,
        at: new Date().toISOString(),
      },
      eventMetadata(caller, metadata),
    );
    return {};
  }
}
