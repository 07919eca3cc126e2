import type { AppendResult, ExpectedRevision } from './port';

/** The stream was not at the revision the caller expected. Nothing was written to it. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  /**
   * From `appendToStreams` on a store without multi-stream atomicity: the results of the appends
   * the call wrote before this one (empty otherwise).
   */
  appendedBefore: AppendResult[] = [];
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

export type InvalidAppendReason =
  | 'INVALID_STREAM_NAME'
  | 'INVALID_EVENT_ID'
  | 'INVALID_EVENT_TYPE'
  | 'INVALID_PAYLOAD'
  | 'EVENT_TOO_LARGE'
  | 'EMPTY_BATCH'
  | 'DUPLICATE_STREAM'
  | 'INVALID_EXPECTED_REVISION'
  | 'PARTIAL_DUPLICATE';

/** The append was refused before anything was written. */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
  constructor(
    readonly reason: InvalidAppendReason,
    message: string,
  ) {
    super(message);
  }
}
