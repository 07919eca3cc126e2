import { given } from '@hoody/decider';
import { joinTokenDecider, type JoinTokenEvent } from './join-token';

const at = '2026-11-29T10:00:00.000Z';
const expiresAt = '2026-11-30T10:00:00.000Z';
const issue = { type: 'IssueJoinToken' as const, tokenId: 't1', secretHash: 'h1', name: null, poolId: null, issuedBy: 'u1', expiresAt, at };
const issued: JoinTokenEvent = { type: 'JoinTokenIssued', data: { tokenId: 't1', secretHash: 'h1', name: null, poolId: null, issuedBy: 'u1', expiresAt, issuedAt: at } };
const used: JoinTokenEvent = { type: 'JoinTokenUsed', data: { serverId: 's1', usedAt: at } };

describe('join token decider', () => {
  it('issues a token once, expiring in the future', () => {
    given(joinTokenDecider, []).when(issue).then([issued]);
    given(joinTokenDecider, [issued]).when(issue).thenRejected('JOIN_TOKEN_EXISTS');
    given(joinTokenDecider, []).when({ ...issue, expiresAt: at }).thenRejected('VALIDATION_FAILED');
  });

  it('is used once, with the right secret, before it expires', () => {
    given(joinTokenDecider, [issued]).when({ type: 'UseJoinToken', secretHash: 'h1', serverId: 's1', at }).then([used]);
    given(joinTokenDecider, [issued, used]).when({ type: 'UseJoinToken', secretHash: 'h1', serverId: 's2', at }).thenRejected('INVALID_TOKEN');
    given(joinTokenDecider, [issued]).when({ type: 'UseJoinToken', secretHash: 'wrong', serverId: 's1', at }).thenRejected('INVALID_TOKEN');
    given(joinTokenDecider, [issued]).when({ type: 'UseJoinToken', secretHash: 'h1', serverId: 's1', at: expiresAt }).thenRejected('INVALID_TOKEN');
    given(joinTokenDecider, []).when({ type: 'UseJoinToken', secretHash: 'h1', serverId: 's1', at }).thenRejected('INVALID_TOKEN');
  });
});
