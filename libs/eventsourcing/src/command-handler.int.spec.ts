import { CommandRejected, type Decider } from '@hoody/decider';
import { openEmbeddedEventStore, type EventStore } from '@hoody/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConcurrencyExhaustedError, createCommandHandler, decideTogether, readState } from './command-handler';
import { withSequentialAppends } from './testing/sequential-appends';

// A concert with limited seats: the case where a lost update would be visible (overbooking).
type Command = { type: 'ReserveSeat'; holder: string };
type Event = { type: 'SeatReserved'; data: { holder: string } };
type State = { reserved: string[] };
const CAPACITY = 10;
const concert: Decider<Command, Event, State> = {
  initialState: { reserved: [] },
  decide: (command, state) => {
    if (state.reserved.length >= CAPACITY) throw new CommandRejected('SOLD_OUT', 'no seat left');
    if (state.reserved.includes(command.holder)) return [];
    return [{ type: 'SeatReserved', data: { holder: command.holder } }];
  },
  evolve: (state, event) => ({ reserved: [...state.reserved, event.data.holder] }),
};

describe('command handler on the embedded store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoody-ch-'));
  let store: EventStore;
  beforeAll(() => (store = openEmbeddedEventStore({ path: join(dir, 'events.db') })));
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const events = async (stream: string) => {
    const out = [];
    for await (const e of store.readStream(stream)) out.push(e);
    return out;
  };

  it('appends what the decider decides, with the context metadata, and returns the new state', async () => {
    const handle = createCommandHandler(store, concert);
    const result = await handle('concert-1', { type: 'ReserveSeat', holder: 'ann' }, { metadata: { principal: 'user-ann', correlationId: 'req-1' } });
    expect(result).toMatchObject({ state: { reserved: ['ann'] }, revision: 0, events: [{ type: 'SeatReserved' }] });
    const [recorded] = await events('concert-1');
    expect(recorded.metadata).toMatchObject({ principal: 'user-ann', correlationId: 'req-1' });
    expect(recorded.position).toBe(result.position);
  });

  it('appends nothing when the decider has nothing to record', async () => {
    const handle = createCommandHandler(store, concert);
    await handle('concert-2', { type: 'ReserveSeat', holder: 'bob' });
    const again = await handle('concert-2', { type: 'ReserveSeat', holder: 'bob' });
    expect(again).toMatchObject({ events: [], revision: 0 });
    expect(await events('concert-2')).toHaveLength(1);
  });

  it('given 25 concurrent reservations for 10 seats, exactly 10 succeed: conflicts are retried on fresh state', async () => {
    const handle = createCommandHandler(store, concert, { maxAttempts: 50, backoffMs: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => handle('concert-3', { type: 'ReserveSeat', holder: `fan-${i}` })),
    );
    const rejected = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(CAPACITY);
    expect(rejected).toHaveLength(15);
    for (const reason of rejected) expect(reason).toMatchObject({ code: 'SOLD_OUT' });
    const recorded = await events('concert-3');
    expect(recorded.map((e) => e.revision)).toEqual([...Array(CAPACITY).keys()]);
    expect(new Set(recorded.map((e) => (e.data as { holder: string }).holder)).size).toBe(CAPACITY);
  });

  it('gives up with ConcurrencyExhaustedError when conflicts outlast the attempts', async () => {
    const handle = createCommandHandler(store, concert, { maxAttempts: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => handle('concert-4', { type: 'ReserveSeat', holder: `fan-${i}` })),
    );
    const reasons = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason).toBeInstanceOf(ConcurrencyExhaustedError);
    expect(await events('concert-4')).toHaveLength(5 - reasons.length);
  });

  describe('a command over two aggregates (decideTogether)', () => {
    // A seat in each of two concerts of a festival pass: both or neither.
    const both = (holder: string, a: string, b: string) =>
      [
        { streamId: a, decider: concert, command: { type: 'ReserveSeat', holder } },
        { streamId: b, decider: concert, command: { type: 'ReserveSeat', holder } },
      ] as const;

    it('appends to both streams in one write, each at the revision it was read at, with a result per step', async () => {
      const [first, second] = await decideTogether(store, both('ann', 'concert-5', 'concert-6'), { metadata: { principal: 'user-ann' } });
      const [a] = await events('concert-5');
      const [b] = await events('concert-6');
      expect(first).toMatchObject({ state: { reserved: ['ann'] }, revision: 0, position: a.position });
      expect(second).toMatchObject({ state: { reserved: ['ann'] }, revision: 0, position: b.position });
      expect(b.metadata).toMatchObject({ principal: 'user-ann' });
    });

    it('given the second aggregate refuses, then the first records nothing either', async () => {
      const handle = createCommandHandler(store, concert);
      for (let i = 0; i < CAPACITY; i++) await handle('concert-8', { type: 'ReserveSeat', holder: `fan-${i}` });
      await expect(decideTogether(store, both('bob', 'concert-7', 'concert-8'))).rejects.toMatchObject({ code: 'SOLD_OUT' });
      expect(await events('concert-7')).toEqual([]);
    });

    it('given 25 concurrent passes for 10 seats in each concert, exactly 10 get both seats and nobody gets one alone', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 25 }, (_, i) => decideTogether(store, both(`fan-${i}`, 'concert-9', 'concert-10'), {}, { maxAttempts: 50, backoffMs: 1 })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(CAPACITY);
      const holders = async (stream: string) => (await events(stream)).map((e) => (e.data as { holder: string }).holder).sort();
      expect(await holders('concert-9')).toEqual(await holders('concert-10'));
      expect(await holders('concert-9')).toHaveLength(CAPACITY);
    });
  });

  describe('on a store without multi-stream atomicity (EventStoreDB: one stream after the other)', () => {
    // A credit is not idempotent: deciding it twice credits twice.
    type Credit = { type: 'Credit' };
    const account: Decider<Credit, { type: 'Credited'; data: object }, { credits: number }> = {
      initialState: { credits: 0 },
      decide: () => [{ type: 'Credited', data: {} }],
      evolve: (state) => ({ credits: state.credits + 1 }),
    };

    it('given the second stream changes between the two appends, then the retry decides only the second: the first is not written twice', async () => {
      let interfered = false;
      const racy = withSequentialAppends(store, async (streamId) => {
        if (streamId !== 'concert-11' || interfered) return;
        interfered = true;
        await store.append('concert-11', [{ type: 'SeatReserved', data: { holder: 'someone-else' } }]);
      });
      const [credit, seat] = await decideTogether(racy, [
        { streamId: 'account-1', decider: account, command: { type: 'Credit' } },
        { streamId: 'concert-11', decider: concert, command: { type: 'ReserveSeat', holder: 'ann' } },
      ] as const);
      expect(await events('account-1')).toHaveLength(1);
      expect(credit).toMatchObject({ state: { credits: 1 }, revision: 0 });
      expect(seat).toMatchObject({ state: { reserved: ['someone-else', 'ann'] }, revision: 1 });
    });
  });

  describe('a long stream (an aggregate commanded for months)', () => {
    // A guestbook counts how many events each command folds.
    let folded = 0;
    type Sign = { type: 'Sign'; by: string };
    const guestbook: Decider<Sign, { type: 'Signed'; data: { by: string } }, { signatures: string[] }> = {
      initialState: { signatures: [] },
      decide: (command) => [{ type: 'Signed', data: { by: command.by } }],
      evolve: (state, event) => {
        folded++;
        return { signatures: [...state.signatures, event.data.by] };
      },
    };
    const signatures = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ type: 'Signed', data: { by: `guest-${from + i}` } }));

    it('given 500 events, the first command folds them all and the next ones fold only what was appended since, by this process or another', async () => {
      await store.append('guestbook-1', signatures(500));
      const handle = createCommandHandler(store, guestbook);
      folded = 0;
      await handle('guestbook-1', { type: 'Sign', by: 'ann' });
      expect(folded).toBeGreaterThanOrEqual(500);

      folded = 0;
      const second = await handle('guestbook-1', { type: 'Sign', by: 'bob' });
      expect(folded).toBeLessThanOrEqual(2);
      expect(second.state.signatures.slice(-2)).toEqual(['ann', 'bob']);

      // another process writes to the same store
      const other = openEmbeddedEventStore({ path: join(dir, 'events.db') });
      await other.append('guestbook-1', signatures(3, 500));
      await other.close();
      folded = 0;
      const third = await handle('guestbook-1', { type: 'Sign', by: 'cat' });
      expect(folded).toBeLessThanOrEqual(5);
      const whole = openEmbeddedEventStore({ path: join(dir, 'events.db') });
      const { state, revision } = await readState(whole, 'guestbook-1', guestbook);
      await whole.close();
      expect(third.state).toEqual(state);
      expect(third.revision).toBe(revision);
      expect(state.signatures.slice(-5)).toEqual(['bob', 'guest-500', 'guest-501', 'guest-502', 'cat']);
    });

    it('given concurrent commands on a long stream, each decides on the whole stream: none is lost', async () => {
      await store.append('guestbook-2', signatures(300));
      const handle = createCommandHandler(store, guestbook, { maxAttempts: 50, backoffMs: 1 });
      await handle('guestbook-2', { type: 'Sign', by: 'first' });
      await Promise.all(Array.from({ length: 10 }, (_, i) => handle('guestbook-2', { type: 'Sign', by: `fan-${i}` })));
      const { state } = await readState(store, 'guestbook-2', guestbook);
      expect(state.signatures).toHaveLength(311);
      expect(new Set(state.signatures.slice(301))).toEqual(new Set(Array.from({ length: 10 }, (_, i) => `fan-${i}`)));
    });

    it('given a caller changes what a command returned or the objects it passed, then the next command still decides on what the store holds', async () => {
      type Note = { text: string };
      const notebook: Decider<{ type: 'Write'; note: Note }, { type: 'Written'; data: { note: Note } }, { notes: Note[] }> = {
        initialState: { notes: [] },
        decide: (command) => [{ type: 'Written', data: { note: command.note } }],
        evolve: (state, event) => ({ notes: [...state.notes, event.data.note] }),
      };
      await store.append('notebook-1', Array.from({ length: 100 }, (_, i) => ({ type: 'Written', data: { note: { text: `old-${i}` } } })));
      const handle = createCommandHandler(store, notebook);
      await handle('notebook-1', { type: 'Write', note: { text: 'first' } });
      const note = { text: 'as written' };
      const written = await handle('notebook-1', { type: 'Write', note });
      note.text = 'changed by the caller afterwards';
      try {
        written.state.notes.push({ text: 'pushed by the caller' });
        written.state.notes[0].text = 'rewritten by the caller';
      } catch {
        // a kept state may refuse to change
      }
      const next = await handle('notebook-1', { type: 'Write', note: { text: 'next' } });
      const whole = openEmbeddedEventStore({ path: join(dir, 'events.db') });
      const { state } = await readState(whole, 'notebook-1', notebook);
      await whole.close();
      expect(next.state).toEqual(state);
      expect(state.notes[0]).toEqual({ text: 'old-0' });
      expect(state.notes.slice(-3)).toEqual([{ text: 'first' }, { text: 'as written' }, { text: 'next' }]);
    });
  });
});

