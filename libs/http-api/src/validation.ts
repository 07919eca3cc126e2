import type { z } from 'zod';
import { ApiError, describeIssues, type ValidationIssue } from './errors';

/** The request part a schema checks; named in the error message. */
export type RequestPart = 'body' | 'query' | 'params';

const PART_NAMES: Record<RequestPart, string> = {
  body: 'request body',
  query: 'query string',
  params: 'path parameters',
};

type RawIssue = z.core.$ZodRawIssue;

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  tuple: 'an array',
  null: 'null',
  date: 'a date',
  bigint: 'an integer',
};

const FORMAT_NAMES: Record<string, string> = {
  datetime: 'an ISO 8601 date-time',
  date: 'an ISO 8601 date (YYYY-MM-DD)',
  time: 'an ISO 8601 time',
  duration: 'an ISO 8601 duration',
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  cidrv4: 'an IPv4 CIDR range',
  cidrv6: 'an IPv6 CIDR range',
  base64: 'base64',
  hostname: 'a host name',
};

/**
 * Messages in the style of ajv ("must be a string", "must be <= 100"), used for every issue whose
 * schema sets no message of its own. The path goes in `instancePath`, not in the message.
 */
export function validationErrorMap(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small':
      return sizeMessage(issue.origin, 'min', issue.minimum, issue.inclusive ?? true, issue.exact);
    case 'too_big':
      return sizeMessage(issue.origin, 'max', issue.maximum, issue.inclusive ?? true, issue.exact);
    case 'invalid_format':
      if (issue.format === 'regex' && 'pattern' in issue) return `must match pattern ${String(issue.pattern)}`;
      if (issue.format === 'starts_with' && 'prefix' in issue) return `must start with "${String(issue.prefix)}"`;
      if (issue.format === 'ends_with' && 'suffix' in issue) return `must end with "${String(issue.suffix)}"`;
      if (issue.format === 'includes' && 'includes' in issue) return `must contain "${String(issue.includes)}"`;
      return `must be ${FORMAT_NAMES[issue.format] ?? `a valid ${issue.format}`}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} not allowed`;
    case 'invalid_union':
      return 'does not match any allowed form';
    case 'invalid_key':
      return 'has an invalid key';
    case 'invalid_element':
      return 'has an invalid element';
    default:
      return undefined;
  }
}

function sizeMessage(
  origin: string,
  side: 'min' | 'max',
  bound: number | bigint,
  inclusive: boolean,
  exact: boolean | undefined,
): string {
  const n = String(bound);
  if (origin === 'string' || origin === 'array' || origin === 'set' || origin === 'file') {
    const unit = origin === 'string' ? 'character' : origin === 'file' ? 'byte' : 'item';
    const units = (k: string) => `${k} ${unit}${k === '1' ? '' : 's'}`;
    const what = origin === 'string' ? 'be' : 'have';
    if (exact) return `must ${what} exactly ${units(n)}${origin === 'string' ? ' long' : ''}`;
    const rel = side === 'min' ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'fewer than';
    return `must ${what} ${rel} ${units(n)}${origin === 'string' ? ' long' : ''}`;
  }
  const op = side === 'min' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
  return `must be ${op} ${n}`;
}

/** `['env', 'A/B']` → `/env/A~1B` (RFC 6901). */
export function jsonPointer(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) out += `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return out;
}

/** Zod issues as `{ instancePath, message }`; an unknown field is reported at its own path. */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ instancePath: jsonPointer([...issue.path, key]), message: `unknown field "${key}" is not allowed` });
      }
    } else {
      out.push({ instancePath: jsonPointer(issue.path), message: issue.message });
    }
  }
  return out;
}

const PARSE_CONTEXT = { error: validationErrorMap } as const;

/** Parses with the conventions' messages; a failure is a 400 `VALIDATION_FAILED` naming each issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(input, PARSE_CONTEXT);
  if (result.success) return result.data;
  throw validationError(toValidationIssues(result.error.issues), part);
}

/** 400 `VALIDATION_FAILED`: "Invalid request body: /name: must be a string". */
export function validationError(issues: ValidationIssue[], part: RequestPart): ApiError {
  return ApiError.validationFailed(issues, `Invalid ${PART_NAMES[part]}: ${describeIssues(issues)}`);
}
