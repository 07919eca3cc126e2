import { given } from './given-when-then';
import { nameReservationDecider } from './name-reservation';

const at = '2026-11-29T10:00:00.000Z';

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

  it('is restated whole by every event, so a handler may read only the last one (lastEventIsState)', () => {
    const events = [reserved, { type: 'NameReleased' as const, data: { ownerId: 'p1', at } }, { type: 'NameReserved' as const, data: { ownerId: 'p2', at: '2026-11-30T00:00:00.000Z' } }];
    const states = [nameReservationDecider.initialState, ...events.map((e) => nameReservationDecider.evolve(nameReservationDecider.initialState, e))];
    expect(nameReservationDecider.lastEventIsState).toBe(true);
    for (const event of events) {
      for (const state of states) expect(nameReservationDecider.evolve(state, event)).toEqual(nameReservationDecider.evolve(nameReservationDecider.initialState, event));
    }
  });
});
