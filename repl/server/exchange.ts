// One request and its response, the same over HTTP/1.1 (node:http) and HTTP/2 (node:http2's
// compatibility API), so every endpoint is written once. It reads bodies under a size limit,
// streams responses with backpressure, and tells when the client has gone away.

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { stringifyJsonExact } from '../../runtime/serde/json-exact.js';
import { badRequest, HttpError, payloadTooLarge } from './errors.js';

export type RawRequest = IncomingMessage | Http2ServerRequest;
export type RawResponse = ServerResponse | Http2ServerResponse;

/** What both response kinds offer (their own typings differ too much to call through the union). */
interface Writable {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  readonly headersSent: boolean;
}

/**
 * A body larger than the limit is drained rather than cut off, so the client can read the
 * 413; past this many times the limit the connection is dropped instead.
 */
const DRAIN_FACTOR = 16;

export const JSON_TYPE = 'application/json';

export class Exchange {
  readonly method: string;
  readonly path: string;
  readonly http2: boolean;
  /** The authenticated user, once the server has checked the credentials. */
  user: string | undefined;
  /** The response status, once headers are out (0 before). */
  status = 0;
  private readonly res: Writable;
  private ended = false;
  private gone = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    readonly req: RawRequest,
    res: RawResponse,
    private readonly maxBodyBytes: number,
  ) {
    this.method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.path = q < 0 ? url : url.slice(0, q);
    this.http2 = req.httpVersionMajor === 2;
    this.res = res as unknown as Writable;
    // A client that resets mid-request makes the streams emit 'error'; 'close' handles it.
    req.on('error', () => undefined);
    (res as unknown as { on(e: 'error', l: () => void): void }).on('error', () => undefined);
    this.res.once('close', () => {
      if (this.ended) return;
      this.gone = true;
      for (const l of this.closeListeners.splice(0)) l();
    });
  }

  get headers(): IncomingHttpHeaders {
    return this.req.headers;
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  /** True once the client has closed the connection (or reset the stream) before the end. */
  get clientGone(): boolean {
    return this.gone;
  }

  /** Runs `listener` if the client goes away before the response ends. */
  onClientGone(listener: () => void): void {
    if (this.gone) listener();
    else if (!this.ended) this.closeListeners.push(listener);
  }

  /** The whole body, at most maxBodyBytes. */
  body(): Promise<Buffer> {
    const limit = this.maxBodyBytes;
    const declared = Number(this.header('content-length') ?? NaN);
    if (declared > limit * DRAIN_FACTOR) {
      this.req.resume();
      return Promise.reject(payloadTooLarge(limit));
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      this.req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) chunks.push(chunk);
        else if (size > limit * DRAIN_FACTOR) {
          this.req.removeAllListeners('data');
          this.req.resume();
          reject(payloadTooLarge(limit));
        }
      });
      this.req.once('end', () => (size > limit ? reject(payloadTooLarge(limit)) : resolve(Buffer.concat(chunks))));
      this.req.once('error', reject);
    });
  }

  /** The body as a JSON object: malformed JSON, or JSON that is not an object, is a 400. */
  async jsonBody(): Promise<Readonly<Record<string, unknown>>> {
    const text = (await this.body()).toString('utf8');
    return parseJsonObject(text, 'request body');
  }

  /** Response headers now, for a body that follows in pieces (chunked over HTTP/1.1). */
  begin(status: number, contentType: string, headers: Readonly<Record<string, string>> = {}): void {
    this.status = status;
    this.res.writeHead(status, { 'Content-Type': contentType, ...headers });
  }

  /** Writes a piece of the body; resolves when the client can take more (backpressure). */
  write(text: string): Promise<void> {
    if (this.gone || this.ended) return Promise.resolve();
    // Always bytes: node:http2 (Node 20) garbled string chunks queued while the request was
    // still streaming in (seen on /inserts-stream acks).
    if (this.res.write(Buffer.from(text))) return Promise.resolve();
    return new Promise((resolve) => {
      this.res.once('drain', resolve);
      this.onClientGone(resolve);
    });
  }

  end(text?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.closeListeners.length = 0;
    if (!this.gone) this.res.end(text === undefined ? undefined : Buffer.from(text));
  }

  /**
   * A whole response in one piece, with its Content-Length: no chunked encoding, one write.
   * If a stream had begun (headers out), the text can only be appended to it.
   */
  reply(status: number, contentType: string, text: string, headers: Readonly<Record<string, string>> = {}): void {
    if (this.ended || this.gone) return;
    if (this.res.headersSent) {
      this.end(`${text}\n`);
      return;
    }
    const body = Buffer.from(text);
    this.status = status;
    this.res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(body.length), ...headers });
    this.ended = true;
    this.closeListeners.length = 0;
    this.res.end(body);
  }

  /** A whole JSON response (bigints and exact decimals kept). */
  send(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
    this.reply(status, JSON_TYPE, stringifyJsonExact(body), headers);
  }

  /** An error response; a 413 over HTTP/1.1 also closes the connection, whose body was not read. */
  sendError(e: HttpError): void {
    const close: Record<string, string> = e.status === 413 && !this.http2 ? { Connection: 'close' } : {};
    this.send(e.status, e.entity(), { ...e.headers, ...close });
  }

  get headersSent(): boolean {
    return this.res.headersSent;
  }
}

export function parseJsonObject(text: string, what: string): Readonly<Record<string, unknown>> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw badRequest(`Malformed JSON in ${what}: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest(`The ${what} must be a JSON object`);
  return v as Readonly<Record<string, unknown>>;
}

/**
 * The body as newline-delimited lines, as they arrive (the inserts stream). A line longer
 * than `maxLineBytes` comes out as `undefined`, its bytes skipped, so one bad row doesn't end
 * the stream.
 */
export async function* bodyLines(req: RawRequest, maxLineBytes: number): AsyncGenerator<string | undefined> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversized = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      const end = nl < 0 ? chunk.length : nl;
      if (!oversized) {
        pendingBytes += end - from;
        if (pendingBytes > maxLineBytes) {
          oversized = true;
          pending = [];
        } else if (end > from) pending.push(chunk.subarray(from, end));
      }
      if (nl < 0) break;
      if (oversized) yield undefined;
      else {
        const line = Buffer.concat(pending).toString('utf8');
        if (line.trim() !== '') yield line;
      }
      pending = [];
      pendingBytes = 0;
      oversized = false;
      from = nl + 1;
    }
  }
  if (oversized) yield undefined;
  else {
    const last = Buffer.concat(pending).toString('utf8');
    if (last.trim() !== '') yield last;
  }
}

/** Whether the Accept header asks for `type` (exactly, ignoring parameters and weights). */
export function accepts(ex: Exchange, type: string): boolean {
  const accept = ex.header('accept');
  if (accept === undefined) return false;
  return accept.split(',').some((part) => part.split(';')[0]!.trim().toLowerCase() === type);
}

export { HttpError };
