import type { EventStore } from '@hoody/event-store';
import { deepFreeze } from '@hoody/decider';
import { LRUCache } from 'lru-cache';

/** A stream's state as this process last folded it: the fold of its events up to `revision`, the last of which is `eventId`. */
export interface FoldedState {
  state: unknown;
  revision: number;
  eventId: string;
}

/** Streams remembered per store and decider; the least recently used go first. */
const STREAMS_REMEMBERED = 1_000;

/** A shorter stream folds in well under a millisecond: not worth its memory. */
const LONG_STREAM_EVENTS = 64;

const byStore = new WeakMap<EventStore, WeakMap<object, LRUCache<string, FoldedState>>>();

/**
 * The states this process folded last, so that a command on a long stream (a container started and
 * stopped for months, a server whose agent flaps) folds only the events appended since. Only a
 * shortcut: whoever reads one folds the stream from its revision, checking that the event there is
 * still the one folded, so a state is never older than the store. Only streams of LONG_STREAM_EVENTS
 * or more are kept. A kept state is shared by every command and caller that reads it, so it is
 * frozen (and folded from copies of the events a command appended, not from the command's own
 * objects). Kept per store object and decider, and lost with the process: its first command on a
 * long stream folds it whole.
 */
export function foldedStates(store: EventStore, decider: object): LRUCache<string, FoldedState> {
  let perDecider = byStore.get(store);
  if (!perDecider) byStore.set(store, (perDecider = new WeakMap()));
  let states = perDecider.get(decider);
  if (!states) perDecider.set(decider, (states = new LRUCache({ max: STREAMS_REMEMBERED })));
  return states;
}

/** Keeps `folded`, frozen, if its stream is long, unless a later revision of the stream is already kept. */
export function rememberFolded(states: LRUCache<string, FoldedState>, streamId: string, folded: FoldedState): void {
  if (folded.revision + 1 < LONG_STREAM_EVENTS) return;
  const known = states.peek(streamId);
  if (!known || known.revision < folded.revision) states.set(streamId, { ...folded, state: deepFreeze(folded.state) });
}
