// POST /inserts-stream: a first line {"target": NAME}, then one JSON object a line, each a
// row to insert (column names to values), for as long as the client keeps the request open.
// Each row is acknowledged in order, {"status":"ok","seq":n}, or, when it can't be inserted
// (malformed JSON, an unknown column, a value that doesn't fit its type, a missing table
// key), answered {"status":"error","seq":n,"error_code","message"}; the stream goes on with
// the next row either way. Values are read as ksqlDB reads JSON (runtime/serde/json-read),
// exactly: a BIGINT above 2^53 or a DECIMAL keeps its digits.

import type { SourceInfo } from '../../runtime/engine/api.js';
import { ERROR_CODES } from '../../runtime/rest/entities.js';
import { parseJsonExact } from '../../runtime/serde/json-exact.js';
import { isJsonObject, jsonReader, type JsonReader } from '../../runtime/serde/json-read.js';
import { BIGINT } from '../../planner/types.js';
import { headlessMessage, type ServerContext } from './context.js';
import { badRequest, forbidden, requireString } from './errors.js';
import { bodyLines, parseJsonObject, type Exchange } from './exchange.js';
import { FramedWriter, framingFor } from './framing.js';

export async function handleInsertsStream(ex: Exchange, server: ServerContext): Promise<void> {
  if (server.headlessFile !== undefined) throw forbidden(headlessMessage(server.headlessFile));
  const lines = bodyLines(ex.req, server.maxBodyBytes);
  const first = await lines.next();
  if (first.done || first.value === undefined) throw badRequest('An inserts stream starts with a line {"target": "STREAM_NAME"}');
  const target = requireString(parseJsonObject(first.value, 'inserts stream arguments'), 'target');
  const source = targetSource(server, target);
  const out = new FramedWriter(ex, framingFor(ex));
  ex.begin(200, out.framing.contentType);
  const reader = new RowReader(source);
  let seq = 0;
  for await (const line of lines) {
    const n = seq++;
    let ack: Record<string, unknown>;
    try {
      if (line === undefined) throw new Error(`The row exceeds the limit of ${server.maxBodyBytes} bytes`);
      await server.engine.insertRow(source.name, reader.read(line));
      ack = { status: 'ok', seq: n };
    } catch (e) {
      ack = { status: 'error', seq: n, error_code: ERROR_CODES.BAD_REQUEST, message: e instanceof Error ? e.message : String(e) };
    }
    if (ex.clientGone) return;
    await out.write(JSON.stringify(ack));
  }
  out.end();
}

/** The stream or table named: as written when it exists so, else upper-cased (unquoted). */
function targetSource(server: ServerContext, target: string): SourceInfo {
  const quoted = /^`(.+)`$/.exec(target);
  const name = quoted ? quoted[1]! : target;
  const source = server.engine.source(name) ?? (quoted ? undefined : server.engine.source(name.toUpperCase()));
  if (source === undefined) throw badRequest(`Cannot insert into an unknown stream/table: ${target}`);
  if (source.isSource) throw badRequest(`Cannot insert into read-only ${source.type.toLowerCase()}: ${source.name}`);
  return source;
}

/** One JSON line → column values, with one compiled reader per column. */
class RowReader {
  private readonly readers = new Map<string, JsonReader>();

  constructor(private readonly source: SourceInfo) {
    for (const c of source.columns) if (c.role === 'KEY' || c.role === 'VALUE') this.readers.set(c.name, jsonReader(c.type, true));
    this.readers.set('ROWTIME', jsonReader(BIGINT, true));
  }

  read(line: string): Map<string, unknown> {
    let parsed: unknown;
    try {
      parsed = parseJsonExact(line);
    } catch (e) {
      throw new Error(`Malformed JSON row: ${(e as Error).message}`);
    }
    if (!isJsonObject(parsed)) throw new Error('A row must be a JSON object of column names to values');
    const row = new Map<string, unknown>();
    for (const [key, value] of Object.entries(parsed)) {
      // As ksqlDB reads JSON fields: the declared name exactly, else the key upper-cased.
      const name = this.readers.has(key) ? key : key.toUpperCase();
      const read = this.readers.get(name);
      if (read === undefined) throw new Error(`Column name ${key} does not exist in ${this.source.name}`);
      row.set(name, read(value));
    }
    return row;
  }
}
