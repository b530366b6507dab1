// The backend over a server's REST API (ksqlDB's: a Sluice server or ksqlDB itself):
//   POST /ksql          statements; the answer is one entity per statement
//   POST /query-stream  SELECTs, pull and push: a header line, then one JSON array per row
//   POST /close-query   stops a push query
//   POST /query         PRINT, whose answer is text lines
// As ksqlDB's own CLI does, session state lives in the client: SET/UNSET properties go with
// every request, and DEFINE'd variables are substituted here before a statement is sent.

import type { Statement } from '../../grammar/ast.js';
import { parseStatement, substituteVariables } from '../../grammar/index.js';
import type { KsqlEntity } from '../../runtime/rest/entities.js';
import { parseJsonExact, type JsonValue } from '../../runtime/serde/json-exact.js';
import type { Backend, CatalogSource, PushStream, ResultView, ViewColumn } from './backend.js';
import { errorFromEntity, RestClient, type ServerAddress } from './rest-client.js';

const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';

/** Statements that may change the catalog: after one, completion re-reads it. */
const CATALOG_CHANGES: ReadonlySet<Statement['kind']> = new Set(['CreateSource', 'CreateAsSelect', 'DropSource', 'AlterSource']);

export class RemoteBackend implements Backend {
  readonly description: string;
  private readonly client: RestClient;
  private readonly properties = new Map<string, string>();
  private readonly vars = new Map<string, string>();
  private cachedCatalog: Promise<readonly CatalogSource[]> | undefined;

  constructor(address: ServerAddress) {
    this.client = new RestClient(address);
    this.description = `server ${this.client.url}`;
  }

  async open(): Promise<void> {
    await this.client.get('/info');
  }

  async execute(statement: string): Promise<ResultView[]> {
    const text = this.substitute(statement);
    const stmt = tryParse(text);
    const local = stmt && this.local(stmt, statement);
    if (local) return [local];
    if (stmt && CATALOG_CHANGES.has(stmt.kind)) this.cachedCatalog = undefined;
    const entities = (await this.client.post('/ksql', { ksql: terminated(text), streamsProperties: this.props() })) as KsqlEntity[];
    // ksqlDB answers INSERT VALUES with no entity at all; say what the embedded engine says,
    // so a script prints the same against either.
    if (entities.length === 0 && stmt?.kind === 'InsertValues') return [{ kind: 'status', statementText: statement.trim(), message: 'Inserted 1 row' }];
    return entities.map((entity) => ({ kind: 'entity', entity }));
  }

  async pull(statement: string): Promise<ResultView> {
    const stream = await this.push(statement, 'query');
    const rows: JsonValue[][] = [];
    for await (const row of stream) rows.push([...row]);
    return { kind: 'rows', statementText: statement.trim(), columns: stream.columns, rows };
  }

  async push(statement: string, kind: 'query' | 'print'): Promise<PushStream> {
    const sql = terminated(this.substitute(statement));
    return kind === 'print' ? this.print(sql) : this.query(sql);
  }

  async variables(): Promise<ReadonlyMap<string, string>> {
    return this.vars;
  }

  catalog(): Promise<readonly CatalogSource[]> {
    this.cachedCatalog ??= this.readCatalog().catch(() => []);
    return this.cachedCatalog;
  }

  async close(): Promise<void> {}

  private async query(sql: string): Promise<PushStream> {
    const response = await this.client.stream('/query-stream', { sql, properties: this.props() }, DELIMITED);
    const lines = response.lines[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error('/query-stream ended before its header');
    const header = parseLine(first.value) as { queryId?: string; columnNames?: string[]; columnTypes?: string[] };
    const columns: ViewColumn[] = (header.columnNames ?? []).map((name, i) => ({ name, type: header.columnTypes?.[i] ?? '' }));
    const client = this.client;
    let closed = false;
    return {
      columns,
      lines: false,
      async close() {
        if (closed) return;
        closed = true;
        // Ask the server to stop first, so it frees the query rather than notice a dead socket.
        if (header.queryId) await client.post('/close-query', { queryId: header.queryId }).catch(() => undefined);
        response.abort();
      },
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const next = await lines.next();
          if (next.done) return;
          const value = parseLine(next.value);
          if (Array.isArray(value)) yield value;
          // A mid-stream error object ends the query with that error.
          else if (value !== null && typeof value === 'object' && 'error_code' in value) throw errorFromEntity(value, 200);
        }
      },
    };
  }

  private async print(sql: string): Promise<PushStream> {
    const response = await this.client.stream('/query', { ksql: sql, streamsProperties: this.props() }, 'application/json');
    return {
      columns: [{ name: 'LINE', type: 'STRING' }],
      lines: true,
      close: async () => response.abort(),
      async *[Symbol.asyncIterator]() {
        for await (const line of response.lines) yield [line];
      },
    };
  }

  /** SET, UNSET, DEFINE, UNDEFINE and SHOW VARIABLES: the session's state, kept here. */
  private local(stmt: Statement, text: string): ResultView | undefined {
    const statementText = text.trim();
    const status = (message: string): ResultView => ({ kind: 'status', statementText, message });
    switch (stmt.kind) {
      case 'SetProperty':
        this.properties.set(stmt.name, stmt.value);
        return status(`Successfully set property ${stmt.name} to ${stmt.value}`);
      case 'UnsetProperty':
        this.properties.delete(stmt.name);
        return status(`Successfully unset property ${stmt.name}`);
      case 'DefineVariable':
        this.vars.set(stmt.name, stmt.value);
        return status(`Defined variable ${stmt.name} as '${stmt.value}'`);
      case 'UndefineVariable':
        return status(this.vars.delete(stmt.name) ? `Undefined variable ${stmt.name}` : `Variable '${stmt.name}' is not defined`);
      case 'Show':
        if (stmt.target !== 'VARIABLES') return undefined;
        return {
          kind: 'entity',
          entity: { '@type': 'variables', statementText, warnings: [], variables: [...this.vars].map(([name, value]) => ({ name, value })) },
        };
      default:
        return undefined;
    }
  }

  private substitute(statement: string): string {
    return this.vars.size === 0 ? statement : substituteVariables(statement, this.vars);
  }

  private props(): Record<string, string> {
    return Object.fromEntries(this.properties);
  }

  private async readCatalog(): Promise<readonly CatalogSource[]> {
    const names: string[] = [];
    for (const list of ['LIST STREAMS;', 'LIST TABLES;']) {
      const [entity] = (await this.client.post('/ksql', { ksql: list, streamsProperties: {} })) as KsqlEntity[];
      const sources = (entity?.['streams'] ?? entity?.['tables'] ?? []) as { name: string }[];
      names.push(...sources.map((s) => s.name));
    }
    const out: CatalogSource[] = [];
    for (const name of names) {
      const [entity] = (await this.client.post('/ksql', { ksql: `DESCRIBE \`${name}\`;`, streamsProperties: {} })) as KsqlEntity[];
      const fields = ((entity?.['sourceDescription'] as { fields?: { name: string }[] } | undefined)?.fields ?? []).map((f) => f.name);
      out.push({ name, columns: fields });
    }
    return out;
  }
}

function tryParse(text: string): Statement | undefined {
  try {
    return parseStatement(text);
  } catch {
    return undefined;
  }
}

function terminated(sql: string): string {
  return /;\s*$/.test(sql) ? sql : sql.trimEnd() + ';';
}

/** A streamed line: exact, so a BIGINT above 2^53 survives the trip. */
function parseLine(line: string): JsonValue {
  return parseJsonExact(line);
}
