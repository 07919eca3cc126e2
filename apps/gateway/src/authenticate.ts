import { cachedAuthenticator, type Authenticator, type Principal } from '@hoody/http-api';
import type { Backends } from './backends';

/**
 * Asks the auth service who holds the token; answers are reused for half a second per (token,
 * address, realm host), so a revoked token fails on every gateway within a second. A client that
 * keeps calling has its token checked again in the background after a quarter second, and does
 * not wait for the auth service on any request.
 */
export function tokenAuthenticator(backends: Backends): Authenticator {
  return cachedAuthenticator(
    async (token, { ip, realmHost }): Promise<Principal> => {
      const { principal } = await backends.tokens.authenticateToken({ secret: token, clientIp: ip, hostRealmId: realmHost ?? '' });
      if (!principal) throw new Error('the auth service answered without a principal');
      return {
        userId: principal.userId,
        tokenId: principal.tokenId,
        isAdmin: principal.isAdmin,
        realmIds: principal.realmIds,
        allowNoRealm: principal.allowNoRealm,
        username: principal.username,
        grpc: principal,
      };
    },
    { ttlMs: 500 },
  );
}
