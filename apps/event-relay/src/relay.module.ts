import { Module } from '@nestjs/common';

/** The relay has no routes of its own: /health and /metrics come from the service kit. */
@Module({})
export class RelayModule {}
