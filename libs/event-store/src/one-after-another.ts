import { WrongExpectedRevisionError } from './errors';
import type { AppendResult, StreamAppend } from './port';

/**
 * `appendToStreams` for a store without multi-stream transactions: one stream after the other,
 * stopping at the first refusal. A WrongExpectedRevisionError names what was written before it
 * (`appendedBefore`), so a caller retries only the rest.
 */
export async function appendOneAfterAnother(appends: StreamAppend[], append: (one: StreamAppend) => Promise<AppendResult>): Promise<AppendResult[]> {
  const results: AppendResult[] = [];
  for (const one of appends) {
    try {
      results.push(await append(one));
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) error.appendedBefore = results;
      throw error;
    }
  }
  return results;
}
