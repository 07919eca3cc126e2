import { randomUUID } from 'node:crypto';
import { InvalidAppendError } from './errors';
import type { AppendOptions, ExpectedRevision, NewEvent, StreamAppend } from './port';

export const MAX_EVENT_BYTES = 1024 * 1024;
const STREAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}(-[A-Za-z0-9_.:-]{1,190})?$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.]{0,127}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An event checked and serialized: what adapters write. */
export interface PreparedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

export function validateStreamName(streamId: string): void {
  if (typeof streamId !== 'string' || !STREAM_NAME.test(streamId)) {
    throw new InvalidAppendError(
      'INVALID_STREAM_NAME',
      `invalid stream name ${JSON.stringify(streamId)}: expected <category>-<id> of letters, digits and _ . : -`,
    );
  }
}

function assertJson(value: unknown, path: string, seen: Set<unknown>): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
    throw new InvalidAppendError('INVALID_PAYLOAD', `${path} is ${value}: not representable in JSON`);
  }
  if (typeof value === 'object') {
    if (seen.has(value)) throw new InvalidAppendError('INVALID_PAYLOAD', `${path} refers to itself`);
    seen.add(value);
    if (Array.isArray(value)) value.forEach((v, i) => assertJson(v, `${path}[${i}]`, seen));
    else {
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new InvalidAppendError('INVALID_PAYLOAD', `${path} is a ${proto?.constructor?.name ?? 'non-plain'} object, not JSON`);
      }
      for (const [k, v] of Object.entries(value)) assertJson(v, `${path}.${k}`, seen);
    }
    seen.delete(value);
    return;
  }
  throw new InvalidAppendError('INVALID_PAYLOAD', `${path} is a ${typeof value}: not JSON`);
}

function validateExpected(expected: ExpectedRevision): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new InvalidAppendError('INVALID_EXPECTED_REVISION', `invalid expected revision ${JSON.stringify(expected)}`);
}

/** Checks a whole batch; throws before anything is written. */
export function prepareAppend(streamId: string, events: NewEvent[], options: AppendOptions = {}): PreparedEvent[] {
  validateStreamName(streamId);
  validateExpected(options.expectedRevision ?? 'any');
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidAppendError('EMPTY_BATCH', 'nothing to append: the batch is empty');
  }
  const ids = new Set<string>();
  return events.map((event, i) => {
    const id = event.id ?? randomUUID();
    if (typeof id !== 'string' || !UUID.test(id)) {
      throw new InvalidAppendError('INVALID_EVENT_ID', `event ${i}: id ${JSON.stringify(id)} is not a UUID`);
    }
    if (ids.has(id.toLowerCase())) throw new InvalidAppendError('INVALID_EVENT_ID', `event ${i}: id ${id} appears twice in the batch`);
    ids.add(id.toLowerCase());
    if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type)) {
      throw new InvalidAppendError('INVALID_EVENT_TYPE', `event ${i}: invalid type ${JSON.stringify(event.type)}`);
    }
    if (event.data === undefined) throw new InvalidAppendError('INVALID_PAYLOAD', `event ${i}: data is missing`);
    assertJson(event.data, `event ${i} data`, new Set());
    const metadata = event.metadata ?? {};
    if (typeof metadata !== 'object' || Array.isArray(metadata) || metadata === null) {
      throw new InvalidAppendError('INVALID_PAYLOAD', `event ${i}: metadata must be an object`);
    }
    assertJson(metadata, `event ${i} metadata`, new Set());
    const prepared = { id: id.toLowerCase(), type: event.type, data: JSON.stringify(event.data), metadata: JSON.stringify(metadata) };
    const bytes = Buffer.byteLength(prepared.data) + Buffer.byteLength(prepared.metadata);
    if (bytes > MAX_EVENT_BYTES) {
      throw new InvalidAppendError('EVENT_TOO_LARGE', `event ${i}: ${bytes} bytes, over the 1 MiB limit`);
    }
    return prepared;
  });
}

/** Counts and revisions are non-negative integers; positions also 'start' or 'end'. */
export function validateReadOptions(options: { maxCount?: number; fromRevision?: number; fromPosition?: unknown }): void {
  const bad = (name: string, value: unknown) => new RangeError(`${name} must be a non-negative integer, not ${JSON.stringify(value)}`);
  if (options.maxCount !== undefined && !(Number.isSafeInteger(options.maxCount) && options.maxCount >= 0) && options.maxCount !== Infinity) {
    throw bad('maxCount', options.maxCount);
  }
  if (options.fromRevision !== undefined && !(Number.isSafeInteger(options.fromRevision) && options.fromRevision >= 0)) throw bad('fromRevision', options.fromRevision);
  const p = options.fromPosition;
  if (p !== undefined && p !== 'start' && p !== 'end' && !(typeof p === 'number' && Number.isSafeInteger(p) && p >= 0)) throw bad('fromPosition', p);
}

/** appendToStreams' list: not empty, each stream once (so that its results say one thing per stream). */
export function validateStreamAppends(appends: StreamAppend[]): void {
  if (!Array.isArray(appends) || appends.length === 0) throw new InvalidAppendError('EMPTY_BATCH', 'nothing to append: no stream is given');
  const streams = new Set<string>();
  for (const { streamId } of appends) {
    if (streams.has(streamId)) throw new InvalidAppendError('DUPLICATE_STREAM', `stream ${streamId} appears twice: give each stream one append`);
    streams.add(streamId);
  }
}
