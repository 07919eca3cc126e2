// Runs one `hoody` invocation: parse, call the API through the SDK, print.
import { type FetchLike, HoodyClient } from '@hoody-ai/hoody-sdk';
import { type Env, type Invocation, parseArgs } from './program';
import { type Output, renderError, renderResult } from './render/render';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Sends the invocation's request and renders the answer (or the error). */
export async function execute(invocation: Invocation, options: { fetch?: FetchLike } = {}): Promise<Output> {
  const { globals, request, view } = invocation;
  try {
    const client = new HoodyClient({ baseURL: globals.baseUrl, token: globals.token, fetch: options.fetch });
    const envelope = await client.send(request);
    return renderResult(view, envelope, globals.output);
  } catch (err) {
    return renderError(err, { baseUrl: globals.baseUrl, hasToken: Boolean(globals.token) });
  }
}

/** The whole command; resolves to the exit code. */
export async function run(argv: readonly string[], env: Env, io: Io, options: { fetch?: FetchLike } = {}): Promise<number> {
  const parsed = parseArgs(argv, env);
  const output = parsed.kind === 'exit' ? parsed : await execute(parsed.invocation, options);
  if (output.stdout) io.stdout(output.stdout);
  if (output.stderr) io.stderr(output.stderr);
  return output.exitCode;
}
