// Argument parsers and option helpers shared by the command groups.
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ApiRequest } from '@hoody-ai/hoody-sdk';
import type { View } from './render/views';

/** What a command resolves to: one API request and how to show its answer. */
export interface Plan {
  request: ApiRequest;
  view: View;
}

/** Receives the plan of the command that ran. */
export type Emit = (plan: Plan) => void;

/** Wires a leaf command: its arguments and options become a plan. */
export function act<O extends object = Record<string, never>>(
  command: Command,
  emit: Emit,
  build: (args: string[], options: O, command: Command) => Plan,
): Command {
  return command.action((...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    emit(build(self.processedArgs as string[], self.opts() as O, self));
  });
}

/** A whole number ≥ `min` (and ≤ `max` when given). */
export const integer =
  (min = 0, max?: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || (max !== undefined && n > max)) {
      throw new InvalidArgumentError(max === undefined ? `expected a whole number ≥ ${min}` : `expected a whole number from ${min} to ${max}`);
    }
    return n;
  };

/** A positive number (cores, GiB). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** A number ≥ 0 (a limit where 0 means none). */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

/** `a,b` (repeatable: `--realm-ids a --realm-ids b` adds up). */
export function list(value: string, previous?: string[]): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...(previous ?? []), ...items];
}

/** `KEY=VAL` (variadic and repeatable) into an object. */
export function keyValue(value: string, previous?: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected KEY=VALUE, got "${value}"`);
  return { ...(previous ?? {}), [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** A JSON object (`--settings '{"max_containers_per_member":5}'`). */
export function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('expected a JSON object');
  return parsed as Record<string, unknown>;
}

/** Token expiry as the API takes it: unix seconds as a number, else the text (ISO, `today`, `tomorrow`). */
export function expiry(value: string): string | number {
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** A moment as unix seconds: given as seconds or as an ISO date. */
export function unixSeconds(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('expected unix seconds or an ISO date');
  return Math.floor(ms / 1000);
}

/** `T` with its possibly-undefined fields made optional (and never undefined). */
export type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** The object without its `undefined` fields: a body carries only what was given. */
export function compact<T extends object>(value: T): Compact<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Compact<T>;
}

/** A query with at least one parameter, else nothing (so `list` sends a bare `GET /containers`). */
export function query<T extends object>(value: T): Compact<T> | undefined {
  const q = compact(value);
  return Object.keys(q).length > 0 ? q : undefined;
}

export interface PagingOptions {
  page?: number;
  limit?: number;
  sortBy?: string;
  sortOrder?: 'asc' | 'desc';
  realmId?: string;
}

/** `--page`, `--limit`, `--sort-by`, `--sort-order`, and `--realm-id` unless `realm: false` (resources that carry no realm). */
export function withPaging(command: Command, sortFields?: readonly string[], { realm = true }: { realm?: boolean } = {}): Command {
  const sortBy = new Option('--sort-by <field>', 'sort field');
  const paged = command
    .option('--page <n>', 'page number (from 1)', integer(1))
    .option('--limit <n>', 'items per page (at most 100)', integer(1))
    .addOption(sortFields ? sortBy.choices(sortFields) : sortBy)
    .addOption(new Option('--sort-order <order>', 'sort order').choices(['asc', 'desc']));
  return realm ? paged.option('--realm-id <id>', 'only resources of this realm') : paged;
}

export function pagingQuery<S extends string = string>(o: PagingOptions) {
  return { page: o.page, limit: o.limit, sort_by: o.sortBy as S | undefined, sort_order: o.sortOrder, realm_id: o.realmId };
}
