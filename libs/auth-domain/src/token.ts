import { CommandRejected, type Decider } from '@hoody/decider';

export interface TokenPermissions {
  template: string;
  grants: string[];
}

/** What a token's owner may set on it (the contract's token fields). */
export interface TokenSettings {
  alias: string;
  realmIds: string[];
  allowNoRealm: boolean;
  /** ISO-8601, or null: never expires. */
  expiresAt: string | null;
  permissions: TokenPermissions;
  isEnabled: boolean;
  ipWhitelist: string[];
  eventAccess: boolean;
  vaultAccess: boolean;
  denyReauthorization: boolean;
  publicKey: string;
}

export type TokenCommand =
  | { type: 'CreateToken'; tokenId: string; userId: string; secretHash: string; createdByTokenId: string | null; settings: TokenSettings; at: string }
  | { type: 'UpdateToken'; changes: Partial<TokenSettings>; at: string }
  | { type: 'AddTokenRealm'; realmId: string; at: string }
  | { type: 'RemoveTokenRealm'; realmId: string; at: string }
  | { type: 'RevokeToken'; at: string };

export type TokenEvent =
  | {
      type: 'TokenCreated';
      data: { tokenId: string; userId: string; secretHash: string; createdByTokenId: string | null; settings: TokenSettings; createdAt: string };
    }
  | { type: 'TokenUpdated'; data: { changes: Partial<TokenSettings>; updatedAt: string } }
  | { type: 'TokenRealmAdded'; data: { realmId: string; updatedAt: string } }
  | { type: 'TokenRealmRemoved'; data: { realmId: string; updatedAt: string } }
  | { type: 'TokenRevoked'; data: { revokedAt: string } };

export interface TokenRecord {
  tokenId: string;
  userId: string;
  secretHash: string;
  createdByTokenId: string | null;
  settings: TokenSettings;
  createdAt: string;
  updatedAt: string;
}

export type TokenState = { status: 'none' } | { status: 'active' | 'revoked'; token: TokenRecord };

const notFound = () => new CommandRejected('TOKEN_NOT_FOUND', 'token not found');
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function changedSettings(current: TokenSettings, changes: Partial<TokenSettings>): Partial<TokenSettings> {
  const changed: Partial<TokenSettings> = {};
  for (const key of Object.keys(changes) as Array<keyof TokenSettings>) {
    const next = changes[key];
    const now = current[key];
    const same = Array.isArray(next) && Array.isArray(now) ? sameList(next, now) : JSON.stringify(next) === JSON.stringify(now);
    if (next !== undefined && !same) Object.assign(changed, { [key]: next });
  }
  return changed;
}

export const tokenDecider: Decider<TokenCommand, TokenEvent, TokenState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    if (command.type === 'CreateToken') {
      if (state.status !== 'none') throw new CommandRejected('TOKEN_EXISTS', `token ${command.tokenId} already exists`);
      const { type: _type, at, ...data } = command;
      return [{ type: 'TokenCreated', data: { ...data, createdAt: at } }];
    }
    if (state.status !== 'active') throw notFound();
    const { settings } = state.token;
    switch (command.type) {
      case 'UpdateToken': {
        const changes = changedSettings(settings, command.changes);
        return Object.keys(changes).length === 0 ? [] : [{ type: 'TokenUpdated', data: { changes, updatedAt: command.at } }];
      }
      case 'AddTokenRealm':
        return settings.realmIds.includes(command.realmId) ? [] : [{ type: 'TokenRealmAdded', data: { realmId: command.realmId, updatedAt: command.at } }];
      case 'RemoveTokenRealm':
        return settings.realmIds.includes(command.realmId) ? [{ type: 'TokenRealmRemoved', data: { realmId: command.realmId, updatedAt: command.at } }] : [];
      case 'RevokeToken':
        return [{ type: 'TokenRevoked', data: { revokedAt: command.at } }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'TokenCreated': {
        const { createdAt, ...rest } = event.data;
        return { status: 'active', token: { ...rest, createdAt, updatedAt: createdAt } };
      }
      case 'TokenUpdated':
        return withToken(state, (t) => ({ ...t, settings: { ...t.settings, ...event.data.changes }, updatedAt: event.data.updatedAt }));
      case 'TokenRealmAdded':
        return withToken(state, (t) => ({ ...t, settings: { ...t.settings, realmIds: [...t.settings.realmIds, event.data.realmId] }, updatedAt: event.data.updatedAt }));
      case 'TokenRealmRemoved':
        return withToken(state, (t) => ({
          ...t,
          settings: { ...t.settings, realmIds: t.settings.realmIds.filter((r) => r !== event.data.realmId) },
          updatedAt: event.data.updatedAt,
        }));
      case 'TokenRevoked':
        return state.status === 'none' ? state : { status: 'revoked', token: { ...state.token, updatedAt: event.data.revokedAt } };
    }
  },
};

function withToken(state: TokenState, change: (t: TokenRecord) => TokenRecord): TokenState {
  return state.status === 'none' ? state : { ...state, token: change(state.token) };
}
