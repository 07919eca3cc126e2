import type { ServiceError, status } from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY } from '@hoody/contracts';
import { createServer, type AddressInfo } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (for a service process to listen on). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

/** How a gRPC call failed: its status, the REST machine code in its trailer, its message. Throws if it succeeded. */
export async function rpcFailure(call: Promise<unknown>): Promise<{ code: status; errorCode: unknown; details: string }> {
  const error = (await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  )) as ServiceError;
  return { code: error.code, errorCode: error.metadata?.get(ERROR_CODE_METADATA_KEY)[0], details: error.details };
}

/** Polls `probe` every 100 ms until it gives something other than undefined (errors count as not yet). */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
