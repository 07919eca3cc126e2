import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WrongExpectedRevisionError } from '../errors';
import { describeEventStoreConformance } from '../testing/conformance';
import { openEmbeddedEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'hoody-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEventStoreConformance('embedded (SQLite)', () => openEmbeddedEventStore({ path: join(dir, 'events.db') }));

describe('embedded store: calls that share one group commit', () => {
  it('writes each call all or nothing: a refused multi-stream call leaves nothing, the call beside it is written', async () => {
    const store = openEmbeddedEventStore({ path: join(dir, 'group.db') });
    const event = () => [{ id: randomUUID(), type: 'ThingHappened', data: {} }];
    await store.append('thing-stale', event());
    // Issued in the same tick: one transaction holds both calls.
    const refused = store.appendToStreams([
      { streamId: 'thing-fresh', events: event(), expectedRevision: 'no_stream' },
      { streamId: 'thing-stale', events: event(), expectedRevision: 'no_stream' },
    ]);
    const beside = store.append('thing-other', event(), { expectedRevision: 'no_stream' });
    await expect(refused).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(beside).resolves.toMatchObject({ nextExpectedRevision: 0 });
    const streams: string[] = [];
    for await (const e of store.readAll()) streams.push(e.streamId);
    expect(streams).toEqual(['thing-stale', 'thing-other']);
    await store.close();
  });
});

describe('embedded store: commits without a turn of the event loop', () => {
  it('still lets I/O in during a long loop of awaited appends', async () => {
    const store = openEmbeddedEventStore({ path: join(dir, 'loop.db') });
    let appended = 0;
    let appendedWhenTimerRan: number | undefined;
    setTimeout(() => (appendedWhenTimerRan = appended), 0);
    for (; appended < 500; appended++) await store.append('loop-1', [{ id: randomUUID(), type: 'ThingHappened', data: { appended } }]);
    expect(appendedWhenTimerRan).toBeDefined();
    expect(appendedWhenTimerRan).toBeLessThan(500);
    await store.close();
  });
});
