/**
 * A process that appends to shared streams of an embedded store, for the multi-process test.
 * argv: <db path> <worker index> <count>. Even appends use `any`; odd ones read the stream's
 * revision and append with it, retrying on conflict; every tenth is sent twice with the same id.
 */
import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError } from '../errors';
import { openEmbeddedEventStore } from '../embedded/sqlite-event-store';

async function main(): Promise<void> {
  const [path, workerArg, countArg] = process.argv.slice(2);
  const worker = Number(workerArg);
  const store = openEmbeddedEventStore({ path });
  for (let i = 0; i < Number(countArg); i++) {
    const streamId = `shared-${(i * 7 + worker) % 10}`;
    const event = { id: randomUUID(), type: 'Appended', data: { worker, i } };
    if (i % 2 === 0) {
      await store.append(streamId, [event], { expectedRevision: 'any' });
    } else {
      for (let attempt = 0; ; attempt++) {
        let last: number | 'no_stream' = 'no_stream';
        for await (const e of store.readStream(streamId, { direction: 'backwards', maxCount: 1 })) last = e.revision;
        try {
          await store.append(streamId, [event], { expectedRevision: last });
          break;
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError) || attempt > 100) throw error;
        }
      }
    }
    if (i % 10 === 0) await store.append(streamId, [event]); // a retry: must be a no-op
  }
  await store.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
