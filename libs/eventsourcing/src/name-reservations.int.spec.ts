import { openEmbeddedEventStore, type EventStore } from '@hoody/event-store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NameReservations } from './name-reservations';

// A crash between reserving a name and recording its holder must not lock the name forever.

describe('name reservations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoody-names-'));
  let store: EventStore;
  let clock = Date.parse('2026-11-29T10:00:00Z');
  let names: NameReservations;

  beforeAll(() => {
    store = openEmbeddedEventStore({ path: join(dir, 'events.db') });
    names = new NameReservations(store, { holderStream: (id) => `thing-${id}`, now: () => new Date(clock), graceMs: 60_000 });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const typesOf = async (stream: string) => {
    const out: string[] = [];
    for await (const e of store.readStream(stream)) out.push(`${e.type}:${(e.data as { ownerId: string }).ownerId}`);
    return out;
  };

  it('given a holder that was never recorded, when the grace period is over, then the next caller gets the name', async () => {
    await names.reserve('name-a', 'ghost'); // ...and the process died before recording thing-ghost
    clock += 61_000;
    await names.reserve('name-a', 'second');
    expect(await typesOf('name-a')).toEqual(['NameReserved:ghost', 'NameReleased:ghost', 'NameReserved:second']);
  });

  it('given a holder that was never recorded, within the grace period, then the name is still taken (its create may be in flight)', async () => {
    await names.reserve('name-b', 'in-flight');
    clock += 30_000;
    await expect(names.reserve('name-b', 'other')).rejects.toMatchObject({ code: 'NAME_TAKEN' });
  });

  it('given a holder that exists, however old its reservation, then the name stays taken', async () => {
    await names.reserve('name-c', 'real');
    await store.append('thing-real', [{ id: randomUUID(), type: 'ThingCreated', data: {} }]);
    clock += 3_600_000;
    await expect(names.reserve('name-c', 'other')).rejects.toMatchObject({ code: 'NAME_TAKEN' });
    await names.release('name-c', 'other'); // not the holder: nothing happens
    await expect(names.reserve('name-c', 'other')).rejects.toMatchObject({ code: 'NAME_TAKEN' });
    await names.release('name-c', 'real');
    await names.reserve('name-c', 'other');
  });
});
