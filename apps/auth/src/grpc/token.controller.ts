import { status, type Metadata } from '@grpc/grpc-js';
import type { TokenSettings } from '@hoody/auth-domain';
import { auth, common, dateFromTimestamp } from '@hoody/contracts';
import { callerOf, eventMetadata, rpcError, toRpcError } from '@hoody/service-kit';
import { Controller, Inject } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuthCommands, DEFAULT_TOKEN_SETTINGS } from '../commands/auth-commands';
import { AuthQueries, type TokenRow } from '../read-model/auth-queries';
import { pageInfo, pageOf, tokenMessage } from './mapping';

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
    try {
      const settings: TokenSettings = {
        ...DEFAULT_TOKEN_SETTINGS,
        alias: request.alias,
        realmIds: request.realmIds,
        allowNoRealm: request.allowNoRealm ?? true,
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
    const { items, total } = this.queries.tokens(caller.userId, page);
    return { tokens: items.map(tokenMessage), pagination: pageInfo(total, page) };
  }

  getToken(request: auth.GetTokenRequest, metadata?: Metadata): auth.GetTokenResponse {
    return { token: tokenMessage(this.ownToken(callerOf(metadata), request.id)) };
  }

  async updateToken(request: auth.UpdateTokenRequest, metadata?: Metadata): Promise<auth.UpdateTokenResponse> {
    const caller = callerOf(metadata);
    this.ownToken(caller, request.id);
    const changes: Partial<TokenSettings> = {
      alias: request.alias,
      realmIds: request.realmIds?.values,
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
    return this.changeRealm(request, metadata, (id, realm, meta) => this.commands.addTokenRealm(id, realm, meta));
  }

  async removeTokenRealm(request: auth.RemoveTokenRealmRequest, metadata?: Metadata): Promise<auth.RemoveTokenRealmResponse> {
    return this.changeRealm(request, metadata, (id, realm, meta) => this.commands.removeTokenRealm(id, realm, meta));
  }

  private async changeRealm(
    request: { id: string; realmId: string },
    metadata: Metadata | undefined,
    change: (tokenId: string, realmId: string, meta: ReturnType<typeof eventMetadata>) => Promise<void>,
  ): Promise<{ token: auth.Token }> {
    const caller = callerOf(metadata);
    this.ownToken(caller, request.id);
    try {
      await change(request.id, request.realmId, eventMetadata(caller, metadata));
    } catch (error) {
      throw toRpcError(error);
    }
    return { token: tokenMessage(this.ownToken(caller, request.id)) };
  }

  /** A token of someone else's reads as missing, exactly as one that never existed. */
  private ownToken(caller: common.Principal, tokenId: string): TokenRow {
    const row = this.queries.token(caller.userId, tokenId);
    if (!row) throw rpcError(status.NOT_FOUND, 'TOKEN_NOT_FOUND', 'token not found');
    return row;
  }
}
