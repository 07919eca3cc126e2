import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Environment variable schemas. Each one phrases its own failure as "<predicate> (expected ...)",
// so that loadConfig can print `NAME: "value" <predicate> (expected ...)`, one line per variable.
// Every schema takes the raw string (or undefined when unset; an empty value counts as unset).
// ---------------------------------------------------------------------------------------------

/** A string env var whose parsing fails with `<problem> (expected <expected>)`. */
function envVar<T>(expected: string, problem: string, parse: (raw: string) => T | undefined) {
  return z.string({ error: `is not set (expected ${expected})` }).transform((raw, ctx): T => {
    const value = parse(raw.trim());
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `${problem} (expected ${expected})` });
      return z.NEVER;
    }
    return value;
  });
}

/** A TCP port; 0 asks the OS for any free port (the bound port is reported at startup). */
export function envPort() {
  return envVar('an integer 1-65535, or 0 for any free port', 'is not a port', (raw) =>
    /^\d{1,5}$/.test(raw) && Number(raw) <= 65535 ? Number(raw) : undefined,
  );
}

const HOST_NAME = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** An address to bind to: an IPv4/IPv6 address or a host name. */
export function envHost() {
  return envVar('an IP address or host name, e.g. 127.0.0.1, 0.0.0.0 or ::', 'is not a bind address', (raw) =>
    isIP(raw) || HOST_NAME.test(raw) ? raw : undefined,
  );
}

/** One URL, or several separated by commas, each with one of the given schemes and a host. */
export function envUrl(options: { schemes: string[]; what: string; list?: boolean }) {
  const schemes = options.schemes.map((s) => s.replace(/:\/\/$|:$/, ''));
  const expected =
    schemes.map((s) => `${s}://host:port`).join(', ').replace(/, ([^,]*)$/, ' or $1') +
    (options.list ? '; several separated by commas' : '');
  return envVar(expected, `is not ${options.what}`, (raw) => {
    const parts = options.list ? raw.split(',').map((p) => p.trim()) : [raw];
    const valid = parts.every((part) => {
      try {
        const url = new URL(part);
        return schemes.includes(url.protocol.slice(0, -1)) && url.hostname !== '';
      } catch {
        return false;
      }
    });
    return valid ? parts.join(',') : undefined;
  });
}

/** A connection string starting with one of the given prefixes (hosts lists, options: not checked). */
export function envConnectionString(options: { prefixes: string[]; what: string }) {
  const expected = `a string starting with ${options.prefixes.join(', ').replace(/, ([^,]*)$/, ' or $1')}`;
  return envVar(expected, `is not ${options.what}`, (raw) =>
    options.prefixes.some((p) => raw.startsWith(p) && raw.length > p.length) ? raw : undefined,
  );
}

/** A directory; relative paths resolve against the working directory. */
export function envPath() {
  return envVar('a directory path', 'is not a path', (raw) => (raw.includes('\0') ? undefined : resolve(raw)));
}

/** One of a fixed set of words, case-insensitive. */
export function envEnum<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return envVar(`one of ${values.join(', ')}`, `is not ${what}`, (raw) =>
    values.find((v) => v === raw.toLowerCase()) as T[number] | undefined,
  );
}

/** true/false, 1/0, yes/no, on/off. */
export function envBoolean() {
  return envVar('true or false', 'is not a boolean', (raw) => {
    const v = raw.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    return undefined;
  });
}

