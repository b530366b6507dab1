// `sluice server`: ksqlDB's REST API over HTTP/1.1 and cleartext HTTP/2 on one port, so
// existing ksqlDB clients and tools work unchanged. See the endpoint files for each API:
// ksql-endpoint.ts (/ksql), query-endpoint.ts (/query), query-stream-endpoint.ts
// (/query-stream), inserts-stream-endpoint.ts (/inserts-stream), info-endpoints.ts (/info,
// /healthcheck, /status, /close-query, /metrics).
//
//   const server = await startServer({ port: 8088, dataDir: './sluice-data' });
//   …
//   await server.close();

import { readFileSync } from 'node:fs';
import { Engine } from '../../runtime/engine/engine.js';
import { BasicAuthVerifier } from './auth.js';
import { CommandStatuses } from './commands.js';
import type { ServerContext } from './context.js';
import { EngineGate } from './gate.js';
import { runQueriesFile } from './headless.js';
import { listen } from './listener.js';
import { ServerMetrics } from './metrics.js';
import { PushQueries } from './push-queries.js';
import { router } from './router.js';

export interface ServerOptions {
  /** 8088 by default; 0 picks any free port. */
  readonly port?: number;
  /** 127.0.0.1 by default: other hosts only when told. */
  readonly host?: string;
  /** The embedded log's data directory (default ./sluice-data). */
  readonly dataDir?: string;
  /** A throwaway in-memory engine. */
  readonly memory?: boolean;
  /** Serve this engine instead of opening one; the server then leaves it open on close(). */
  readonly engine?: Engine;
  /** Users file for HTTP Basic authentication (see auth.ts and `sluice user add`). */
  readonly authFile?: string;
  /** Headless mode: run this file's statements at start, accept none over REST. */
  readonly queriesFile?: string;
  /** Largest request body (and, on /inserts-stream, largest row) in bytes; default 1 MiB. */
  readonly maxBodyBytes?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const DEFAULT_PORT = 8088;
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  // Read the users first: a bad users file must stop the server before it opens anything.
  const verifier = options.authFile === undefined ? undefined : new BasicAuthVerifier(options.authFile);
  const owned = options.engine === undefined;
  const engine = options.engine ?? new Engine(options.memory ? { memory: true } : { dataDir: options.dataDir ?? './sluice-data' });
  try {
    if (options.queriesFile !== undefined) await runQueriesFile(engine, options.queriesFile);
    const log = await engine.log();
    const commands = new CommandStatuses(log, await engine.commandTopic());
    await commands.catchUp();
    const push = new PushQueries();
    const server: ServerContext = {
      engine,
      gate: new EngineGate(engine),
      push,
      commands,
      metrics: new ServerMetrics(engine, () => push.size),
      headlessFile: options.queriesFile,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      version: packageVersion(),
    };
    const host = options.host ?? DEFAULT_HOST;
    const listener = await listen(router(server, verifier), options.port ?? DEFAULT_PORT, host);
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${listener.port}`,
      port: listener.port,
      close: () =>
        (closing ??= (async () => {
          push.closeAll();
          await listener.close();
          if (owned) await engine.close();
        })()),
    };
  } catch (e) {
    if (owned) await engine.close();
    throw e;
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
