/**
 * Subscriber process for the lag benchmark: prints 'ready', then for `count` events the delay
 * between the `sentAt` in each event and its delivery here, as one JSON array.
 * argv: <db path> <count>
 */
import { openEmbeddedEventStore } from '../src';

const now = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const [path, count] = process.argv.slice(2);
  const store = openEmbeddedEventStore({ path });
  const lags: number[] = [];
  const subscription = store.subscribeToAll({ fromPosition: 'end', filter: { streamPrefixes: ['lag-'] } });
  process.stdout.write('ready\n');
  for await (const e of subscription) {
    lags.push(now() - (e.data as { sentAt: number }).sentAt);
    if (lags.length === Number(count)) break;
  }
  process.stdout.write(JSON.stringify(lags) + '\n');
  await store.close();
}

void main();
