import { status, type Metadata } from '@grpc/grpc-js';
import type { TokenSettings } from '@hoody/auth-domain';
import { auth, common, dateFromTimestamp } from '@hoody/contracts';
import { callerOf, eventMetadata, rpcError, toRpcError } from '@hoody/service-kit';
import { isRealmRestricted, realmsOnCreate, realmsOnUpdate, tokenWithinReach } from '@hoody/tenancy';
import { Controller, Inject } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuthCommands, DEFAULT_TOKEN_SETTINGS } from '../commands/auth-commands';
import { AuthQueries, type TokenRow } from '../read-model/auth-queries';
import { pageInfo, pageOf, tokenMessage } from './mapping';
import { decideRealms, tokenInReach } from './realm-rule';

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

@Controller()
@auth.TokenServiceControllerMethods()
export class TokenController implements auth.TokenServiceController {
  constructor(
    @Inject(AuthCommands) private readonly commands: AuthCommands,
    @Inject(AuthQueries) private readonly queries: AuthQueries,
  ) {}

  /** Who is calling with this secret; refuses unknown, revoked, disabled and expired tokens. */
  authenticateToken(request: auth.AuthenticateTokenRequest): auth.AuthenticateTokenResponse {
    const row = this.queries.tokenBySecretHash(hashSecret(request.secret));
    if (!row || row.revoked) throw rpcError(status.UNAUTHENTICATED, 'INVALID_TOKEN', 'the token is not valid');
    const s = row.settings;
    if (!s.isEnabled) throw rpcError(status.UNAUTHENTICATED, 'INVALID_TOKEN', 'the token is disabled');
    if (s.expiresAt && Date.parse(s.expiresAt) <= Date.now()) throw rpcError(status.UNAUTHENTICATED, 'TOKEN_EXPIRED', 'the token has expired');
    if (s.ipWhitelist.length > 0 && !s.ipWhitelist.includes(request.clientIp)) {
      throw rpcError(status.PERMISSION_DENIED, 'INSUFFICIENT_PERMISSIONS', 'the token may not be used from this address');
    }
    const restricted = s.realmIds.length > 0;
    if (restricted && !s.allowNoRealm && !request.hostRealmId) {
      throw rpcError(status.PERMISSION_DENIED, 'REALM_SCOPE_REQUIRED', 'this token may only be used on a realm host (<realmId>.<api domain>)');
    }
    const user = this.queries.userById(row.userId);
    return {
      token: tokenMessage(row),
      principal: common.Principal.fromPartial({
        kind: common.PrincipalKind.USER,
        userId: row.userId,
        username: user?.username ?? '',
        tokenId: row.id,
        isAdmin: user?.isAdmin ?? false,
        realmIds: s.realmIds,
        allowNoRealm: s.allowNoRealm,
        activeRealmId: request.hostRealmId,
        permissions: s.permissions,
      }),
      restrictions: {
        hasRealmRestrictions: restricted,
        requiresRealmScope: restricted && !s.allowNoRealm,
        allowedRealmIds: s.realmIds,
        allowNoRealm: s.allowNoRealm,
        activeRealmId: request.hostRealmId,
      },
    };
  }

  async createToken(request: auth.CreateTokenRequest, metadata?: Metadata): Promise<auth.CreateTokenResponse> {
    const caller = callerOf(metadata);
    const realmIds = decideRealms(() => realmsOnCreate(caller, request.realmIds));
    const allowNoRealm = request.allowNoRealm ?? true;
    if (!tokenWithinReach(caller, { realmIds, allowNoRealm })) {
      throw rpcError(status.PERMISSION_DENIED, 'INSUFFICIENT_PERMISSIONS', 'a token cannot mint a token wider than itself');
    }
    try {
      const settings: TokenSettings = {
        ...DEFAULT_TOKEN_SETTINGS,
        alias: request.alias,
        realmIds,
        allowNoRealm,
        expiresAt: request.expiresAt ? dateFromTimestamp(request.expiresAt).toISOString() : null,
        ipWhitelist: request.ipWhitelist,
        permissions: request.permissions ?? DEFAULT_TOKEN_SETTINGS.permissions,
        isEnabled: request.isEnabled ?? true,
        eventAccess: request.eventAccess,
        vaultAccess: request.vaultAccess,
        denyReauthorization: request.denyReauthorization,
        publicKey: request.publicKey,
      };
      const { tokenId, secret } = await this.commands.createToken(caller.userId, caller.tokenId || null, settings, eventMetadata(caller, metadata));
      return { token: tokenMessage(this.ownToken(caller, tokenId)), secret };
    } catch (error) {
      throw toRpcError(error);
    }
  }

