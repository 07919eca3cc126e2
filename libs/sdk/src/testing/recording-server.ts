// A real HTTP server on 127.0.0.1:0 that records each request and answers what the test says.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The raw body ('' when none). */
  text: string;
  /** The body parsed as JSON, or undefined when there was none. */
  json: unknown;
}

export type Answer = { status: number; body?: unknown; text?: string; hang?: boolean };

export interface RecordingServer {
  readonly origin: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** What to answer next; the default echoes a 200 envelope. */
  answer: (request: RecordedRequest) => Answer;
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const hanging = new Set<() => void>();
  const state: RecordingServer = {
    origin: '',
    port: 0,
    requests,
    answer: () => ({ status: 200, body: { statusCode: 200, message: 'OK', data: null } }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const end of hanging) end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        text,
        json: text ? JSON.parse(text) : undefined,
      };
      requests.push(recorded);
      const answer = state.answer(recorded);
      if (answer.hang) {
        hanging.add(() => res.destroy());
        return;
      }
      const payload = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
      res.writeHead(answer.status, answer.text === undefined ? { 'content-type': 'application/json' } : { 'content-type': 'text/html' });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { port, origin: `http://127.0.0.1:${port}` });
}
