// The Engine facade: the one entry point for the CLI, REPL, server, tests and benchmarks.
//   const engine = new Engine({ dataDir: './sluice-data' });
//   await engine.execute("CREATE STREAM ...; CREATE STREAM b AS SELECT ...;");
//   for await (const row of engine.query('SELECT * FROM b EMIT CHANGES LIMIT 3;')) ...
//   await engine.close();

import { readFile } from 'node:fs/promises';
import { assertNever, type Position, type Statement } from '../../grammar/ast.js';
import { parseStatement, splitStatements, substituteVariables } from '../../grammar/index.js';
import { analyzeQuery } from '../../planner/analyze/query.js';
import type { SourceInfo } from '../../planner/catalog.js';
import { plannerConfig, type PlannerConfig } from '../../planner/config.js';
import { SemanticError } from '../../planner/errors.js';
import { defaultRegistry } from '../functions/registry.js';
import { EmbeddedLog } from '../log/embedded/embedded-log.js';
import type { Log } from '../log/log.js';
import { queryInfo, type PersistentQuery } from '../query/persistent-query.js';
import { PROCESSING_LOG_SOURCE } from '../query/processing-log.js';
import { runTransientQuery, type QueryHandle } from '../query/push-query.js';
import type { EngineOptions, QueryInfo, StatementResult } from './api.js';
import { SluiceError } from './api.js';
import { CommandLog } from './command-log.js';
import { offsetReset, type EngineContext } from './context.js';
import { toSluiceError } from './errors.js';
import { MetaStore } from './metastore.js';
import { alterSource, createSource, createType, dropSource, dropType, status } from './statements/ddl.js';
import { insertValues } from './statements/insert-values.js';
import { describe, describeFunction, explain, show } from './statements/metadata.js';
import { createAsSelect, insertInto, terminate } from './statements/persistent.js';
import { print, printLive } from './statements/print.js';
import { STRING } from '../../planner/types.js';
import { isKeyLookup, orderAndPage, runPullQuery } from '../materialize/pull-query.js';
import { runPullJoin } from '../materialize/pull-join.js';
import { findJoin } from '../query/join-pipeline.js';
import { sourceSteps } from '../../planner/steps.js';
import { isAggregation } from '../query/aggregate-pipeline.js';
import { buildPipeline, type Pipeline } from '../query/pipeline.js';
import type { MaterializedTable } from '../materialize/materialized-table.js';

export type { QueryHandle } from '../query/push-query.js';

interface CachedPull {
  readonly version: number;
  /** The table-scan setting the plan was checked under: a SET of it must re-check. */
  readonly scanSetting: string;
  readonly stmt: Extract<Statement, { kind: 'QueryStatement' }>;
  readonly analyzed: ReturnType<typeof analyzeQuery>;
  readonly table: MaterializedTable;
  readonly pipeline: Pipeline | undefined;
}

export class Engine {
  private readonly ready: Promise<EngineContext>;
  private ctx: EngineContext | undefined;
  private closed = false;
  /** Pull-query plans by statement text (bounded; dropped when the catalog changes). */
  private readonly pullCache = new Map<string, CachedPull>();

  constructor(private readonly options: EngineOptions = {}) {
    this.ready = this.init();
    // A failed open surfaces on the first call; don't let it become an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  private async init(): Promise<EngineContext> {
    const log: Log =
      this.options.log ??
      (this.options.memory ? EmbeddedLog.open({ memory: true }) : EmbeddedLog.open({ dataDir: this.options.dataDir ?? './sluice-data' }));
    const metastore = new MetaStore(defaultRegistry());
    const properties = new Map(Object.entries(this.options.properties ?? {}));
    const commandLog = new CommandLog(log);
    const ctx: EngineContext = {
      log,
      metastore,
      commandLog,
      queries: new Map<string, PersistentQuery>(),
      materialized: new Map(),
      materializers: new Map(),
      properties,
      variables: new Map(),
      restoring: false,
      nextQueryNumber: 0,
      plannerConfig: (): PlannerConfig => plannerConfig(Object.fromEntries(properties)),
      executeText: (text) => this.executeIn(ctx, text),
    };
    if (!(await log.describeTopic(PROCESSING_LOG_SOURCE.topic))) {
      await log.createTopic(PROCESSING_LOG_SOURCE.topic, { partitions: 1, replicas: 1 });
    }
    metastore.putSource(PROCESSING_LOG_SOURCE);
    await commandLog.ensure();
    await this.restore(ctx);
    this.ctx = ctx;
    return ctx;
  }