  listTokens(request: auth.ListTokensRequest, metadata?: Metadata): auth.ListTokensResponse {
    const caller = callerOf(metadata);
    const page = pageOf(request.page);
    const carries = (token: TokenRow) => !request.realmId || token.settings.realmIds.includes(request.realmId);
    const { items, total } = this.queries.tokens(caller.userId, page, (token) => tokenInReach(caller, token) && carries(token));
    return { tokens: items.map(tokenMessage), pagination: pageInfo(total, page) };
  }

  getToken(request: auth.GetTokenRequest, metadata?: Metadata): auth.GetTokenResponse {
    return { token: tokenMessage(this.ownToken(callerOf(metadata), request.id)) };
  }

  async updateToken(request: auth.UpdateTokenRequest, metadata?: Metadata): Promise<auth.UpdateTokenResponse> {
    const caller = callerOf(metadata);
    this.ownToken(caller, request.id);
    if (request.allowNoRealm !== undefined && isRealmRestricted(caller)) {
      throw rpcError(status.PERMISSION_DENIED, 'INSUFFICIENT_PERMISSIONS', 'a realm-restricted token cannot change allow_no_realm');
    }
    const changes: Partial<TokenSettings> = {
      alias: request.alias,
      realmIds: decideRealms(() => realmsOnUpdate(caller, request.realmIds?.values)),
      allowNoRealm: request.allowNoRealm,
      expiresAt: request.clearExpiresAt ? null : request.expiresAt ? dateFromTimestamp(request.expiresAt).toISOString() : undefined,
      ipWhitelist: request.ipWhitelist?.values,
      permissions: request.permissions,
      isEnabled: request.isEnabled,
      eventAccess: request.eventAccess,
      vaultAccess: request.vaultAccess,
      denyReauthorization: request.denyReauthorization,
      publicKey: request.publicKey,
    };
    try {
      await this.commands.updateToken(request.id, changes, eventMetadata(caller, metadata));
    } catch (error) {
      throw toRpcError(error);
    }
    return { token: tokenMessage(this.ownToken(caller, request.id)) };
  }

  async deleteToken(request: auth.DeleteTokenRequest, metadata?: Metadata): Promise<auth.DeleteTokenResponse> {
    const caller = callerOf(metadata);
    this.ownToken(caller, request.id);
    try {
      await this.commands.revokeToken(request.id, eventMetadata(caller, metadata));
    } catch (error) {
      throw toRpcError(error);
    }
    return {};
  }

  async addTokenRealm(request: auth.AddTokenRealmRequest, metadata?: Metadata): Promise<auth.AddTokenRealmResponse> {
    return this.relabel(request, metadata, (realms) => [...realms, request.realmId]);
  }

  async removeTokenRealm(request: auth.RemoveTokenRealmRequest, metadata?: Metadata): Promise<auth.RemoveTokenRealmResponse> {
    return this.relabel(request, metadata, (realms) => realms.filter((realm) => realm !== request.realmId));
  }

  private async relabel(
    request: { id: string; realmId: string },
    metadata: Metadata | undefined,
    edit: (realms: readonly string[]) => string[],
  ): Promise<{ token: auth.Token }> {
    const caller = callerOf(metadata);
    const token = this.ownToken(caller, request.id);
    const realms = decideRealms(() => realmsOnUpdate(caller, edit(token.settings.realmIds)));
    // Applied as the idempotent add or remove the rule's outcome calls for: on a realm host the
    // host's realm stays on the token, so removing that one adds it, which changes nothing.
    const meta = eventMetadata(caller, metadata);
    try {
      await (realms?.includes(request.realmId)
        ? this.commands.addTokenRealm(request.id, request.realmId, meta)
        : this.commands.removeTokenRealm(request.id, request.realmId, meta));
    } catch (error) {
      throw toRpcError(error);
    }
    return { token: tokenMessage(this.ownToken(caller, request.id)) };
  }

  /** A token of someone else's, or out of the caller's reach, reads as missing, exactly as one that never existed. */
  private ownToken(caller: common.Principal, tokenId: string): TokenRow {
    const row = this.queries.token(caller.userId, tokenId);
    if (!row || !tokenInReach(caller, row)) throw rpcError(status.NOT_FOUND, 'TOKEN_NOT_FOUND', 'token not found');
    return row;
  }
}
