// The `sluice` command: the REPL, scripts, one-off statements, the server, and its users.
// Arguments are parsed with node:util's parseArgs; HELP below lists every option.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { EngineOptions, KafkaEngineOptions } from '../runtime/engine/api.js';
import type { Backend } from './client/backend.js';
import type { Session } from './client/session.js';
import { OUTPUT_MODES, type OutputMode } from './format-result.js';
import { readSecret } from './secret.js';

// The engine, the REST client, ink and the server load only for the command that needs them:
// `--help` and `--version` answer at once, and `sluice server` doesn't load ink.

const HELP = `Usage:
  sluice [options]                    the interactive REPL (plain text when stdin is not a terminal)
  sluice -e 'STATEMENT; ...' [options]  runs the statements and exits
  sluice run FILE.sql [options]       runs a script, stopping at the first error (FILE:line:col)
  sluice server [server options]      serves ksqlDB's REST API (/ksql, /query-stream, ...)
  sluice user add NAME --auth FILE    adds a user (or changes a password) in a server's user file

Options:
  --data DIR            the embedded data directory (default ./sluice-data); also --data-dir
  --memory              an in-memory embedded log: nothing is kept
  --server URL          talk to a Sluice or ksqlDB server instead of a data directory
  --user NAME           basic-auth user for --server (or SLUICE_USER)
  --password PASSWORD   basic-auth password for --server (or SLUICE_PASSWORD)
  --output FORMAT       tabular (default) or json
  --kafka HOST:PORT,... Kafka mode: every topic in Kafka; local state in --data (state-<id>.db)
  --service-id ID       Kafka mode: instances with one id share catalog and queries (default 'default')
  --kafka-config FILE   Kafka mode: JSON passed to kafkajs, e.g. {"ssl": true, "sasl": {"mechanism":
                        "scram-sha-512", "username": "u", "password": "p"}} (also clientId, timeouts)
  --processing-guarantee G  Kafka mode: at_least_once (default) or exactly_once_v2
  -e, --execute SQL     the statements to run instead of the REPL
  -h, --help            this text
  -v, --version         the version

Server options:
  --port N              the port to listen on (default 8088; 0 picks a free one)
  --host HOST           the address to listen on
  --auth FILE           require basic auth, with the users in FILE (see 'sluice user add')
  --queries-file F.sql  headless: run F.sql at start and refuse statements over REST
  --advertised-url URL  Kafka mode: where the other instances reach this one's REST API, to
                        forward pull queries (default http://HOST:PORT when --port is not 0)
  (--data, --data-dir and --memory choose the server's data as above)

In the REPL, statements end with ';' and may span lines. HELP lists what else it takes.
`;

