import { given } from '@hoody/decider';
import { tokenDecider, type TokenEvent, type TokenSettings } from './token';

const at = '2026-11-29T10:00:00.000Z';
const settings: TokenSettings = {
  alias: 'ci',
  realmIds: [],
  allowNoRealm: true,
  expiresAt: null,
  permissions: { template: 'full_access', grants: [] },
  isEnabled: true,
  ipWhitelist: [],
  eventAccess: false,
  vaultAccess: false,
  denyReauthorization: false,
  publicKey: '',
};
const created: TokenEvent = {
  type: 'TokenCreated',
  data: { tokenId: 't1', userId: 'u1', secretHash: 'h', createdByTokenId: null, settings, createdAt: at },
};

describe('token decider', () => {
  it('creates a token once', () => {
    given(tokenDecider, [])
      .when({ type: 'CreateToken', tokenId: 't1', userId: 'u1', secretHash: 'h', createdByTokenId: null, settings, at })
      .then([created]);
    given(tokenDecider, [created])
      .when({ type: 'CreateToken', tokenId: 't1', userId: 'u1', secretHash: 'h', createdByTokenId: null, settings, at })
      .thenRejected('TOKEN_EXISTS');
  });

  it('records only the settings that change', () => {
    given(tokenDecider, [created])
      .when({ type: 'UpdateToken', changes: { alias: 'ci', isEnabled: false, realmIds: [] }, at })
      .then([{ type: 'TokenUpdated', data: { changes: { isEnabled: false }, updatedAt: at } }]);
    given(tokenDecider, [created]).when({ type: 'UpdateToken', changes: { alias: 'ci' }, at }).then([]);
  });

  it('adds and removes realms idempotently', () => {
    const added: TokenEvent = { type: 'TokenRealmAdded', data: { realmId: 'r1', updatedAt: at } };
    given(tokenDecider, [created]).when({ type: 'AddTokenRealm', realmId: 'r1', at }).then([added]);
    given(tokenDecider, [created, added]).when({ type: 'AddTokenRealm', realmId: 'r1', at }).then([]);
    given(tokenDecider, [created]).when({ type: 'RemoveTokenRealm', realmId: 'r1', at }).then([]);
    given(tokenDecider, [created, added])
      .when({ type: 'RemoveTokenRealm', realmId: 'r1', at })
      .then([{ type: 'TokenRealmRemoved', data: { realmId: 'r1', updatedAt: at } }]);
  });

  it('treats a revoked token as gone', () => {
    const revoked: TokenEvent = { type: 'TokenRevoked', data: { revokedAt: at } };
    given(tokenDecider, [created]).when({ type: 'RevokeToken', at }).then([revoked]);
    given(tokenDecider, [created, revoked]).when({ type: 'RevokeToken', at }).thenRejected('TOKEN_NOT_FOUND');
    given(tokenDecider, [created, revoked]).when({ type: 'UpdateToken', changes: { alias: 'x' }, at }).thenRejected('TOKEN_NOT_FOUND');
    given(tokenDecider, []).when({ type: 'RevokeToken', at }).thenRejected('TOKEN_NOT_FOUND');
  });
});
