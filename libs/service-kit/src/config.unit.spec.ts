import { resolve } from 'node:path';
import { z } from 'zod';
import { baseConfigSchema, ConfigError, envBoolean, envInt, envPort, loadConfig } from './config';

const ports = { HOODY_GRPC_PORT: '50051', HOODY_HTTP_PORT: '8081' };

/** The messages loadConfig throws for an environment. */
function messages(env: Record<string, string | undefined>, schema: z.ZodObject = baseConfigSchema): string[] {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => i.message);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig with the base schema', () => {
  it('applies the defaults', () => {
    expect(loadConfig(baseConfigSchema, ports)).toEqual({
      HOODY_GRPC_PORT: 50051,
      HOODY_HTTP_PORT: 8081,
      HOODY_HOST: '127.0.0.1',
      NATS_URL: 'nats://127.0.0.1:4222',
      HOODY_HOME: resolve('.hoody'),
      EVENTSTORE_URL: undefined,
      HOODY_STORE_DURABILITY: 'process',
      HOODY_LOG_LEVEL: 'info',
    });
  });

  it('takes valid values, trimmed; empty values count as unset', () => {
    const config = loadConfig(baseConfigSchema, {
      HOODY_GRPC_PORT: ' 0 ',
      HOODY_HTTP_PORT: '65535',
      HOODY_HOST: '0.0.0.0',
      NATS_URL: 'nats://a:4222, tls://b:4222',
      HOODY_HOME: 'state',
      EVENTSTORE_URL: 'esdb+discover://admin:changeit@cluster:2113?tls=false',
      HOODY_LOG_LEVEL: 'DEBUG',
      HOODY_STORE_DURABILITY: 'power',
      UNRELATED: 'ignored',
    });
    expect(config).toEqual({
      HOODY_GRPC_PORT: 0,
      HOODY_HTTP_PORT: 65535,
      HOODY_HOST: '0.0.0.0',
      NATS_URL: 'nats://a:4222,tls://b:4222',
      HOODY_HOME: resolve('state'),
      EVENTSTORE_URL: 'esdb+discover://admin:changeit@cluster:2113?tls=false',
      HOODY_STORE_DURABILITY: 'power',
      HOODY_LOG_LEVEL: 'debug',
    });
    expect(loadConfig(baseConfigSchema, { ...ports, HOODY_HOST: '', EVENTSTORE_URL: '  ' })).toMatchObject({
      HOODY_HOST: '127.0.0.1',
      EVENTSTORE_URL: undefined,
    });
    for (const url of ['esdb://h:2113', 'kurrentdb://h:2113', 'kurrentdb+discover://h']) {
      expect(loadConfig(baseConfigSchema, { ...ports, EVENTSTORE_URL: url }).EVENTSTORE_URL).toBe(url);
    }
    for (const host of ['::', '::1', 'localhost', 'node-1.internal']) {
      expect(loadConfig(baseConfigSchema, { ...ports, HOODY_HOST: host }).HOODY_HOST).toBe(host);
    }
  });

  it.each([
    ['HOODY_GRPC_PORT', 'abc', 'HOODY_GRPC_PORT: "abc" is not a port (expected an integer 1-65535, or 0 for any free port)'],
    ['HOODY_GRPC_PORT', '65536', 'HOODY_GRPC_PORT: "65536" is not a port (expected an integer 1-65535, or 0 for any free port)'],
    ['HOODY_HTTP_PORT', '-1', 'HOODY_HTTP_PORT: "-1" is not a port (expected an integer 1-65535, or 0 for any free port)'],
    ['HOODY_HTTP_PORT', '80.5', 'HOODY_HTTP_PORT: "80.5" is not a port (expected an integer 1-65535, or 0 for any free port)'],
    [
      'HOODY_HOST',
      'not a host',
      'HOODY_HOST: "not a host" is not a bind address (expected an IP address or host name, e.g. 127.0.0.1, 0.0.0.0 or ::)',
    ],
    [
      'NATS_URL',
      'http://nats:4222',
      'NATS_URL: "http://nats:4222" is not a NATS URL (expected nats://host:port, tls://host:port, ws://host:port or wss://host:port; several separated by commas)',
    ],
    [
      'NATS_URL',
      'nats://a:4222,oops',
      'NATS_URL: "nats://a:4222,oops" is not a NATS URL (expected nats://host:port, tls://host:port, ws://host:port or wss://host:port; several separated by commas)',
    ],
    [
      'EVENTSTORE_URL',
      'https://admin:changeit@db:2113',
      'EVENTSTORE_URL: "https://admin:***@db:2113" is not an EventStoreDB/KurrentDB connection string (expected a string starting with esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover://)',
    ],
    [
      'HOODY_LOG_LEVEL',
      'loud',
      'HOODY_LOG_LEVEL: "loud" is not a log level (expected one of fatal, error, warn, info, debug, trace)',
    ],
  ])('%s=%j gives its message', (variable, value, message) => {
    expect(messages({ ...ports, [variable]: value })).toEqual([message]);
  });

  it('names a missing required variable', () => {
    expect(messages({ HOODY_HTTP_PORT: '1' })).toEqual([
      'HOODY_GRPC_PORT: is not set (expected an integer 1-65535, or 0 for any free port)',
    ]);
  });

  it('reports every wrong variable, one message each, in one error', () => {
    let caught: unknown;
    try {
      loadConfig(baseConfigSchema, { HOODY_GRPC_PORT: 'abc', HOODY_HTTP_PORT: 'x', HOODY_LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.issues.map((i) => i.variable)).toEqual(['HOODY_GRPC_PORT', 'HOODY_HTTP_PORT', 'HOODY_LOG_LEVEL']);
    expect(error.issues[0].received).toBe('"abc"');
    expect(error.message.split('\n')).toEqual([
      'Invalid configuration (3 environment variables):',
      '  HOODY_GRPC_PORT: "abc" is not a port (expected an integer 1-65535, or 0 for any free port)',
      '  HOODY_HTTP_PORT: "x" is not a port (expected an integer 1-65535, or 0 for any free port)',
      '  HOODY_LOG_LEVEL: "loud" is not a log level (expected one of fatal, error, warn, info, debug, trace)',
    ]);
  });
});

