import { deepStrictEqual, fail } from 'node:assert';
import { CommandRejected, deepFreeze, type Decider, type DomainEvent } from './decider';

/**
 * Decider tests read as specifications:
 *   given(counter, [{ type: 'Incremented', data: { by: 1 } }])
 *     .when({ type: 'Increment', by: 2 })
 *     .then([{ type: 'Incremented', data: { by: 2 } }]);
 */
export function given<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, history: E[]) {
  // Frozen at every step: a decider that mutates a state fails here rather than corrupting the
  // states command handlers share between commands.
  const state = history.reduce((s, e) => deepFreeze(decider.evolve(s, e)), deepFreeze(decider.initialState));
  return {
    when(command: C) {
      const run = () => decider.decide(command, state);
      return {
        then(expected: E[]): void {
          deepStrictEqual(run(), expected);
        },
        thenRejected(code: string): void {
          try {
            const events = run();
            fail(`expected ${code}, but the command was accepted with ${JSON.stringify(events)}`);
          } catch (error) {
            if (!(error instanceof CommandRejected)) throw error;
            deepStrictEqual(error.code, code, `rejected with ${error.code} (${error.message}), expected ${code}`);
          }
        },
      };
    },
    /** The state the history folds into, for assertions on `evolve`. */
    thenState(expected: S): void {
      deepStrictEqual(state, expected);
    },
  };
}
