// HTTP to a Sluice (or ksqlDB) server: JSON requests, streamed newline-delimited responses,
// basic auth, and ksqlDB's error entities turned back into positioned SluiceErrors.

import { SluiceError } from '../../runtime/engine/api.js';

export interface ServerAddress {
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
}

export interface StreamedResponse {
  /** The body's lines as they arrive; empty lines are skipped. */
  readonly lines: AsyncIterable<string>;
  /** Aborts the request; the lines then end. */
  abort(): void;
}

export class RestClient {
  private readonly base: URL;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(address: ServerAddress) {
    this.base = new URL(address.url.endsWith('/') ? address.url : address.url + '/');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (address.user !== undefined) {
      headers['authorization'] = 'Basic ' + Buffer.from(`${address.user}:${address.password ?? ''}`).toString('base64');
    }
    this.headers = headers;
  }

  get url(): string {
    return this.base.href.replace(/\/$/, '');
  }

  async get(path: string): Promise<unknown> {
    const res = await this.send(path, { method: 'GET' });
    return parseBody(res.status, await res.text());
  }

  async post(path: string, body: unknown): Promise<unknown> {
    const res = await this.send(path, { method: 'POST', body: JSON.stringify(body) });
    return parseBody(res.status, await res.text());
  }

  /** A POST whose answer streams: the response's lines as they come. */
  async stream(path: string, body: unknown, accept: string): Promise<StreamedResponse> {
    const controller = new AbortController();
    const res = await this.send(path, { method: 'POST', body: JSON.stringify(body), signal: controller.signal, headers: { accept } });
    if (res.status >= 400 || res.body === null) {
      parseBody(res.status, await res.text());
      throw new Error(`${path} answered ${res.status} with no body`);
    }
    const stream = res.body;
    return {
      abort: () => controller.abort(),
      lines: (async function* () {
        const decoder = new TextDecoder();
        let pending = '';
        try {
          for await (const chunk of stream) {
            pending += decoder.decode(chunk as Uint8Array, { stream: true });
            let nl: number;
            while ((nl = pending.indexOf('\n')) >= 0) {
              const line = pending.slice(0, nl).trim();
              pending = pending.slice(nl + 1);
              if (line !== '') yield line;
            }
          }
        } catch (e) {
          // An abort is how close() stops a query: the end of the rows, not a failure.
          if (!controller.signal.aborted) throw e;
          return;
        }
        if (pending.trim() !== '') yield pending.trim();
      })(),
    };
  }

  private async send(path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    try {
      return await fetch(url, { ...init, headers: { ...this.headers, ...init.headers } });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new Error(`cannot reach ${this.url}: ${cause ?? (e as Error).message}`);
    }
  }
}

/** The JSON of a response; a 4xx/5xx becomes the error it describes. */
function parseBody(status: number, text: string): unknown {
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    if (status >= 400) throw new Error(`server answered ${status}: ${text.slice(0, 200)}`);
    throw new Error(`server answered with text that is not JSON: ${text.slice(0, 200)}`);
  }
  if (status === 401) throw new Error('the server refused the credentials (401): use --user and --password');
  if (status >= 400) throw errorFromEntity(json, status);
  const embedded = errorEntityIn(json);
  if (embedded) throw errorFromEntity(embedded, status);
  return json;
}

function errorEntityIn(json: unknown): Record<string, unknown> | undefined {
  const o = json as Record<string, unknown> | null;
  return o !== null && typeof o === 'object' && !Array.isArray(o) && typeof o['error_code'] === 'number' ? o : undefined;
}

/**
 * A ksqlDB error entity as a SluiceError. Syntax errors say where they are (`line 1:15: …`,
 * relative to the statement sent); other errors carry no position.
 */
export function errorFromEntity(json: unknown, status: number): Error {
  const o = errorEntityIn(json);
  if (!o) return new Error(`server answered ${status}`);
  const message = String(o['message'] ?? `error ${String(o['error_code'])}`);
  const at = /^line (\d+):(\d+): /.exec(message);
  const statementText = typeof o['statementText'] === 'string' ? o['statementText'] : undefined;
  if (at) return new SluiceError(message.slice(at[0].length), Number(at[1]), Number(at[2]), statementText);
  return new SluiceError(message, undefined, undefined, statementText);
}
