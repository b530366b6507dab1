// One port for HTTP/1.1 and cleartext HTTP/2 with prior knowledge (h2c, as ksqlDB's Java
// client speaks it). Each new connection's first bytes decide: the HTTP/2 connection preface
// ("PRI * HTTP/2.0…") goes to the node:http2 server, anything else to node:http. The bytes
// read to decide are put back on the socket first; node:http2 picks up data already buffered
// on a socket it is given.

import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { RawRequest, RawResponse } from './exchange.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** No HTTP/1.1 method starts with "PRI": three bytes tell the protocols apart. */
const SNIFF_BYTES = 3;

export interface Listener {
  readonly port: number;
  /** Stops accepting, then drops every open connection (push queries hold theirs open forever). */
  close(): Promise<void>;
}

export type RequestHandler = (req: RawRequest, res: RawResponse) => void;

export function listen(handler: RequestHandler, port: number, host: string): Promise<Listener> {
  const h1 = http.createServer(handler);
  // Inserts streams and push queries are long-lived requests: no whole-request deadline.
  h1.requestTimeout = 0;
  h1.keepAliveTimeout = 30_000;
  const h2 = http2.createServer({}, handler);
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.Http2Session>();
  // A broken session or stream concerns its client only: never the server.
  h2.on('sessionError', () => undefined);
  h2.on('session', (s) => {
    s.on('error', () => undefined);
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let seen = Buffer.alloc(0);
    // A client that hangs up before saying anything.
    const hangUp = (): void => void socket.destroy();
    const sniff = (): void => {
      let chunk: Buffer | null;
      while ((chunk = socket.read() as Buffer | null) !== null) seen = Buffer.concat([seen, chunk]);
      if (seen.length < SNIFF_BYTES) return;
      socket.off('readable', sniff);
      socket.off('end', hangUp);
      socket.unshift(seen);
      const n = Math.min(seen.length, PREFACE.length);
      const isH2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      (isH2 ? h2 : h1).emit('connection', socket);
    };
    socket.on('readable', sniff);
    socket.once('end', hangUp);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        close: async () => {
          const closed = new Promise<void>((r) => server.close(() => r()));
          for (const s of sessions) s.destroy();
          for (const s of sockets) s.destroy();
          h1.closeAllConnections();
          await closed;
        },
      });
    });
  });
}
