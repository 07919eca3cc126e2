import { status } from '@grpc/grpc-js';
import { rpcError } from '@hoody/service-kit';
import { RealmChangeRefused, tokenWithinReach, type Viewer } from '@hoody/tenancy';
import type { TokenRow } from '../read-model/auth-queries';

/** Whether the caller may see, change or revoke this token of its user. */
export const tokenInReach = (caller: Viewer, token: TokenRow): boolean => tokenWithinReach(caller, token.settings);

/** Runs a labelling decision of @hoody/tenancy; a refused one is answered 403 INSUFFICIENT_PERMISSIONS. */
export function decideRealms<T>(decide: () => T): T {
  try {
    return decide();
  } catch (error) {
    if (error instanceof RealmChangeRefused) throw rpcError(status.PERMISSION_DENIED, error.code, error.message);
    throw error;
  }
}
