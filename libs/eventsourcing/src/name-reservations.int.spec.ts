import { CommandRejected, type Decider } from '@hoody/decider';
import { openEmbeddedEventStore, type EventStore } from '@hoody/event-store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NameReservations } from './name-reservations';
import { withSequentialAppends } from './testing/sequential-appends';

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

  describe('a name reserved together with its holder (reserveWith)', () => {
    type Command = { type: 'CreateThing'; name: string };
    type Event = { type: 'ThingCreated'; data: { name: string } };
    const thing: Decider<Command, Event, { created: boolean }> = {
      initialState: { created: false },
      decide: (command, state) => {
        if (state.created) throw new CommandRejected('ALREADY_EXISTS', 'the thing exists');
        return [{ type: 'ThingCreated', data: { name: command.name } }];
      },
      evolve: () => ({ created: true }),
    };
    const create = (id: string, name: string) => ({ streamId: `thing-${id}`, decider: thing, command: { type: 'CreateThing', name } as Command });

    it('writes the reservation and the holder together', async () => {
      const result = await names.reserveWith('name-d', 'd1', create('d1', 'd'));
      expect(result).toMatchObject({ state: { created: true }, revision: 0 });
      expect(await typesOf('name-d')).toEqual(['NameReserved:d1']);
    });

    it('given the name is taken, then the holder is not recorded', async () => {
      await names.reserveWith('name-e', 'e1', create('e1', 'e'));
      await expect(names.reserveWith('name-e', 'e2', create('e2', 'e'))).rejects.toMatchObject({ code: 'NAME_TAKEN' });
      expect(await typesOf('thing-e2')).toEqual([]);
    });

    it('given the holder refuses, then the name is not reserved', async () => {
      await store.append('thing-f1', [{ id: randomUUID(), type: 'ThingCreated', data: { name: 'f' } }]);
      await expect(names.reserveWith('name-f', 'f1', create('f1', 'f'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
      expect(await typesOf('name-f')).toEqual([]);
    });

    it('given a reservation abandoned past the grace period, then the name goes to the new holder', async () => {
      await names.reserve('name-g', 'ghost');
      clock += 61_000;
      await names.reserveWith('name-g', 'g1', create('g1', 'g'));
      expect(await typesOf('name-g')).toEqual(['NameReserved:ghost', 'NameReleased:ghost', 'NameReserved:g1']);
    });

    it('on a store without multi-stream atomicity, given the holder refuses after the reservation landed, then the name is given back', async () => {
      const racy = withSequentialAppends(store, async (streamId) => {
        // another writer creates thing-h1 between the reservation and the thing
        if (streamId === 'thing-h1') await store.append('thing-h1', [{ id: randomUUID(), type: 'ThingCreated', data: { name: 'other' } }]).catch(() => undefined);
      });
      const bearsName = async (id: string, stream: string) => {
        for await (const e of store.readStream(`thing-${id}`)) if (`name-${(e.data as { name: string }).name}` === stream) return true;
        return false;
      };
      const sequentialNames = new NameReservations(racy, { holderStream: (id) => `thing-${id}`, holds: bearsName, now: () => new Date(clock) });
      await expect(sequentialNames.reserveWith('name-h', 'h1', create('h1', 'h'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
      expect(await typesOf('name-h')).toEqual(['NameReserved:h1', 'NameReleased:h1']);
    });
  });
});
