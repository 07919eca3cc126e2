import { CommandRejected, given, type Decider } from './index';

// A tiny decider, the shape every aggregate follows.
type Command = { type: 'Open'; name: string } | { type: 'Close' };
type Event = { type: 'Opened'; data: { name: string } } | { type: 'Closed'; data: Record<string, never> };
type State = { status: 'none' | 'open' | 'closed'; name?: string };

const door: Decider<Command, Event, State> = {
  initialState: { status: 'none' },
  decide(command, state) {
    switch (command.type) {
      case 'Open':
        if (state.status === 'open') throw new CommandRejected('INVALID_STATE', 'already open');
        return [{ type: 'Opened', data: { name: command.name } }];
      case 'Close':
        if (state.status !== 'open') throw new CommandRejected('INVALID_STATE', 'not open');
        return [{ type: 'Closed', data: {} }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'Opened':
        return { status: 'open', name: event.data.name };
      case 'Closed':
        return { ...state, status: 'closed' };
    }
  },
};

describe('given/when/then', () => {
  it('passes when the decider emits the expected events', () => {
    given(door, []).when({ type: 'Open', name: 'front' }).then([{ type: 'Opened', data: { name: 'front' } }]);
  });

  it('fails when the events differ', () => {
    expect(() => given(door, []).when({ type: 'Open', name: 'front' }).then([{ type: 'Opened', data: { name: 'back' } }])).toThrow();
  });

  it('checks rejections by code', () => {
    given(door, [{ type: 'Opened', data: { name: 'front' } }]).when({ type: 'Open', name: 'x' }).thenRejected('INVALID_STATE');
    expect(() => given(door, []).when({ type: 'Open', name: 'x' }).thenRejected('INVALID_STATE')).toThrow(/expected INVALID_STATE/);
    expect(() => given(door, []).when({ type: 'Close' }).thenRejected('NOT_FOUND')).toThrow(/rejected with INVALID_STATE/);
  });

  it('folds the history into the state', () => {
    given(door, [
      { type: 'Opened', data: { name: 'front' } },
      { type: 'Closed', data: {} },
    ]).thenState({ status: 'closed', name: 'front' });
  });

  it('fails a decider that changes the state it is given: command handlers share states between commands', () => {
    const mutating: typeof door = {
      ...door,
      evolve: (state, event) => {
        if (event.type === 'Closed') {
          state.status = 'closed';
          return state;
        }
        return door.evolve(state, event);
      },
    };
    expect(() => given(mutating, [{ type: 'Opened', data: { name: 'front' } }, { type: 'Closed', data: {} }])).toThrow(TypeError);
  });
});
