import { assertNever, CommandRejected, type Decider } from './decider';

/**
 * A name that must be unique within a scope (a username; a project alias per owner; a container's
 * name in its project) is a stream of its own: whoever reserves it first, by appending to that
 * stream, holds it until releasing it. Every domain uses this one decider.
 */
export type NameCommand = { type: 'ReserveName'; ownerId: string; at: string } | { type: 'ReleaseName'; ownerId: string; at: string };

export type NameEvent = { type: 'NameReserved'; data: { ownerId: string; at: string } } | { type: 'NameReleased'; data: { ownerId: string; at: string } };

/** Who holds the name, and since when. */
export type NameState = { holder: string | null; since: string | null };

export const nameReservationDecider: Decider<NameCommand, NameEvent, NameState> = {
  initialState: { holder: null, since: null },
  lastEventIsState: true,
  decide(command, state) {
    switch (command.type) {
      case 'ReserveName':
        if (state.holder === command.ownerId) return [];
        if (state.holder !== null) throw new CommandRejected('NAME_TAKEN', 'the name is taken');
        return [{ type: 'NameReserved', data: { ownerId: command.ownerId, at: command.at } }];
      case 'ReleaseName':
        if (state.holder !== command.ownerId) return [];
        return [{ type: 'NameReleased', data: { ownerId: command.ownerId, at: command.at } }];
      default:
        return assertNever(command);
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'NameReserved':
        return { holder: event.data.ownerId, since: event.data.at };
      case 'NameReleased':
        return { holder: null, since: null };
      default:
        return assertNever(event);
    }
  },
};