/** An integer within bounds. */
export function envInt(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return envVar(`an integer ${min}-${max}`, 'is not an integer in range', (raw) =>
    /^-?\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max ? Number(raw) : undefined,
  );
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The variables every service process reads. A service extends it with its own, and gives its
 * ports defaults if it has fixed ones:
 *
 *   const schema = baseConfigSchema.extend({ HOODY_GRPC_PORT: envPort().default(50052), ... });
 */
export const baseConfigSchema = z.object({
  /** gRPC port (required; 0: any free port). */
  HOODY_GRPC_PORT: envPort(),
  /** HTTP port of /health and /metrics (and the REST API of the gateway); 0: any free port. */
  HOODY_HTTP_PORT: envPort(),
  /** Address both servers bind to. */
  HOODY_HOST: envHost().default('127.0.0.1'),
  NATS_URL: envUrl({ schemes: ['nats', 'tls', 'ws', 'wss'], what: 'a NATS URL', list: true }).default(
    'nats://127.0.0.1:4222',
  ),
  /** Local state (embedded event store, read models); default `.hoody` in the working directory. */
  HOODY_HOME: envPath().default(() => resolve('.hoody')),
  /** Unset: the embedded event store. */
  EVENTSTORE_URL: envConnectionString({
    prefixes: ['esdb://', 'esdb+discover://', 'kurrentdb://', 'kurrentdb+discover://'],
    what: 'an EventStoreDB/KurrentDB connection string',
  }).optional(),
  /** Embedded store: `process` survives a killed process, `power` also a power loss (an fsync per commit). */
  HOODY_STORE_DURABILITY: envEnum(['process', 'power'] as const, 'a durability level (process or power)').default('process'),
  HOODY_LOG_LEVEL: envEnum(LOG_LEVELS, 'a log level').default('info'),
});

export type BaseConfig = z.output<typeof baseConfigSchema>;

// ---------------------------------------------------------------------------------------------

export interface ConfigIssue {
  /** The environment variable. */
  variable: string;
  /** What it held (undefined: unset), as shown in the message (secrets hidden). */
  received: string | undefined;
  /** `NAME: "value" is not a port (expected an integer 1-65535, or 0 for any free port)` */
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `Invalid configuration (${issues.length} environment variable${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Names whose values are never echoed: `..._SECRET`, `..._PASSWORD`, `..._TOKEN`, `..._KEY`, ... */
const SECRET_NAME = /(^|_)(SECRET|PASSWORD|PASSWD|PASS|TOKEN|CREDENTIALS?|KEY)S?$/i;

/** The value as shown in a message: secrets hidden, URL passwords masked. */
function display(variable: string, value: string): string {
  if (SECRET_NAME.test(variable)) return `(hidden, ${value.length} character${value.length === 1 ? '' : 's'})`;
  return JSON.stringify(value.replace(/(\/\/[^/@:\s]*:)[^/@\s]*@/g, '$1***@'));
}

/** Messages of issues that the schemas did not phrase themselves (plain zod schemas). */
function genericMessage(issue: z.core.$ZodRawIssue): string {
  if (issue.input === undefined) return 'is not set';
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `is not one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  const fallback = z.locales.en().localeError(issue);
  const text = typeof fallback === 'string' ? fallback : (fallback?.message ?? issue.code);
  return `is invalid (${text})`;
}

/**
 * Reads and validates configuration from environment variables. Only the schema's keys are read;
 * an empty value counts as unset. Throws a ConfigError listing every wrong variable, one message
 * each: `HOODY_GRPC_PORT: "abc" is not a port (expected an integer 1-65535, or 0 for any free port)`.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === undefined || value.trim() === '' ? undefined : value;
  }
  const result = schema.safeParse(input, { error: genericMessage });
  if (result.success) return result.data;

  const issues = new Map<string, ConfigIssue>();
  for (const issue of result.error.issues) {
    const variable = String(issue.path[0] ?? '(configuration)');
    if (issues.has(variable)) continue; // one message per variable
    const received = input[variable];
    const shown = received === undefined ? undefined : display(variable, received);
    issues.set(variable, {
      variable,
      received: shown,
      message: shown === undefined ? `${variable}: ${issue.message}` : `${variable}: ${shown} ${issue.message}`,
    });
  }
  throw new ConfigError([...issues.values()]);
}

/** loadConfig for a process entry point: on a ConfigError, prints its message and exits with 78. */
export function loadConfigOrExit<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}
