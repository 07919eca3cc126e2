// The `hoody` command tree. Parsing it yields a plan (one API request and a view); nothing here
// does I/O, so argument handling is tested without a server.
import { Command, CommanderError, Option } from 'commander';
import { apiRoot } from '@hoody-ai/hoody-sdk';
import { authCommand } from './commands/auth';
import { containersCommand } from './commands/containers';
import { eventsCommand } from './commands/events';
import { networkCommand } from './commands/network';
import { poolsCommand } from './commands/pools';
import { prespawnCommand } from './commands/prespawn';
import { projectsCommand } from './commands/projects';
import { realmsCommand } from './commands/realms';
import { serversCommand } from './commands/servers';
import { snapshotsCommand } from './commands/snapshots';
import { storageCommand } from './commands/storage';
import { usersCommand } from './commands/users';
import type { Emit, Plan } from './options';
import { EXIT, type OutputFormat } from './render/render';

export const CLI_VERSION = '0.1.0';
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Globals {
  baseUrl: string;
  token: string | undefined;
  output: OutputFormat;
}

export interface Invocation extends Plan {
  globals: Globals;
}

export type Parsed =
  /** A command to run. */
  | { kind: 'call'; invocation: Invocation }
  /** Nothing to call: help, version, or a usage error (already worded). */
  | { kind: 'exit'; exitCode: number; stdout: string; stderr: string };

const HELP_AFTER = `
Environment:
  HOODY_BASE_URL   API origin (default ${DEFAULT_BASE_URL}); a realm host scopes every call to that realm
  HOODY_TOKEN      API token (hdy_…), sent as Authorization: Bearer <token>

Output: lists print as tables and single objects as "key  value" lines; --output json prints the
answer's data as JSON. Errors go to stderr as "Error <status> <CODE>: <message>".
Exit codes: 0 ok, 1 the API answered an error, 2 usage error, 3 the API could not be reached;
"containers exec" exits with the command's own exit code.

Examples:
  hoody containers create --project $PROJECT_ID --server-id $SERVER_ID --name web --hoody-kit
  hoody --base-url "https://$REALM_ID.api.hoody.icu" containers list
  hoody containers exec $CONTAINER_ID -- sh -c 'echo hello'`;

function buildProgram(emit: Emit, out: { stdout: string; stderr: string }): Command {
  const program = new Command('hoody')
    .description('Hoody: containers, projects, servers, pools, realms and tokens, from the command line')
    .version(CLI_VERSION, '-V, --version')
    .option('--base-url <url>', 'API origin, e.g. https://api.hoody.icu (env HOODY_BASE_URL)')
    .option('--token <token>', 'API token (env HOODY_TOKEN; prefer the variable: arguments show in ps)')
    .addOption(new Option('-o, --output <format>', 'table or json').choices(['table', 'json']).default('table'))
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (s) => (out.stdout += s),
      writeErr: (s) => (out.stderr += s),
    });

  for (const register of [
    containersCommand,
    projectsCommand,
    serversCommand,
    authCommand,
    usersCommand,
    poolsCommand,
    realmsCommand,
    networkCommand,
    storageCommand,
    snapshotsCommand,
    prespawnCommand,
    eventsCommand,
  ]) {
    register(program, emit); // subcommands made with .command() inherit exit and output handling
  }
  return program;
}

/** Parses `hoody` arguments (without `node` and the script) into what to call, or what to print. */
export function parseArgs(argv: readonly string[], env: Env): Parsed {
  const out = { stdout: '', stderr: '' };
  let plan: Plan | undefined;
  const program = buildProgram((p) => (plan = p), out);

  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    const asked = err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
    return { kind: 'exit', exitCode: asked ? EXIT.ok : EXIT.usage, stdout: out.stdout, stderr: out.stderr };
  }
  if (!plan) return { kind: 'exit', exitCode: EXIT.usage, stdout: out.stdout, stderr: out.stderr || program.helpInformation() };

  const o = program.opts<{ baseUrl?: string; token?: string; output: OutputFormat }>();
  const baseUrl = o.baseUrl ?? (env['HOODY_BASE_URL'] || DEFAULT_BASE_URL);
  try {
    apiRoot(baseUrl);
  } catch (err) {
    return { kind: 'exit', exitCode: EXIT.usage, stdout: '', stderr: `error: ${(err as Error).message}\n` };
  }
  const token = o.token ?? (env['HOODY_TOKEN'] || undefined);
  return { kind: 'call', invocation: { ...plan, globals: { baseUrl, token, output: o.output } } };
}
