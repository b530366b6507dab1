// A small test client for the server over real sockets, the same for both protocols:
// HTTP/1.1 through node:http (keep-alive) and cleartext HTTP/2 with prior knowledge through
// node:http2. A call opens a request whose body can be written in pieces and whose response
// can be read whole or line by line as it streams, so the same test runs over both.

import http from 'node:http';
import http2 from 'node:http2';
import type { Readable } from 'node:stream';

export type Protocol = 'http1' | 'http2';
export const PROTOCOLS: readonly Protocol[] = ['http1', 'http2'];

export interface Exchange {
  /** Writes a piece of the request body. */
  send(chunk: string): void;
  /** Ends the request body. */
  end(chunk?: string): void;
  /** The response status and headers (lower-case names). */
  readonly response: Promise<{ status: number; headers: Record<string, string> }>;
  /** The response body's lines as they arrive (empty lines skipped). */
  lines(): AsyncGenerator<string>;
  /** The whole response body. */
  text(): Promise<string>;
  /** Hangs up: closes the connection (HTTP/1.1) or resets the stream (HTTP/2). */
  abort(): void;
}

export interface Client {
  readonly protocol: Protocol;
  open(method: string, path: string, headers?: Record<string, string>): Exchange;
  /** A whole request: body in, status and body out. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Record<string, string>; text: string; json: unknown }>;
  close(): void;
}

export function client(url: string, protocol: Protocol): Client {
  return protocol === 'http1' ? http1Client(url) : http2Client(url);
}

function http1Client(url: string): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });
  const base = new URL(url);
  const c: Client = {
    protocol: 'http1',
    open(method, path, headers = {}) {
      const req = http.request({ host: base.hostname, port: base.port, method, path, headers, agent });
      req.on('error', () => undefined);
      const response = new Promise<http.IncomingMessage>((resolve, reject) => {
        req.once('response', resolve);
        req.once('error', reject);
      });
      return exchange(
        (chunk) => void req.write(chunk),
        (chunk) => void req.end(chunk),
        response.then((r) => ({ status: r.statusCode ?? 0, headers: flat(r.headers) })),
        response,
        () => req.destroy(),
      );
    },
    call: (method, path, body, headers) => whole(c, method, path, body, headers),
    close: () => agent.destroy(),
  };
  return c;
}

function http2Client(url: string): Client {
  const session = http2.connect(url);
  session.on('error', () => undefined);
  const c: Client = {
    protocol: 'http2',
    open(method, path, headers = {}) {
      const stream = session.request({ ':method': method, ':path': path, ...headers });
      stream.on('error', () => undefined);
      const response = new Promise<http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader>((resolve, reject) => {
        stream.once('response', resolve);
        stream.once('error', reject);
      });
      return exchange(
        (chunk) => void stream.write(chunk),
        (chunk) => void stream.end(chunk),
        response.then((h) => ({ status: Number(h[':status']), headers: flat(h as http.IncomingHttpHeaders) })),
        response.then(() => stream),
        () => stream.close(http2.constants.NGHTTP2_CANCEL),
      );
    },
    call: (method, path, body, headers) => whole(c, method, path, body, headers),
    close: () => session.destroy(),
  };
  return c;
}

function exchange(
  send: (chunk: string) => void,
  end: (chunk?: string) => void,
  response: Promise<{ status: number; headers: Record<string, string> }>,
  body: Promise<Readable>,
  abort: () => void,
): Exchange {
  // Reading starts at once so no data is missed; lines() and text() read from the buffer.
  const chunks: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  body.then(
    (stream) => {
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        chunks.push(d);
        wake?.();
      });
      const finish = (): void => {
        ended = true;
        wake?.();
      };
      stream.on('end', finish);
      stream.on('close', finish);
      stream.on('error', finish);
    },
    () => {
      ended = true;
      wake?.();
    },
  );
  // A request the test aborts on purpose rejects these; only a test that awaits them cares.
  response.catch(() => undefined);
  const waitForData = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  return {
    send,
    end,
    response,
    abort,
    async *lines() {
      let buffered = '';
      for (;;) {
        while (chunks.length > 0) buffered += chunks.shift();
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim() !== '') yield line;
        }
        // Data may have come while this generator was suspended at a yield.
        if (chunks.length > 0) continue;
        if (ended) break;
        await waitForData();
      }
      if (buffered.trim() !== '') yield buffered;
    },
    async text() {
      await response.catch(() => undefined);
      while (!ended) await waitForData();
      return chunks.splice(0).join('');
    },
  };
}

async function whole(
  c: Client,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string>; text: string; json: unknown }> {
  const ex = c.open(method, path, headers);
  ex.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  const { status, headers: h } = await ex.response;
  const text = await ex.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers: h, text, json };
}

function flat(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}
