// The RQTT target over HTTP: a real `sluice server` on the case's engine, on a loopback port,
// reached with fetch like any ksqlDB client. Statements go to /ksql, queries to /query (as
// ksqlDB's RestTestExecutor sends them); responses are parsed from the wire, values exactly
// (a BIGINT above 2^53 keeps its digits), and the column types for comparing rows come from
// the header's schema string.

import { parseType } from '../../../grammar/index.js';
import { resolveType } from '../../../planner/resolve-type.js';
import type { SqlType } from '../../../planner/types.js';
import type { Engine } from '../../../runtime/engine/engine.js';
import type { KsqlEntity, KsqlErrorEntity, StreamedRow } from '../../../runtime/rest/entities.js';
import { parseJsonExact } from '../../../runtime/serde/json-exact.js';
import { startServer } from '../../../repl/server/index.js';
import { checkDeadline, delay } from '../run-case.js';
import type { ActualResponse } from './compare-responses.js';
import { InputFailure, PUSH_IDLE_MS, RestFailure, type RestTarget } from './run-case.js';

export async function httpTarget(engine: Engine): Promise<RestTarget> {
  const server = await startServer({ engine, port: 0 });
  const post = (path: string, body: unknown, signal?: AbortSignal): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });

  /** A non-200 answer is the statement's failure: its error entity and status. */
  const failIfError = async (res: Response): Promise<void> => {
    if (res.status === 200) return;
    const text = await res.text();
    let entity: KsqlErrorEntity;
    try {
      entity = JSON.parse(text) as KsqlErrorEntity;
    } catch {
      entity = { '@type': 'generic_error', error_code: res.status * 100, message: text };
    }
    throw new RestFailure(entity, res.status);
  };

  return {
    async admin(sql) {
      const res = await post('/ksql', { ksql: sql });
      await failIfError(res);
      return (await res.json()) as KsqlEntity[];
    },

    async pull(sql) {
      const res = await post('/query', { ksql: sql });
      await failIfError(res);
      const messages = parseJsonExact(await res.text()) as unknown as StreamedRow[];
      return { kind: 'query', messages, types: headerTypes(messages[0]) };
    },

    async push(sql, _query, startInputs, deadline) {
      const abort = new AbortController();
      try {
        const res = await post('/query', { ksql: sql }, abort.signal);
        await failIfError(res);
        const lines = responseLines(res);
        const header = await lines.next();
        if (header.done) throw new Error('the push query ended before its header');
        const messages: StreamedRow[] = [element(header.value)];
        if (startInputs !== undefined) {
          const failure = await startInputs();
          if (failure !== undefined) throw new InputFailure(failure);
        }
        // Rows until the LIMIT's final message, the end of the response, or PUSH_IDLE_MS without a line.
        const idle: unique symbol = Symbol('idle');
        for (;;) {
          checkDeadline(deadline);
          const next = await Promise.race([lines.next(), delay(PUSH_IDLE_MS).then((): typeof idle => idle)]);
          if (next === idle || next.done) break;
          messages.push(element(next.value));
          if ('finalMessage' in messages[messages.length - 1]!) break;
        }
        return { kind: 'query', messages, types: headerTypes(messages[0]) };
      } finally {
        // Hanging up ends the push query on the server, as a client closing its connection does.
        abort.abort();
      }
    },

    close: () => server.close(),
  };
}

/** The response body's lines, as they stream in (ksqlDB's /query writes one element a line). */
async function* responseLines(res: Response): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line !== '' && line !== ']') yield line;
    }
  }
  if (buffered.trim() !== '' && buffered.trim() !== ']') yield buffered.trim();
}

/** One line of the streamed array: `[{…},`, `{…},` or `{…}]` → the element. */
function element(line: string): StreamedRow {
  const text = line.replace(/^\[/, '').replace(/,$/, '').replace(/\]$/, '');
  return parseJsonExact(text) as unknown as StreamedRow;
}

/** The column types of a query's header (`\`ID\` BIGINT KEY, \`V\` STRING`). */
function headerTypes(header: StreamedRow | undefined): SqlType[] {
  if (header === undefined || !('header' in header)) return [];
  return splitColumns(header.header.schema).map((column) => {
    const type = column
      .replace(/^`(?:[^`]|``)*`\s*/, '')
      .replace(/\s+(KEY|HEADERS|HEADER\('(?:[^']|'')*'\))$/, '');
    return resolveType(parseType(type), () => undefined);
  });
}

/** A schema string's columns: split on commas outside <…>, (…) and backquotes. */
function splitColumns(schema: string): string[] {
  const columns: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of schema) {
    if (ch === '`') quoted = !quoted;
    else if (!quoted && (ch === '<' || ch === '(')) depth++;
    else if (!quoted && (ch === '>' || ch === ')')) depth--;
    if (ch === ',' && depth === 0 && !quoted) {
      columns.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') columns.push(current.trim());
  return columns;
}
