import { status, type Metadata } from '@grpc/grpc-js';
import { getPrincipal, type common } from '@hoody/contracts';
import type { EventMetadata } from '@hoody/event-store';
import { rpcError } from './rpc-errors';

/** The authenticated caller, put in the gRPC call metadata by the gateway; none → UNAUTHENTICATED. */
export function callerOf(metadata: Metadata | undefined): common.Principal {
  const principal = getPrincipal(metadata);
  if (!principal?.userId) throw rpcError(status.UNAUTHENTICATED, 'MISSING_TOKEN', 'no authenticated caller');
  return principal;
}

/** Event metadata recording who acted, on whose request. */
export function eventMetadata(principal: common.Principal | undefined, metadata: Metadata | undefined): EventMetadata {
  const correlation = metadata?.get('x-request-id')[0];
  return {
    principal: principal?.userId ? `user:${principal.userId}` : 'system',
    ...(principal?.tokenId ? { tokenId: principal.tokenId } : {}),
    ...(principal?.activeRealmId ? { realmId: principal.activeRealmId } : {}),
    ...(correlation ? { correlationId: String(correlation) } : {}),
  };
}
