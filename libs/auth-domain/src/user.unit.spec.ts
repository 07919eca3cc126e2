import { given } from '@hoody/decider';
import { userDecider } from './user';

const at = '2026-11-29T10:00:00.000Z';

describe('user decider', () => {
  it('creates a user once', () => {
    const created = { type: 'UserCreated' as const, data: { userId: 'u1', username: 'alice', isAdmin: false, createdAt: at } };
    given(userDecider, []).when({ type: 'CreateUser', userId: 'u1', username: 'alice', isAdmin: false, at }).then([created]);
    given(userDecider, [created]).when({ type: 'CreateUser', userId: 'u1', username: 'alice', isAdmin: false, at }).thenRejected('USER_EXISTS');
  });
});
