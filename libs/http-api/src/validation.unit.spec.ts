import { z } from 'zod';
import { ApiError, idSchema, jsonPointer, parseOrThrow } from './index';

function issuesOf(schema: z.ZodType, input: unknown): unknown {
  try {
    parseOrThrow(schema, input, 'body');
  } catch (error) {
    return (error as ApiError).toBody().data;
  }
  throw new Error('expected a validation failure');
}

describe('parseOrThrow', () => {
  it('returns the parsed value (defaults applied)', () => {
    expect(parseOrThrow(z.strictObject({ a: z.string(), b: z.boolean().default(true) }), { a: 'x' }, 'body')).toEqual({ a: 'x', b: true });
  });

  it('throws 400 VALIDATION_FAILED naming the part', () => {
    expect(() => parseOrThrow(z.strictObject({ limit: z.number().max(100) }), { limit: 101 }, 'query')).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'Invalid query string: /limit: must be <= 100' }),
    );
  });

  it.each<[string, z.ZodType, unknown, unknown]>([
    ['required', z.strictObject({ a: z.string() }), {}, [{ instancePath: '/a', message: 'is required' }]],
    ['types', z.strictObject({ a: z.number(), b: z.array(z.string()), c: z.strictObject({}) }), { a: '1', b: {}, c: [] }, [
      { instancePath: '/a', message: 'must be a number' },
      { instancePath: '/b', message: 'must be an array' },
      { instancePath: '/c', message: 'must be an object' },
    ]],
    ['integers', z.strictObject({ a: z.number().int() }), { a: 1.5 }, [{ instancePath: '/a', message: 'must be an integer' }]],
    ['string lengths', z.strictObject({ a: z.string().min(3), b: z.string().max(2), c: z.string().length(4) }), { a: 'x', b: 'xyz', c: 'x' }, [
      { instancePath: '/a', message: 'must be at least 3 characters long' },
      { instancePath: '/b', message: 'must be at most 2 characters long' },
      { instancePath: '/c', message: 'must be exactly 4 characters long' },
    ]],
    ['array sizes', z.strictObject({ a: z.array(z.string()).min(1), b: z.array(z.string()).max(1) }), { a: [], b: ['x', 'y'] }, [
      { instancePath: '/a', message: 'must have at least 1 item' },
      { instancePath: '/b', message: 'must have at most 1 item' },
    ]],
    ['exclusive bounds', z.strictObject({ a: z.number().positive(), b: z.number().lt(5) }), { a: 0, b: 5 }, [
      { instancePath: '/a', message: 'must be > 0' },
      { instancePath: '/b', message: 'must be < 5' },
    ]],
    ['enums and literals', z.strictObject({ a: z.enum(['x', 'y']), b: z.literal(true) }), { a: 'z', b: false }, [
      { instancePath: '/a', message: 'must be one of "x", "y"' },
      { instancePath: '/b', message: 'must be true' },
    ]],
    ['formats', z.strictObject({ a: z.iso.datetime(), b: z.email(), c: z.string().regex(/^a+$/) }), { a: 'now', b: 'x', c: 'b' }, [
      { instancePath: '/a', message: 'must be an ISO 8601 date-time' },
      { instancePath: '/b', message: 'must be an email address' },
      { instancePath: '/c', message: 'must match pattern /^a+$/' },
    ]],
    ['ids', z.strictObject({ a: idSchema }), { a: 'ABC' }, [{ instancePath: '/a', message: 'must be a 24-character lowercase hex id' }]],
    ['unknown fields, each at its own path', z.strictObject({ a: z.strictObject({ b: z.string() }) }), { a: { b: 'x', c: 1 }, d: 2, e: 3 }, [
      { instancePath: '/a/c', message: 'unknown field "c" is not allowed' },
      { instancePath: '/d', message: 'unknown field "d" is not allowed' },
      { instancePath: '/e', message: 'unknown field "e" is not allowed' },
    ]],
    ['records', z.strictObject({ env: z.record(z.string(), z.string()) }), { env: { 'A/B': 1 } }, [
      { instancePath: '/env/A~1B', message: 'must be a string' },
    ]],
    ['unions', z.strictObject({ a: z.union([z.string(), z.number()]) }), { a: true }, [{ instancePath: '/a', message: 'does not match any allowed form' }]],
    ['a body that is not an object', z.strictObject({ a: z.string() }), [1], [{ instancePath: '', message: 'must be an object' }]],
  ])('phrases %s like ajv', (_name, schema, input, expected) => {
    expect(issuesOf(schema, input)).toEqual(expected);
  });

  it('keeps messages the schema sets itself', () => {
    expect(issuesOf(z.strictObject({ a: z.string({ error: 'give a name' }) }), {})).toEqual([{ instancePath: '/a', message: 'give a name' }]);
  });
});

describe('jsonPointer', () => {
  it('escapes ~ and / (RFC 6901)', () => {
    expect(jsonPointer([])).toBe('');
    expect(jsonPointer(['a', 0, 'b/c', 'd~e'])).toBe('/a/0/b~1c/d~0e');
  });
});
