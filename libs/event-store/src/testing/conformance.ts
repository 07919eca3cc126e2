import { randomUUID } from 'node:crypto';
import { InvalidAppendError, WrongExpectedRevisionError } from '../errors';
import type { EventStore, NewEvent, RecordedEvent, Subscription } from '../port';

/**
 * The behaviour every event store adapter must have. One suite, run against each adapter that is
 * reachable (see `*.int.spec.ts` beside the adapters). Streams get a fresh category per test, so the
 * suite also runs against a shared server that holds other data.
 */
export function describeEventStoreConformance(adapter: string, open: () => Promise<EventStore> | EventStore): void {
  describe(`event store conformance: ${adapter}`, () => {
    let store: EventStore;
    let category: string;
    const stream = (id = 'a') => `${category}-${id}`;
    const events = (n: number, type = 'ThingHappened'): NewEvent[] =>
      Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type, data: { i } }));

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
    });
    beforeEach(() => {
      category = `conf${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    });

    async function collect(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
      const out: RecordedEvent[] = [];
      for await (const e of iterable) out.push(e);
      return out;
    }
    async function take(subscription: Subscription, n: number, timeoutMs = 10_000): Promise<RecordedEvent[]> {
      const out: RecordedEvent[] = [];
      const timer = setTimeout(() => void subscription.close(), timeoutMs);
      for await (const e of subscription) {
        out.push(e);
        if (out.length === n) break;
      }
      clearTimeout(timer);
      await subscription.close();
      return out;
    }
    const inCategory = { streamPrefixes: [] as string[] };
    beforeEach(() => (inCategory.streamPrefixes = [`${category}-`]));

    describe('append', () => {
      it('writes a new stream with contiguous revisions and increasing positions', async () => {
        const result = await store.append(stream(), events(3), { expectedRevision: 'no_stream' });
        const read = await collect(store.readStream(stream()));
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(read.map((e) => e.data)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
        expect(read[0].position).toBeLessThan(read[1].position);
        expect(read[1].position).toBeLessThan(read[2].position);
        expect(result).toEqual({ nextExpectedRevision: 2, position: read[2].position });
        expect(read[0].createdAt).toBeInstanceOf(Date);
      });

      it('keeps metadata with the event', async () => {
        const metadata = { correlationId: 'c-1', causationId: 'c-0', principal: 'user-1', realmId: 'r' };
        await store.append(stream(), [{ type: 'ThingHappened', data: { ok: true }, metadata }]);
        const [read] = await collect(store.readStream(stream()));
        expect(read.metadata).toMatchObject(metadata);
        expect(read.type).toBe('ThingHappened');
        expect(read.streamId).toBe(stream());
      });

      it('accepts an exact expected revision and refuses a stale one with expected and actual', async () => {
        await store.append(stream(), events(2), { expectedRevision: 'no_stream' });
        await expect(store.append(stream(), events(1), { expectedRevision: 1 })).resolves.toMatchObject({ nextExpectedRevision: 2 });
        const stale = store.append(stream(), events(1), { expectedRevision: 1 });
        await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(stale).rejects.toMatchObject({ streamId: stream(), expected: 1, actual: 2 });
        expect(await collect(store.readStream(stream()))).toHaveLength(3);
      });

      it('refuses no_stream on an existing stream and stream_exists on a missing one', async () => {
        await store.append(stream(), events(1));
        await expect(store.append(stream(), events(1), { expectedRevision: 'no_stream' })).rejects.toMatchObject({ expected: 'no_stream', actual: 0 });
        await expect(store.append(stream('b'), events(1), { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
          expected: 'stream_exists',
          actual: 'no_stream',
        });
        await expect(store.append(stream(), events(1), { expectedRevision: 'stream_exists' })).resolves.toMatchObject({ nextExpectedRevision: 1 });
        expect(await collect(store.readStream(stream('b')))).toEqual([]);
      });

      it('treats a batch whose ids were already appended as a no-op retry', async () => {
        const batch = events(3);
        const first = await store.append(stream(), batch, { expectedRevision: 'no_stream' });
        const retry = await store.append(stream(), batch, { expectedRevision: 'no_stream' });
        expect(retry).toEqual(first);
        expect(await collect(store.readStream(stream()))).toHaveLength(3);
      });

      it('recognises a retry sent with `any` after other appends to the stream', async () => {
        const batch = events(2);
        const first = await store.append(stream(), batch, { expectedRevision: 'any' });
        await store.append(stream(), events(3));
        await expect(store.append(stream(), batch, { expectedRevision: 'any' })).resolves.toEqual(first);
        expect(await collect(store.readStream(stream()))).toHaveLength(5);
      });

      it('lets only one of two racing appends at the same expected revision win', async () => {
        await store.append(stream(), events(1));
        const results = await Promise.allSettled([
          store.append(stream(), events(1), { expectedRevision: 0 }),
          store.append(stream(), events(1), { expectedRevision: 0 }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([
          expect.any(WrongExpectedRevisionError),
        ]);
        expect(await collect(store.readStream(stream()))).toHaveLength(2);
      });
    });

    describe('appendToStreams', () => {
      it('appends to each stream at its own expected revision, in order, with a result per stream', async () => {
        await store.append(stream('b'), events(1));
        const results = await store.appendToStreams([
          { streamId: stream('a'), events: events(2), expectedRevision: 'no_stream' },
          { streamId: stream('b'), events: events(1), expectedRevision: 0 },
        ]);
        const a = await collect(store.readStream(stream('a')));
        const b = await collect(store.readStream(stream('b')));
        expect(results).toEqual([
          { nextExpectedRevision: 1, position: a[1].position },
          { nextExpectedRevision: 1, position: b[1].position },
        ]);
        expect(a[1].position).toBeLessThan(b[1].position);
      });

      it('throws a refused append and writes neither it nor any after it; the ones before it stay only without atomicity', async () => {
        await store.append(stream('b'), events(2));
        const call = store.appendToStreams([
          { streamId: stream('a'), events: events(1), expectedRevision: 'no_stream' },
          { streamId: stream('b'), events: events(1), expectedRevision: 0 },
          { streamId: stream('c'), events: events(1) },
        ]);
        await expect(call).rejects.toMatchObject({ streamId: stream('b'), expected: 0, actual: 1 });
        await expect(call).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await collect(store.readStream(stream('b')))).toHaveLength(2);
        expect(await collect(store.readStream(stream('c')))).toEqual([]);
        const a = await collect(store.readStream(stream('a')));
        expect(a).toHaveLength(store.atomicMultiStreamAppend ? 0 : 1);
        // what stayed is reported with the refusal
        await expect(call).rejects.toMatchObject({ appendedBefore: a.map((e) => ({ nextExpectedRevision: 0, position: e.position })) });
      });

      it('refuses bad input anywhere before writing anything: no stream, a stream twice, an invalid append', async () => {
        await expect(store.appendToStreams([])).rejects.toMatchObject({ reason: 'EMPTY_BATCH' });
        await expect(
          store.appendToStreams([
            { streamId: stream('a'), events: events(1) },
            { streamId: stream('a'), events: events(1) },
          ]),
        ).rejects.toMatchObject({ reason: 'DUPLICATE_STREAM' });
        await expect(
          store.appendToStreams([
            { streamId: stream('a'), events: events(1) },
            { streamId: stream('b'), events: [] },
          ]),
        ).rejects.toBeInstanceOf(InvalidAppendError);
        expect(await collect(store.readStream(stream('a')))).toEqual([]);
      });

      it('treats a call whose events were already appended as a no-op retry', async () => {
        const call = [
          { streamId: stream('a'), events: events(1), expectedRevision: 'no_stream' as const },
          { streamId: stream('b'), events: events(2), expectedRevision: 'no_stream' as const },
        ];
        const first = await store.appendToStreams(call);
        await expect(store.appendToStreams(call)).resolves.toEqual(first);
        expect(await collect(store.readStream(stream('b')))).toHaveLength(2);
      });
    });

    describe('bad input is refused and writes nothing', () => {
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      it.each([
        ['an invalid stream name', 'no spaces allowed', [{ type: 'T', data: {} }], 'INVALID_STREAM_NAME'],
        ['an empty batch', null, [], 'EMPTY_BATCH'],
        ['a function payload', null, [{ type: 'T', data: { f: () => 1 } }], 'INVALID_PAYLOAD'],
        ['a bigint payload', null, [{ type: 'T', data: { n: BigInt(1) } }], 'INVALID_PAYLOAD'],
        ['a NaN payload', null, [{ type: 'T', data: { n: NaN } }], 'INVALID_PAYLOAD'],
        ['a circular payload', null, [{ type: 'T', data: circular }], 'INVALID_PAYLOAD'],
        ['a Date object payload', null, [{ type: 'T', data: new Date() }], 'INVALID_PAYLOAD'],
        ['a missing payload', null, [{ type: 'T' }], 'INVALID_PAYLOAD'],
        ['an event over 1 MiB', null, [{ type: 'T', data: { s: 'x'.repeat(1024 * 1024) } }], 'EVENT_TOO_LARGE'],
        ['an invalid event type', null, [{ type: 'has space', data: {} }], 'INVALID_EVENT_TYPE'],
        ['an event id that is not a UUID', null, [{ id: 'nope', type: 'T', data: {} }], 'INVALID_EVENT_ID'],
        [
          'the same event id twice in one batch',
          null,
          [
            { id: '6f1c7a52-3c1e-4d7b-9a1e-2b7f1a0c9d11', type: 'T', data: {} },
            { id: '6f1c7a52-3c1e-4d7b-9a1e-2b7f1a0c9d11', type: 'T', data: {} },
          ],
          'INVALID_EVENT_ID',
        ],
      ])('%s', async (_what, name, batch, reason) => {
        const target = name ?? stream();
        const valid = { id: randomUUID(), type: 'Fine', data: {} };
        const attempt = store.append(target, [valid, ...(batch as NewEvent[])].slice(batch.length ? 0 : 1), {});
        await expect(attempt).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(attempt).rejects.toMatchObject({ reason });
        if (!name) expect(await collect(store.readStream(stream()))).toEqual([]);
      });

      it('an invalid expected revision', async () => {
        await expect(store.append(stream(), events(1), { expectedRevision: -3 })).rejects.toMatchObject({ reason: 'INVALID_EXPECTED_REVISION' });
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards, from a revision, at most a count', async () => {
        await store.append(stream(), events(10));
        const rev = async (o: Parameters<EventStore['readStream']>[1]) => (await collect(store.readStream(stream(), o))).map((e) => e.revision);
        expect(await rev({ fromRevision: 7 })).toEqual([7, 8, 9]);
        expect(await rev({ direction: 'backwards', maxCount: 3 })).toEqual([9, 8, 7]);
        expect(await rev({ direction: 'backwards', fromRevision: 2 })).toEqual([2, 1, 0]);
        expect(await rev({ fromRevision: 3, maxCount: 2 })).toEqual([3, 4]);
      });

      it('refuses read options that are not non-negative integers', async () => {
        await expect(collect(store.readAll({ maxCount: 1.5 }))).rejects.toThrow(RangeError);
        await expect(collect(store.readStream(stream(), { fromRevision: -1 }))).rejects.toThrow(RangeError);
        expect(() => store.subscribeToAll({ fromPosition: NaN })).toThrow(RangeError);
      });

      it('reads a missing stream as empty', async () => {
        expect(await collect(store.readStream(stream('missing')))).toEqual([]);
        expect(await collect(store.readStream(stream('missing'), { direction: 'backwards', maxCount: 1 }))).toEqual([]);
      });

      it('reads all events in global order from an exclusive position', async () => {
        await store.append(stream('a'), events(2));
        await store.append(stream('b'), events(2));
        await store.append(stream('a'), events(1));
        const mine = (all: RecordedEvent[]) => all.filter((e) => e.streamId.startsWith(`${category}-`));
        const all = mine(await collect(store.readAll()));
        expect(all.map((e) => e.streamId)).toEqual([stream('a'), stream('a'), stream('b'), stream('b'), stream('a')]);
        const after = mine(await collect(store.readAll({ fromPosition: all[1].position })));
        expect(after.map((e) => e.id)).toEqual(all.slice(2).map((e) => e.id));
        const backwards = mine(await collect(store.readAll({ direction: 'backwards', maxCount: 50 })));
        expect(backwards.map((e) => e.id)).toEqual(all.reverse().map((e) => e.id));
        const two = await collect(store.readAll({ fromPosition: all[4].position - 1, maxCount: 2 }));
        expect(two).toHaveLength(2);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, then goes live, with no gap and no duplicate at the handover', async () => {
        const first = events(50);
        await store.append(stream('a'), first);
        const subscription = store.subscribeToAll({ filter: inCategory });
        const received = take(subscription, 150);
        const writer = (async () => {
          for (let i = 0; i < 10; i++) await store.append(stream(`w${i % 3}`), events(10));
        })();
        await writer;
        const got = await received;
        expect(got).toHaveLength(150);
        expect(new Set(got.map((e) => e.id)).size).toBe(150);
        expect(got.slice(0, 50).map((e) => e.id)).toEqual(first.map((e) => e.id));
        for (let i = 1; i < got.length; i++) expect(got[i].position).toBeGreaterThan(got[i - 1].position);
      });

      it('starts after a given position, and at the end when asked', async () => {
        await store.append(stream(), events(5));
        const all = (await collect(store.readStream(stream()))).map((e) => e.position);
        const fromThird = await take(store.subscribeToAll({ fromPosition: all[2], filter: inCategory }), 2);
        expect(fromThird.map((e) => e.revision)).toEqual([3, 4]);

        const live = store.subscribeToAll({ fromPosition: 'end', filter: inCategory });
        const next = take(live, 1);
        await new Promise((r) => setTimeout(r, 50));
        await store.append(stream(), [{ type: 'Later', data: {} }]);
        expect((await next).map((e) => e.type)).toEqual(['Later']);
      });

      it('filters by stream prefix and by event type', async () => {
        await store.append(stream('x'), events(2, 'Kept'));
        await store.append(stream('y'), events(2, 'Dropped'));
        await store.append(stream('x'), events(1, 'Dropped'));
        await store.append(stream('x'), events(1, 'Kept'));
        const byType = await take(store.subscribeToAll({ filter: { streamPrefixes: [`${category}-`], eventTypes: ['Kept'] } }), 3);
        expect(byType.map((e) => e.type)).toEqual(['Kept', 'Kept', 'Kept']);
        const byPrefix = await take(store.subscribeToAll({ filter: { streamPrefixes: [stream('y')] } }), 2);
        expect(byPrefix.map((e) => e.streamId)).toEqual([stream('y'), stream('y')]);
      });

      it('ends the iteration when closed', async () => {
        const subscription = store.subscribeToAll({ fromPosition: 'end', filter: inCategory });
        const done = collect(subscription);
        await new Promise((r) => setTimeout(r, 20));
        await subscription.close();
        await expect(done).resolves.toEqual([]);
      });
    });
  });
}
