// The backend over an Engine in this process. Results go through the same entity mapping the
// server uses (runtime/rest/entities.ts), so embedded and remote sessions print alike.

import { Engine } from '../../runtime/engine/engine.js';
import type { EngineOptions, StatementResult } from '../../runtime/engine/api.js';
import { ksqlEntity } from '../../runtime/rest/entities.js';
import { ksqlTypeName, restRow } from '../../runtime/rest/values.js';
import type { Backend, CatalogSource, PushStream, ResultView } from './backend.js';

export class EmbeddedBackend implements Backend {
  readonly description: string;
  private readonly engine: Engine;

  constructor(options: EngineOptions) {
    this.engine = new Engine(options);
    this.description = options.memory ? 'embedded, in memory' : `embedded on ${options.dataDir ?? './sluice-data'}`;
  }

  async open(): Promise<void> {
    // log() waits for the engine to open: an unusable data directory fails here, not later.
    await this.engine.log();
  }

  async execute(statement: string): Promise<ResultView[]> {
    const results = await this.engine.execute(statement);
    return results.map((r) => this.view(r));
  }

  async pull(statement: string): Promise<ResultView> {
    const views = await this.execute(statement);
    return views[0] ?? { kind: 'status', statementText: statement, message: '' };
  }

  async push(statement: string, kind: 'query' | 'print'): Promise<PushStream> {
    const handle = await this.engine.query(statement);
    const types = handle.columns;
    return {
      columns: types.map((c) => ({ name: c.name, type: ksqlTypeName(c.type) })),
      lines: kind === 'print',
      close: () => handle.close(),
      async *[Symbol.asyncIterator]() {
        for await (const row of handle) yield restRow(row, types);
      },
    };
  }

  async variables(): Promise<ReadonlyMap<string, string>> {
    const [result] = await this.engine.execute('SHOW VARIABLES;');
    return new Map(result?.type === 'variables' ? Object.entries(result.variables) : []);
  }

  async catalog(): Promise<readonly CatalogSource[]> {
    await this.engine.log();
    return this.engine.sources().map((s) => ({ name: s.name, columns: s.columns.map((c) => c.name) }));
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  private view(r: StatementResult): ResultView {
    switch (r.type) {
      case 'rows':
        return {
          kind: 'rows',
          statementText: r.statementText,
          columns: r.columns.map((c) => ({ name: c.name, type: ksqlTypeName(c.type) })),
          rows: r.rows.map((row) => restRow(row, r.columns)),
        };
      case 'print':
        return { kind: 'lines', statementText: r.statementText, lines: r.lines };
      default: {
        const entity = ksqlEntity(r, { queries: this.engine.queries(), sources: this.engine.sources() });
        if (entity) return { kind: 'entity', entity };
        // ksqlDB gives these no entity; the engine's status line still tells the user it worked.
        return { kind: 'status', statementText: r.statementText, message: r.type === 'currentStatus' ? r.message : '' };
      }
    }
  }
}
