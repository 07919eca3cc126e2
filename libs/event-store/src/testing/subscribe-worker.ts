/**
 * A process that subscribes to an embedded store from the start and prints, as one JSON line,
 * what it received once it has `count` events. argv: <db path> <count>.
 */
import { openEmbeddedEventStore } from '../embedded/sqlite-event-store';

async function main(): Promise<void> {
  const [path, countArg] = process.argv.slice(2);
  const store = openEmbeddedEventStore({ path });
  const received: Array<[number, string]> = [];
  const subscription = store.subscribeToAll({ filter: { streamPrefixes: ['shared-'] } });
  process.stdout.write('ready\n');
  for await (const e of subscription) {
    received.push([e.position, e.id]);
    if (received.length === Number(countArg)) break;
  }
  process.stdout.write(JSON.stringify(received) + '\n');
  await store.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