  /** Replays the command log: the catalog comes back and every query resumes where it committed. */
  private async restore(ctx: EngineContext): Promise<void> {
    const commands = await ctx.commandLog.readAll();
    if (commands.length === 0) return;
    ctx.restoring = true;
    const saved = new Map(ctx.properties);
    try {
      for (const cmd of commands) {
        ctx.properties.clear();
        for (const [k, v] of Object.entries(cmd.properties)) ctx.properties.set(k, v);
        const stmt = parseStatement(cmd.sql);
        await this.dispatch(ctx, stmt, cmd.sql, cmd.queryId);
      }
    } finally {
      ctx.properties.clear();
      for (const [k, v] of saved) ctx.properties.set(k, v);
      ctx.restoring = false;
    }
  }

  /** Executes a script: statement by statement, stopping at the first error (thrown as SluiceError). */
  async execute(sql: string): Promise<StatementResult[]> {
    const ctx = await this.ready;
    return this.executeIn(ctx, sql);
  }

  private async executeIn(ctx: EngineContext, sql: string): Promise<StatementResult[]> {
    const results: StatementResult[] = [];
    let pieces: { text: string; start: Position }[];
    try {
      pieces = splitStatements(sql);
    } catch (e) {
      throw toSluiceError(e, sql, undefined);
    }
    for (const piece of pieces) {
      let text = piece.text;
      try {
        if ((ctx.properties.get('ksql.variable.substitution.enable') ?? 'true') !== 'false') {
          text = substituteVariables(text, ctx.variables, piece.start);
        }
        // Pull queries repeat: a statement seen before, against an unchanged catalog, reuses its plan.
        const cached = this.pullCache.get(text.trim());
        if (
          cached &&
          cached.version === ctx.metastore.version &&
          cached.scanSetting === `${ctx.properties.get('ksql.query.pull.table.scan.enabled')}/${ctx.properties.get('ksql.query.pull.range.scan.enabled')}` &&
          ctx.materialized.get(cached.analyzed.source.name) === cached.table
        ) {
          results.push(this.runCachedPull(ctx, cached, text.trim()));
          continue;
        }
        const stmt = parseStatement(text, piece.start);
        results.push(await this.dispatch(ctx, stmt, text.trim(), undefined));
      } catch (e) {
        const err = toSluiceError(e, text, piece.start);
        (err as SluiceError & { results?: StatementResult[] }).results = results;
        throw err;
      }
    }
    return results;
  }

  private async dispatch(ctx: EngineContext, stmt: Statement, text: string, restoredId: string | undefined): Promise<StatementResult> {
    switch (stmt.kind) {
      case 'CreateSource':
        return createSource(ctx, stmt, text);
      case 'CreateAsSelect':
        return createAsSelect(ctx, stmt, text, restoredId);
      case 'InsertInto':
        return insertInto(ctx, stmt, text, restoredId);
      case 'InsertValues':
        return insertValues(ctx, stmt, text);
      case 'QueryStatement':
        return this.pullQuery(ctx, stmt, text);
      case 'DropSource':
        return dropSource(ctx, stmt, text);
      case 'CreateType':
        return createType(ctx, stmt, text);
      case 'DropType':
        return dropType(ctx, stmt, text);
      case 'AlterSource':
        return alterSource(ctx, stmt, text);
      case 'Show':
        return show(ctx, stmt, text);
      case 'Describe':
        return describe(ctx, stmt, text);
      case 'DescribeFunction':
        return describeFunction(ctx, stmt, text);
      case 'Explain':
        return explain(ctx, stmt, text);
      case 'Terminate':
        return terminate(ctx, stmt, text);
      case 'Print':
        return print(ctx, stmt, text);
      case 'SetProperty':
        ctx.properties.set(stmt.name, stmt.value);
        return status(text, `Successfully set property ${stmt.name} to ${stmt.value}`);
      case 'UnsetProperty':
        ctx.properties.delete(stmt.name);
        return status(text, `Successfully unset property ${stmt.name}`);
      case 'DefineVariable':
        ctx.variables.set(stmt.name, stmt.value);
        return status(text, `Defined variable ${stmt.name} as '${stmt.value}'`);
      case 'UndefineVariable':
        if (!ctx.variables.delete(stmt.name)) {
          return status(text, `Variable '${stmt.name}' is not defined`);
        }
        return status(text, `Undefined variable ${stmt.name}`);
      case 'RunScript': {
        let content: string;
        try {
          content = await readFile(stmt.path, 'utf8');
        } catch (e) {
          throw new SemanticError(`Cannot read script '${stmt.path}': ${(e as Error).message}`, stmt.span);
        }
        const results = await ctx.executeText(content);
        return status(text, `Ran ${results.length} statement(s) from ${stmt.path}`);
      }
      default:
        return assertNever(stmt, 'statement');
    }
  }

