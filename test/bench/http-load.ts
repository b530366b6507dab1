// What the HTTP benchmarks share: a server in a child process (http-server-child.ts) and
// HTTP/1.1 keep-alive requests to it. The pull benchmark's load comes through a minimal
// client on a raw socket (KeepAliveConnection): node:http's client costs more per request than
// the server does, and on two shared cores it would measure itself more than the server.

import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const SERVER_CHILD = fileURLToPath(new URL('./http-server-child.ts', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `sluice server` on `dataDir` in a child process; resolves once it listens. */
export function spawnServer(dataDir: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_CHILD, dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const onData = (d: Buffer): void => {
      stdout += d.toString();
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      const { url } = JSON.parse(stdout.slice(0, nl)) as { url: string };
      resolve({
        url,
        stop: async () => {
          child.stdin.end();
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening: ${stderr.trim()}`)));
  });
}

/** A keep-alive agent with one connection per concurrent client. */
export function keepAliveAgent(clients: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: clients });
}

/** POSTs a JSON body; resolves with the status and the whole body. */
export function post(agent: http.Agent, url: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const { hostname, port } = parsed(url);
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: hostname, port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const urls = new Map<string, URL>();
/** The load generator's own cost is part of what is measured: parse each URL once. */
function parsed(url: string): URL {
  let u = urls.get(url);
  if (u === undefined) urls.set(url, (u = new URL(url)));
  return u;
}

/** A streaming POST: calls `onLine` for each line of the response as it arrives. */
export function postStream(url: string, path: string, body: unknown, onLine: (line: string) => void): { close(): void; started: Promise<void> } {
  const { hostname, port } = new URL(url);
  let req: http.ClientRequest;
  const started = new Promise<void>((resolve, reject) => {
    req = http.request({ host: hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`${path} answered ${res.statusCode}`));
        return;
      }
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buffered += d;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line !== '') onLine(line);
        }
      });
      resolve();
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
  started.catch(() => undefined);
  return { close: () => req.destroy(), started };
}

/**
 * One HTTP/1.1 keep-alive connection sending one request at a time, written and parsed by
 * hand: requests carry a Content-Length, and so must the responses (the server's whole
 * replies do; a chunked one is an error here).
 */
export class KeepAliveConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private pending: { resolve: (r: { status: number; text: string }) => void; reject: (e: Error) => void } | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly host: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buffered = this.buffered.length === 0 ? d : Buffer.concat([this.buffered, d]);
      this.parse();
    });
    const fail = (e: Error): void => {
      this.pending?.reject(e);
      this.pending = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  static connect(url: string): Promise<KeepAliveConnection> {
    const { hostname, port } = parsed(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => resolve(new KeepAliveConnection(socket, `${hostname}:${port}`)));
      socket.once('error', reject);
    });
  }

  post(path: string, body: string): Promise<{ status: number; text: string }> {
    if (this.pending !== undefined) throw new Error('one request at a time on a connection');
    const payload = Buffer.from(body);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${this.host}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`,
      );
      this.socket.write(payload);
    });
  }

  private parse(): void {
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0 || this.pending === undefined) return;
    const head = this.buffered.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (length === null) {
      this.pending.reject(new Error(`a response without Content-Length: ${head}`));
      this.pending = undefined;
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.buffered.length < total) return;
    const text = this.buffered.subarray(end + 4, total).toString('utf8');
    this.buffered = this.buffered.subarray(total);
    const p = this.pending;
    this.pending = undefined;
    p.resolve({ status, text });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The server process's CPU time so far (user + system, seconds), from its /metrics. */
export async function serverCpuSeconds(url: string): Promise<number> {
  const agent = keepAliveAgent(1);
  try {
    const r = await new Promise<string>((resolve, reject) => {
      http.get(`${url}/metrics`, { agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    const m = /^process_cpu_seconds_total (\S+)$/m.exec(r);
    if (m === null) throw new Error('no process_cpu_seconds_total in /metrics');
    return Number(m[1]);
  } finally {
    agent.destroy();
  }
}