describe('loadConfig with a service schema', () => {
  const schema = baseConfigSchema.extend({
    HOODY_GRPC_PORT: envPort().default(50052),
    HOODY_HTTP_PORT: envPort().default(8082),
    JOIN_TOKEN_TTL_S: envInt(1, 86_400).default(3_600),
    AGENT_TLS: envBoolean().default(false),
    AGENT_SECRET: z.string().min(32),
    REGION: z.enum(['eu', 'us']).optional(),
  });

  it('extends the base with defaults of its own', () => {
    expect(loadConfig(schema, { AGENT_SECRET: 'x'.repeat(32), AGENT_TLS: 'yes' })).toMatchObject({
      HOODY_GRPC_PORT: 50052,
      HOODY_HTTP_PORT: 8082,
      JOIN_TOKEN_TTL_S: 3_600,
      AGENT_TLS: true,
      REGION: undefined,
    });
  });

  it('phrases plain zod failures the same way and hides secrets', () => {
    expect(messages({ JOIN_TOKEN_TTL_S: '0', AGENT_TLS: 'maybe', AGENT_SECRET: 'short', REGION: 'mars' }, schema)).toEqual([
      'JOIN_TOKEN_TTL_S: "0" is not an integer in range (expected an integer 1-86400)',
      'AGENT_TLS: "maybe" is not a boolean (expected true or false)',
      'AGENT_SECRET: (hidden, 5 characters) is invalid (Too small: expected string to have >=32 characters)',
      'REGION: "mars" is not one of "eu", "us"',
    ]);
    expect(messages({}, schema)).toEqual(['AGENT_SECRET: is not set']);
  });
});
