import { given } from '@hoody/decider';
import { nameReservationDecider } from './name-reservation';
import { userDecider } from './user';

const at = '2026-11-29T10:00:00.000Z';

describe('user decider', () => {
  it('creates a user once', () => {
    const created = { type: 'UserCreated' as const, data: { userId: 'u1', username: 'alice', isAdmin: false, createdAt: at } };
    given(userDecider, []).when({ type: 'CreateUser', userId: 'u1', username: 'alice', isAdmin: false, at }).then([created]);
    given(userDecider, [created]).when({ type: 'CreateUser', userId: 'u1', username: 'alice', isAdmin: false, at }).thenRejected('USER_EXISTS');
  });
});

describe('name reservation', () => {
  const reserved = { type: 'NameReserved' as const, data: { ownerId: 'p1', at } };
  it('gives a free name to the first owner, again to the same owner, never to a second one', () => {
    given(nameReservationDecider, []).when({ type: 'ReserveName', ownerId: 'p1', at }).then([reserved]);
    given(nameReservationDecider, [reserved]).when({ type: 'ReserveName', ownerId: 'p1', at }).then([]);
    given(nameReservationDecider, [reserved]).when({ type: 'ReserveName', ownerId: 'p2', at }).thenRejected('NAME_TAKEN');
  });

  it('frees a name only for its holder', () => {
    const released = { type: 'NameReleased' as const, data: { ownerId: 'p1', at } };
    given(nameReservationDecider, [reserved]).when({ type: 'ReleaseName', ownerId: 'p2', at }).then([]);
    given(nameReservationDecider, [reserved]).when({ type: 'ReleaseName', ownerId: 'p1', at }).then([released]);
    given(nameReservationDecider, [reserved, released])
      .when({ type: 'ReserveName', ownerId: 'p2', at })
      .then([{ type: 'NameReserved', data: { ownerId: 'p2', at } }]);
  });
});