const OPTIONS = {
  data: { type: 'string' },
  'data-dir': { type: 'string' },
  memory: { type: 'boolean' },
  server: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  output: { type: 'string' },
  execute: { type: 'string', short: 'e' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  port: { type: 'string' },
  host: { type: 'string' },
  auth: { type: 'string' },
  'queries-file': { type: 'string' },
  kafka: { type: 'string' },
  'service-id': { type: 'string' },
  'kafka-config': { type: 'string' },
  'processing-guarantee': { type: 'string' },
  'advertised-url': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** A mistake in the command line: printed with a pointer to --help, exit code 2. */
class UsageError extends Error {}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function outputMode(values: Values): OutputMode {
  const o = (values.output ?? 'tabular').toLowerCase();
  const mode = OUTPUT_MODES.find((m) => m === o);
  if (!mode) throw new UsageError(`--output takes ${OUTPUT_MODES.join(' or ')}, not '${values.output}'`);
  return mode;
}

function dataDir(values: Values): string {
  if (values.data !== undefined && values['data-dir'] !== undefined && values.data !== values['data-dir']) {
    throw new UsageError('--data and --data-dir name the same thing: give one');
  }
  return values.data ?? values['data-dir'] ?? './sluice-data';
}

/** The engine's options: embedded on --data (or --memory), or Kafka mode with --kafka. */
function engineOptions(values: Values): EngineOptions {
  const local: EngineOptions = values.memory ? { memory: true } : { dataDir: dataDir(values) };
  if (values.kafka === undefined) {
    if (values['service-id'] !== undefined || values['kafka-config'] !== undefined || values['processing-guarantee'] !== undefined) {
      throw new UsageError('--service-id, --kafka-config and --processing-guarantee are for Kafka mode: add --kafka HOST:PORT');
    }
    return local;
  }
  const brokers = values.kafka.split(',').map((b) => b.trim()).filter((b) => b !== '');
  if (brokers.length === 0) throw new UsageError('--kafka takes HOST:PORT[,HOST:PORT...]');
  let config: Record<string, unknown> = {};
  if (values['kafka-config'] !== undefined) {
    try {
      config = JSON.parse(readFileSync(values['kafka-config'], 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new UsageError(`--kafka-config ${values['kafka-config']}: ${(e as Error).message}`);
    }
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new UsageError(`--kafka-config ${values['kafka-config']}: a JSON object of kafkajs options`);
    }
  }
  const guarantee = values['processing-guarantee'];
  return {
    ...local,
    kafka: { ...(config as Partial<KafkaEngineOptions>), brokers },
    ...(values['service-id'] !== undefined ? { serviceId: values['service-id'] } : {}),
    ...(guarantee !== undefined ? { properties: { 'processing.guarantee': guarantee } } : {}),
  };
}

async function backend(values: Values): Promise<Backend> {
  if (values['advertised-url'] !== undefined) throw new UsageError('--advertised-url is for sluice server: other instances forward pull queries to it');
  if (values.server !== undefined) {
    if (values.kafka !== undefined) throw new UsageError('--server talks to a server: --kafka is for the engine it runs');
    if (values.data !== undefined || values['data-dir'] !== undefined || values.memory) {
      throw new UsageError('--server talks to a server: --data, --data-dir and --memory are for embedded use');
    }
    const user = values.user ?? process.env['SLUICE_USER'];
    const password = values.password ?? process.env['SLUICE_PASSWORD'];
    const { RemoteBackend } = await import('./client/remote-backend.js');
    return new RemoteBackend({ url: values.server, ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}) });
  }
  const { EmbeddedBackend } = await import('./client/embedded-backend.js');
  return new EmbeddedBackend(engineOptions(values));
}

/** Runs against the backend, closing it whatever happens; the exit code. */
async function withSession(values: Values, work: (session: Session, b: Backend) => Promise<number>): Promise<number> {
  const b = await backend(values);
  try {
    await b.open();
    const { Session } = await import('./client/session.js');
    return await work(new Session(b), b);
  } finally {
    await b.close();
  }
}

/**
 * Kafka mode: the URL other instances forward pull queries to. The engine opens before the
 * server listens, so the default needs a known port: with --port 0 only --advertised-url names it.
 */
function withAdvertisedUrl(options: EngineOptions, values: Values, port: number): EngineOptions {
  const given = values['advertised-url'];
  if (options.kafka === undefined) {
    if (given !== undefined) throw new UsageError('--advertised-url is for Kafka mode: add --kafka HOST:PORT');
    return options;
  }
  if (given !== undefined) {
    let url: URL;
    try {
      url = new URL(given);
    } catch {
      throw new UsageError(`--advertised-url takes a URL such as http://host:8088, not '${given}'`);
    }
    // Forwarded requests go to the same paths (/query-stream) on it: a path prefix would be lost.
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
      throw new UsageError(`--advertised-url takes http://HOST:PORT or https://HOST:PORT, not '${given}'`);
    }
    return { ...options, advertisedUrl: url.origin };
  }
  if (port === 0) return options;
  // A wildcard address is where this server listens, not where others can reach it.
  const host = values.host === undefined ? '127.0.0.1' : values.host === '0.0.0.0' || values.host === '::' ? hostname() : values.host;
  return { ...options, advertisedUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}

async function serve(values: Values): Promise<number> {
  if (values.server !== undefined) throw new UsageError('sluice server serves a data directory: --server is for the REPL and run');
  const port = values.port === undefined ? 8088 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not '${values.port}'`);
  const { startServer } = await import('./server/index.js');
  const options = withAdvertisedUrl(engineOptions(values), values, port);
  // Kafka mode: the server serves an engine opened here, which it leaves open on close().
  const engine = options.kafka === undefined ? undefined : new (await import('../runtime/engine/engine.js')).Engine(options);
  const server = await startServer({
    port,
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(engine !== undefined ? { engine } : values.memory ? { memory: true } : { dataDir: dataDir(values) }),
    ...(values.auth !== undefined ? { authFile: values.auth } : {}),
    ...(values['queries-file'] !== undefined ? { queriesFile: values['queries-file'] } : {}),
  }).catch(async (e: unknown) => {
    await engine?.close(); // its Kafka connections would keep the process alive
    throw e;
  });
  process.stdout.write(`Sluice server listening on ${server.url} (Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  await engine?.close();
  return 0;
}

async function addUser(values: Values, name: string | undefined): Promise<number> {
  if (name === undefined) throw new UsageError('sluice user add NAME --auth FILE');
  if (values.auth === undefined) throw new UsageError('sluice user add needs --auth FILE: the user file the server reads');
  const password = await readSecret(`Password for ${name}: `);
  if (password === '') throw new UsageError('the password is empty');
  const { addUser: add } = await import('./server/auth.js');
  await add(values.auth, name, password);
  process.stdout.write(`User ${name} saved in ${values.auth}\n`);
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`sluice ${version()}\n`);
    return 0;
  }
  const mode = outputMode(values);
  const [command, ...rest] = positionals;
  const io = { stdout: process.stdout, stderr: process.stderr };
  switch (command) {
    case undefined:
      if (values.execute !== undefined) {
        const sql = values.execute;
        const { runPlainScript } = await import('./plain.js');
        return withSession(values, (session) => runPlainScript(session, sql, {}, io, mode));
      }
      const { runShell } = await import('./shell.js');
      return withSession(values, (session, b) =>
        runShell(session, {
          output: mode,
          banner: `Sluice ${version()}, ${b.description}. Type HELP for help, EXIT to leave.`,
        }),
      );
    case 'run': {
      const [file, ...extra] = rest;
      if (file === undefined || extra.length > 0) throw new UsageError('sluice run takes one FILE.sql');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        process.stderr.write(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
        return 1;
      }
      const { runPlainScript } = await import('./plain.js');
      return withSession(values, (session) => runPlainScript(session, text, { file }, io, mode));
    }
    case 'server':
      if (rest.length > 0) throw new UsageError(`sluice server takes no arguments, not '${rest.join(' ')}'`);
      return serve(values);
    case 'user':
      if (rest[0] !== 'add' || rest.length !== 2) throw new UsageError('sluice user add NAME --auth FILE');
      return addUser(values, rest[1]);
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  // Bad arguments (ours or parseArgs') and failures to open: one line each, never a stack trace.
  const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`sluice: ${e instanceof Error ? e.message : String(e)}\n${usage ? 'See sluice --help.\n' : ''}`);
  process.exitCode = usage ? 2 : 1;
}