  /** A SELECT given to execute(): on a stream, a bounded scan of what is there now. */
  private async pullQuery(ctx: EngineContext, stmt: Extract<Statement, { kind: 'QueryStatement' }>, text: string): Promise<StatementResult> {
    if (stmt.query.emit !== undefined) {
      throw new SemanticError('Push queries (EMIT CHANGES) stream their rows: run them with Engine.query()', stmt.span);
    }
    const analyzed = analyzeQuery(stmt.query, ctx.metastore, undefined);
    if (findJoin(analyzed.root) && sourceSteps(analyzed.root).every((st) => st.kind === 'TableSource')) {
      return {
        type: 'rows',
        statementText: text,
        columns: analyzed.schema.columns.map((c) => ({ name: c.name, type: c.type })),
        rows: runPullJoin(analyzed, stmt.query, ctx.metastore, (n) => ctx.materialized.get(n)),
      };
    }
    if (analyzed.source.type === 'TABLE') {
      const table = ctx.materialized.get(analyzed.source.name);
      if (!table) throw new SemanticError(`Table ${analyzed.source.name} is not materialised: pull queries need the embedded log`, stmt.span);
      if (String(ctx.properties.get('ksql.query.pull.table.scan.enabled') ?? 'true').toLowerCase() === 'false') {
        const keys = analyzed.source.columns.filter((c) => c.role === 'KEY').map((c) => c.name);
        // ksqlDB range-scans a key only when it is a single STRING key of an unwindowed table.
        const keyCols = analyzed.source.columns.filter((c) => c.role === 'KEY');
        const ranges =
          String(ctx.properties.get('ksql.query.pull.range.scan.enabled') ?? 'true').toLowerCase() !== 'false' &&
          keyCols.length === 1 &&
          keyCols[0]!.type.kind === 'STRING' &&
          analyzed.source.windowType === undefined;
        if (!isKeyLookup(stmt.query.where, keys, ranges)) {
          throw new SemanticError(
            'Query requires table scan to be enabled. Timeout and memory usage may be high if table is large. Table scans are disabled by ksql.query.pull.table.scan.enabled.',
            stmt.span,
          );
        }
      }
      const plan: CachedPull = {
        version: ctx.metastore.version,
        scanSetting: `${ctx.properties.get('ksql.query.pull.table.scan.enabled')}/${ctx.properties.get('ksql.query.pull.range.scan.enabled')}`,
        stmt,
        analyzed,
        table,
        pipeline: isAggregation(analyzed.root) ? undefined : buildPipeline(analyzed.root, ctx.metastore, undefined, 'pull'),
      };
      if (this.pullCache.size >= 1000) this.pullCache.clear();
      this.pullCache.set(text, plan);
      return this.runCachedPull(ctx, plan, text);
    }
    if (isAggregation(analyzed.root)) {
      throw new SemanticError('GROUP BY in a pull query on a stream is not supported yet: aggregate into a table, then query it', stmt.span);
    }
    const ordered = stmt.query.orderBy !== undefined || stmt.query.offset !== undefined;
    const handle = await runTransientQuery({
      root: analyzed.root,
      catalog: ctx.metastore,
      log: ctx.log,
      offsetReset: 'earliest',
      limit: ordered ? undefined : analyzed.limit,
      bounded: true,
      columns: analyzed.schema.columns,
      ...(analyzed.outputOrder ? { order: analyzed.outputOrder } : {}),
    });
    const rows: unknown[][] = [];
    for await (const r of handle) rows.push(r);
    return {
      type: 'rows',
      statementText: text,
      columns: handle.columns.map((c) => ({ name: c.name, type: c.type })),
      rows: ordered ? orderAndPage(rows, analyzed, stmt.query, ctx.metastore) : rows,
    };
  }

