// POST /ksql {ksql, streamsProperties, sessionVariables}: runs a script's statements in order
// and answers with one ksqlDB entity per statement (runtime/rest maps them), or, at the first
// failure, the error entity carrying the entities of the statements before it. Queries
// (SELECT, PRINT) belong to /query and /query-stream, and are refused here as in ksqlDB.
// Statements run one at a time, so that each one's command sequence number is known.

import { splitStatements, type StatementText } from '../../grammar/index.js';
import type { StatementResult } from '../../runtime/engine/api.js';
import { toSluiceError } from '../../runtime/engine/errors.js';
import { errorEntity, ksqlEntity, type KsqlEntity } from '../../runtime/rest/entities.js';
import { entityContext, headlessMessage, type ServerContext } from './context.js';
import { forbidden, queryEndpointError, requireString, StatementFailure, stringMap } from './errors.js';
import type { Exchange } from './exchange.js';
import { classify, positioned } from './statements.js';

export async function handleKsql(ex: Exchange, server: ServerContext): Promise<void> {
  const body = await ex.jsonBody();
  const ksql = requireString(body, 'ksql');
  const scope = { properties: stringMap(body, 'streamsProperties'), variables: stringMap(body, 'sessionVariables') };
  if (server.headlessFile !== undefined) throw forbidden(headlessMessage(server.headlessFile));
  let pieces: StatementText[];
  try {
    pieces = splitStatements(ksql);
  } catch (e) {
    throw new StatementFailure(errorEntity(toSluiceError(e, ksql, undefined), ksql));
  }
  const entities = await server.gate.run(scope, async (engine) => {
    const out: KsqlEntity[] = [];
    for (const piece of pieces) {
      const kind = classify(piece.text, scope.variables).kind;
      if (kind === 'pull' || kind === 'push' || kind === 'print') throw queryEndpointError(piece.text, out);
      const before = await server.commands.next();
      let results: StatementResult[];
      try {
        results = await engine.execute(positioned(piece));
      } catch (e) {
        throw new StatementFailure(errorEntity(e, piece.text, out));
      }
      const after = await server.commands.next();
      const sequence = after > before ? after - 1 : -1;
      for (const result of results) {
        if (result.type === 'rows' || result.type === 'print') throw queryEndpointError(piece.text, out);
        const entity = ksqlEntity(withPushQueries(result, server), entityContext(server, sequence));
        if (entity === undefined) continue;
        if (entity['@type'] === 'currentStatus' && sequence >= 0) {
          server.commands.ranCommand(String(entity['commandId']), entity['commandStatus'] as { status: string; message: string; queryId: string | null }, sequence);
        }
        out.push(entity);
      }
    }
    return out;
  });
  ex.send(200, entities);
}

/** SHOW QUERIES lists the server's push queries too, as ksqlDB's does. */
function withPushQueries(result: StatementResult, server: ServerContext): StatementResult {
  if (result.type !== 'queries' || server.push.size === 0) return result;
  return { ...result, queries: [...result.queries, ...server.push.infos()] };
}
