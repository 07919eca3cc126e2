// `*.localhost` names are loopback (RFC 6761): curl and browsers resolve them so, Node's resolver
// does not (ENOTFOUND), and fetch gives no way to keep such a Host while connecting to 127.0.0.1.
// Realm hosts of a local platform look like `http://<realmId>.api.localhost:8080`, so requests to
// those go through node:http(s) with a loopback lookup; everything else uses fetch.
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { FetchLike } from './client';

/** `foo.localhost`, `507f….api.localhost` (not `localhost` itself, which every resolver knows). */
export function isLocalhostSubdomain(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname.endsWith('.localhost') || hostname.endsWith('.localhost.');
}

const LOOPBACK = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

const loopbackLookup = ((_hostname: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void) => {
  const family = options.family === 6 || options.family === 'IPv6' ? 6 : options.family === 4 || options.family === 'IPv4' ? 4 : 0;
  const candidates = family ? LOOPBACK.filter((a) => a.family === family) : LOOPBACK;
  if (options.all) callback(null, candidates);
  else callback(null, candidates[0].address, candidates[0].family);
}) as unknown as LookupFunction;

/** A `FetchLike` over node:http(s) that resolves every host to loopback, keeping the Host header. */
export const loopbackFetch: FetchLike = (url, init) => {
  const target = new URL(url);
  const mod = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      target,
      { method: init.method, headers: init.headers, lookup: loopbackLookup, signal: init.signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', text: async () => text });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
};
