import { assertNever, CommandRejected, type Decider } from '@hoody/decider';

/**
 * A single-use join token (REST `POST /servers/join-tokens`): an agent presenting it registers its
 * server. Only the secret's hash is stored; the secret is shown once, to the admin who asked.
 */
export type JoinTokenCommand =
  | {
      type: 'IssueJoinToken';
      tokenId: string;
      secretHash: string;
      /** Name for the server; null: the agent's own. */
      name: string | null;
      poolId: string | null;
      issuedBy: string;
      expiresAt: string;
      at: string;
    }
  | { type: 'UseJoinToken'; secretHash: string; serverId: string; at: string };

export type JoinTokenEvent =
  | {
      type: 'JoinTokenIssued';
      data: { tokenId: string; secretHash: string; name: string | null; poolId: string | null; issuedBy: string; expiresAt: string; issuedAt: string };
    }
  | { type: 'JoinTokenUsed'; data: { serverId: string; usedAt: string } };

export interface JoinTokenRecord {
  tokenId: string;
  secretHash: string;
  name: string | null;
  poolId: string | null;
  issuedBy: string;
  expiresAt: string;
  issuedAt: string;
}

export type JoinTokenState = { status: 'none' } | { status: 'issued'; token: JoinTokenRecord } | { status: 'used'; token: JoinTokenRecord; serverId: string };

/** Unknown, wrong, used and expired tokens are refused alike: the caller learns nothing. */
const invalidToken = () => new CommandRejected('INVALID_TOKEN', 'the join token is not valid (unknown, used or expired)');

export const joinTokenDecider: Decider<JoinTokenCommand, JoinTokenEvent, JoinTokenState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    switch (command.type) {
      case 'IssueJoinToken': {
        if (state.status !== 'none') throw new CommandRejected('JOIN_TOKEN_EXISTS', `join token ${command.tokenId} already exists`);
        if (Date.parse(command.expiresAt) <= Date.parse(command.at)) throw new CommandRejected('VALIDATION_FAILED', 'expires_at must be in the future');
        const { type: _type, at, ...data } = command;
        return [{ type: 'JoinTokenIssued', data: { ...data, issuedAt: at } }];
      }
      case 'UseJoinToken':
        if (state.status !== 'issued' || state.token.secretHash !== command.secretHash) throw invalidToken();
        if (Date.parse(command.at) >= Date.parse(state.token.expiresAt)) throw invalidToken();
        return [{ type: 'JoinTokenUsed', data: { serverId: command.serverId, usedAt: command.at } }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'JoinTokenIssued': {
        const { issuedAt, ...rest } = event.data;
        return { status: 'issued', token: { ...rest, issuedAt } };
      }
      case 'JoinTokenUsed':
        return state.status === 'none' ? state : { status: 'used', token: state.token, serverId: event.data.serverId };
      default:
        return assertNever(event);
    }
  },
};