  /** Runs a pull query from its cached plan: no parsing, analysis or compilation. */
  private runCachedPull(ctx: EngineContext, plan: CachedPull, text: string): StatementResult {
    const { rows } = runPullQuery(plan.analyzed, plan.stmt.query, plan.table, ctx.metastore, plan.pipeline);
    return {
      type: 'rows',
      statementText: text,
      columns: plan.analyzed.schema.columns.map((c) => ({ name: c.name, type: c.type })),
      rows,
    };
  }

  /**
   * A push query as an async iterator of rows (key columns first, then values), honouring
   * `auto.offset.reset` (default latest). Break out of the loop, or call close(), to stop it.
   */
  async query(sql: string): Promise<QueryHandle> {
    const ctx = await this.ready;
    const pieces = splitStatements(sql);
    if (pieces.length !== 1) throw new SluiceError('query() takes exactly one SELECT statement', undefined, undefined, sql);
    let closedPrint = false;
    const piece = pieces[0]!;
    try {
      const text = substituteVariables(piece.text, ctx.variables);
      const stmt = parseStatement(text, piece.start);
      if (stmt.kind === 'Print') return printHandle(await printLive(ctx, stmt, () => closedPrint), () => (closedPrint = true));
      if (stmt.kind !== 'QueryStatement') throw new SemanticError('query() takes a SELECT or PRINT statement', stmt.span);
      if (stmt.query.orderBy || stmt.query.offset !== undefined) {
        throw new SemanticError('ORDER BY and OFFSET are only supported in pull queries', stmt.span);
      }
      const analyzed = analyzeQuery(stmt.query, ctx.metastore, undefined);
      return await runTransientQuery({
        root: analyzed.root,
        catalog: ctx.metastore,
        log: ctx.log,
        offsetReset: offsetReset(ctx),
        limit: analyzed.limit,
        bounded: stmt.query.emit === undefined,
        columns: analyzed.schema.columns,
        ...(analyzed.outputOrder ? { order: analyzed.outputOrder } : {}),
      });
    } catch (e) {
      throw toSluiceError(e, piece.text, piece.start);
    }
  }

  /** Runs every persistent query until all of them have consumed all their input. */
  async drain(): Promise<void> {
    const ctx = await this.ready;
    // Idle rounds that still aren't caught up mean a query can't make progress (e.g. it is
    // in ERROR): give up after a few rather than spin.
    let idle = 0;
    while (idle < 3) {
      let progressed = 0;
      const all_ = [...ctx.queries.values(), ...ctx.materializers.values()];
      for (const q of all_) progressed += await q.runOnce();
      if (progressed > 0) {
        idle = 0;
        continue;
      }
      let all = true;
      for (const q of all_) if (!(await q.caughtUp())) all = false;
      if (all) return;
      idle++;
    }
  }

  sources(): readonly SourceInfo[] {
    return this.ctx?.metastore.sources() ?? [];
  }
  source(name: string): SourceInfo | undefined {
    return this.ctx?.metastore.source(name);
  }
  queries(): readonly QueryInfo[] {
    return [...(this.ctx?.queries.values() ?? [])].map(queryInfo);
  }
  /** Per-query counts: records processed, records that failed (see SLUICE_PROCESSING_LOG), late records dropped. */
  queryStats(): readonly { id: string; processed: number; errors: number; late: number }[] {
    return [...(this.ctx?.queries.values() ?? [])].map((q) => ({
      id: q.id,
      processed: q.processedCount,
      errors: q.errorCount,
      late: q.lateRecords,
    }));
  }
  async log(): Promise<Log> {
    return (await this.ready).log;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let ctx: EngineContext;
    try {
      ctx = await this.ready;
    } catch {
      return;
    }
    for (const q of ctx.queries.values()) await q.stop();
    for (const q of ctx.materializers.values()) await q.stop();
    await ctx.log.close();
  }
}

/** PRINT through query(): one STRING column per line, streaming live. */
function printHandle(lines: AsyncGenerator<string>, close: () => void): QueryHandle {
  const handle: QueryHandle = {
    columns: [{ name: 'LINE', type: STRING, role: 'VALUE' }],
    next: async () => {
      const r = await lines.next();
      return r.done ? { done: true, value: undefined } : { done: false, value: [r.value] };
    },
    return: async () => {
      close();
      await lines.return(undefined);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return handle;
    },
    async close() {
      close();
      await lines.return(undefined);
    },
  };
  return handle;
}
