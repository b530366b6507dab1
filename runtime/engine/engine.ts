// The Engine facade: the one entry point for the CLI, REPL, server, tests and benchmarks.
//   const engine = new Engine({ dataDir: './sluice-data' });
//   await engine.execute("CREATE STREAM ...; CREATE STREAM b AS SELECT ...;");
//   for await (const row of engine.query('SELECT * FROM b EMIT CHANGES LIMIT 3;')) ...
//   await engine.close();

import { readFile } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { assertNever, type Position, type Statement } from '../../grammar/ast.js';
import { parseStatement, splitStatements, substituteVariables } from '../../grammar/index.js';
import { analyzeQuery } from '../../planner/analyze/query.js';
import type { SourceInfo } from '../../planner/catalog.js';
import { plannerConfig, type PlannerConfig } from '../../planner/config.js';
import { SemanticError } from '../../planner/errors.js';
import { defaultRegistry } from '../functions/registry.js';
import { EmbeddedLog } from '../log/embedded/embedded-log.js';
import { TopicExistsError, type Log } from '../log/log.js';
import { queryInfo, type PersistentQuery } from '../query/persistent-query.js';
import { PROCESSING_LOG_SOURCE } from '../query/processing-log.js';
import { runTransientQuery, type QueryHandle } from '../query/push-query.js';
import type { EngineOptions, QueryInfo, StatementResult } from './api.js';
import { SluiceError } from './api.js';
import { DEFAULT_SERVICE_ID, openBackend } from './backend.js';
import { fetchClusterId } from './cluster-id.js';
import { CommandFollower, reportOnStderr, skippedCommand, type FollowerStats } from './command-follower.js';
import { CommandLog, type Command } from './command-log.js';
import { offsetReset, type EngineContext } from './context.js';
import { toSluiceError } from './errors.js';
import { MetaStore } from './metastore.js';
import { alterSource, createSource, createType, dropSource, dropType, status } from './statements/ddl.js';
import { insertRow, insertValues } from './statements/insert-values.js';
import { describe, describeFunction, explain, show } from './statements/metadata.js';
import { createAsSelect, insertInto, resumeQueries, terminate } from './statements/persistent.js';
import { print, printLive } from './statements/print.js';
import { STRING } from '../../planner/types.js';
import { PullCache } from './statements/pull-cache.js';
import { explainPull, pullQuery, type PullPlanInfo } from './statements/pull.js';
import { ownershipOf, pullRouteOf, type PullRoute } from './statements/pull-route.js';
import type { TaskOwnership } from '../query/ownership.js';

export type { QueryHandle } from '../query/push-query.js';

export class Engine {
  private readonly ready: Promise<EngineContext>;
  private ctx: EngineContext | undefined;
  private closed = false;
  /** Pull-query plans by statement up to its literals (bounded; stale once the catalog changes). */
  private readonly pullCache = new PullCache();
  /** The Kafka cluster's id, once asked (see kafkaClusterId). */
  private clusterId: Promise<string | undefined> | undefined;
  /** Kafka mode: applies the commands other instances of the service append (command-follower.ts). */
  private follower: CommandFollower | undefined;
  /** Statements run one at a time, local and followed alike: see exclusive(). */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: EngineOptions = {}) {
    this.ready = this.init();
    // A failed open surfaces on the first call; don't let it become an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  private async init(): Promise<EngineContext> {
    const properties = new Map(Object.entries(this.options.properties ?? {}));
    const backend = await openBackend(this.options, properties);
    const { log } = backend;
    const metastore = new MetaStore(defaultRegistry());
    const commandLog = new CommandLog(log, backend.commandTopic);
    const ctx: EngineContext = {
      log,
      storage: backend.storage,
      groupId: (queryId) => backend.groupId(queryId),
      commitIntervalMs: backend.commitIntervalMs,
      scaleOut: backend.scaleOut,
      repartitionTopics: this.options.repartitionTopics ?? log.kind === 'kafka',
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
    try {
      if (!(await log.describeTopic(PROCESSING_LOG_SOURCE.topic))) {
        // Kafka mode's instances may start together: another one creating it first is fine.
        await log.createTopic(PROCESSING_LOG_SOURCE.topic, { partitions: 1, replicas: 1 }).catch(ignoreExists);
      }
      metastore.putSource(PROCESSING_LOG_SOURCE);
      await commandLog.ensure();
      const next = await this.restore(ctx);
      await resumeQueries(ctx);
      if (log.kind === 'kafka') {
        this.follower = new CommandFollower({ log, commandLog, from: next, apply: (cmd) => this.applyFollowed(ctx, cmd) });
      }
    } catch (e) {
      // close() cannot reach an engine that never opened: release its connections and files now.
      for (const q of [...ctx.queries.values(), ...ctx.materializers.values()]) await q.stop().catch(() => undefined);
      await log.close().catch(() => undefined);
      await backend.storage.close().catch(() => undefined);
      throw e;
    }
    this.ctx = ctx;
    this.follower?.start();
    return ctx;
  }

  /**
   * Replays the command log: the catalog comes back and every query resumes where it
   * committed. Returns the offset after the last command, where the follower takes over.
   */
  private async restore(ctx: EngineContext): Promise<number> {
    const { entries, next } = await ctx.commandLog.readToEnd();
    if (entries.length === 0) return next;
    // Kafka mode's instances append concurrently, so the topic may hold a command that failed
    // on the others (two created one stream at once): they skipped it, and so must a restart,
    // or the service could never start again. Embedded, every command succeeded here in order:
    // one that fails now means the data changed under it, which must not pass silently.
    const skipFailed = ctx.log.kind === 'kafka';
    ctx.restoring = true;
    try {
      for (const { offset, command } of entries) {
        try {
          if (command === undefined) throw new Error('not a command');
          await this.applyCommand(ctx, command);
        } catch (e) {
          if (!skipFailed) throw e;
          reportOnStderr(skippedCommand(ctx.commandLog.topic, offset, command, e));
        }
      }
    } finally {
      ctx.restoring = false;
    }
    return next;
  }

  /** Runs a command's statement as it ran where it was appended: under its properties and query id. */
  private async applyCommand(ctx: EngineContext, cmd: Command): Promise<void> {
    const saved = new Map(ctx.properties);
    ctx.properties.clear();
    for (const [k, v] of Object.entries(cmd.properties)) ctx.properties.set(k, v);
    try {
      await this.dispatch(ctx, parseStatement(cmd.sql), cmd.sql, cmd.queryId);
    } finally {
      ctx.properties.clear();
      for (const [k, v] of saved) ctx.properties.set(k, v);
    }
  }

  /**
   * A command another instance appended (Kafka mode): applied in its turn, and as a live
   * statement (its queries start at once), but not appended again.
   */
  private applyFollowed(ctx: EngineContext, cmd: Command): Promise<void> {
    return this.exclusive(() => ctx.commandLog.replaying(() => this.applyCommand(ctx, cmd)));
  }

  /**
   * Runs `body` after every statement before it has finished. The catalog, the query map and
   * the session properties are shared by all statements, and a followed command swaps the
   * properties for its own while it runs: two statements interleaved at an await would see
   * each other half-done.
   */
  private exclusive<T>(body: () => Promise<T>): Promise<T> {
    const result = this.turn.then(body);
    this.turn = result.catch(() => undefined);
    return result;
  }

  /** Executes a script: statement by statement, stopping at the first error (thrown as SluiceError). */
  async execute(sql: string): Promise<StatementResult[]> {
    const ctx = await this.ready;
    return this.exclusive(() => this.executeIn(ctx, sql));
  }

  /** Kafka mode: what this instance's command follower did so far (undefined embedded, where there is none). */
  commandStats(): FollowerStats | undefined {
    return this.follower?.stats;
  }

  /**
   * Resolves once every command the service's instances appended before this call has been
   * applied here (Kafka mode; at once embedded, where this engine appends them all).
   */
  async commandsApplied(): Promise<void> {
    await this.ready;
    await this.follower?.caughtUp();
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
        // Pull queries repeat: a statement seen before (up to its literals), against an
        // unchanged catalog, reruns its plan with its own literals.
        const cached = this.runCachedPull(ctx, text);
        if (cached) {
          results.push(cached);
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

  /** A SELECT given to execute(): see statements/pull.ts. */
  private async pullQuery(ctx: EngineContext, stmt: Extract<Statement, { kind: 'QueryStatement' }>, text: string): Promise<StatementResult> {
    return pullQuery(ctx, stmt, text, this.pullCache);
  }

  /** Runs a pull query from a cached plan (no parsing, analysis or compilation), or undefined. */
  private runCachedPull(ctx: EngineContext, text: string): StatementResult | undefined {
    return this.pullCache.run(ctx, text.trim());
  }

  /**
   * How a pull query would be answered: in SQLite as one SELECT (shown, with `?` for its
   * literals) or by the row pipeline in JavaScript. Runs nothing.
   */
  async explainPull(sql: string): Promise<PullPlanInfo> {
    const ctx = await this.ready;
    const pieces = splitStatements(sql);
    if (pieces.length !== 1) throw new SluiceError('explainPull() takes exactly one SELECT statement', undefined, undefined, sql);
    const piece = pieces[0]!;
    try {
      const substitute = (ctx.properties.get('ksql.variable.substitution.enable') ?? 'true') !== 'false';
      const text = substitute ? substituteVariables(piece.text, ctx.variables, piece.start) : piece.text;
      const stmt = parseStatement(text, piece.start);
      if (stmt.kind !== 'QueryStatement') throw new SemanticError('explainPull() takes a SELECT statement', stmt.span);
      return explainPull(ctx, stmt, text, this.pullCache);
    } catch (e) {
      throw toSluiceError(e, piece.text, piece.start);
    }
  }

  /**
   * Scale-out (Kafka mode): which instance(s) answer a pull query — here, the one owning the
   * key's task, or all of them — given who runs which task now. See statements/pull-route.ts;
   * a request carrying LOCAL_ONLY_PROPERTY is always answered here. Runs nothing.
   */
  async pullRoute(sql: string): Promise<PullRoute> {
    return pullRouteOf(await this.ready, sql);
  }

  /** Scale-out: who runs which task of the query materialising `table` (undefined when not scaled out). */
  async queryOwnership(table: string): Promise<TaskOwnership | undefined> {
    return ownershipOf(await this.ready, table.toUpperCase());
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
        table: analyzed.sourceType === 'TABLE',
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
  /** Per-query counts: records processed, records written, records that failed (see SLUICE_PROCESSING_LOG), late records dropped. */
  queryStats(): readonly { id: string; processed: number; out: number; errors: number; late: number }[] {
    return [...(this.ctx?.queries.values() ?? [])].map((q) => ({
      id: q.id,
      processed: q.processedCount,
      out: q.outputCount,
      errors: q.errorCount,
      late: q.lateRecords,
    }));
  }

  /**
   * Runs `body` with request-scoped session state: `properties` and `variables` laid over the
   * engine's, and every SET or DEFINE that `body` runs, are undone when it ends. This is the
   * REST server's streamsProperties and sessionVariables, which ksqlDB scopes to one request.
   * Other calls on this engine while `body` runs would see the scoped state: the caller
   * serialises them (the server does).
   */
  async withSession<T>(
    scope: { readonly properties?: Readonly<Record<string, string>>; readonly variables?: Readonly<Record<string, string>> },
    body: () => Promise<T>,
  ): Promise<T> {
    const ctx = await this.ready;
    const properties = new Map(ctx.properties);
    const variables = new Map(ctx.variables);
    for (const [k, v] of Object.entries(scope.properties ?? {})) ctx.properties.set(k, v);
    for (const [k, v] of Object.entries(scope.variables ?? {})) ctx.variables.set(k, v);
    try {
      return await body();
    } finally {
      ctx.properties.clear();
      for (const [k, v] of properties) ctx.properties.set(k, v);
      ctx.variables.clear();
      for (const [k, v] of variables) ctx.variables.set(k, v);
    }
  }

  /**
   * Appends one row to a stream or table, as INSERT VALUES does: `values` are runtime values
   * of the columns' types, by column name (ROWTIME sets the timestamp). The REST server's
   * /inserts-stream rows come in this way.
   */
  async insertRow(target: string, values: ReadonlyMap<string, unknown>): Promise<void> {
    const ctx = await this.ready;
    await insertRow(ctx, target, values);
  }
  async log(): Promise<Log> {
    return (await this.ready).log;
  }
  /**
   * The SQLite database of state stores (`state_…` tables) and materialised tables (`mv_…`):
   * the log's own embedded, the local state file in Kafka mode. For measuring, not writing.
   */
  async stateDatabase(): Promise<Database.Database> {
    return (await this.ready).storage.database;
  }
  /** The command log's topic: `_sluice_<serviceId>_commands` in Kafka mode. */
  async commandTopic(): Promise<string> {
    return (await this.ready).commandLog.topic;
  }

  /**
   * Where each persistent query stands on its input partitions: the position its consumer
   * group has committed (undefined before its first commit) and the partition's end. Their
   * difference is the query's lag. The group is the one the query really commits to, which
   * depends on the mode (`_sluice_<serviceId>_query_<id>` on Kafka), hence here and not in
   * a caller that would have to guess it.
   */
  async queryPositions(): Promise<
    readonly {
      readonly id: string;
      readonly groupId: string;
      readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly committed: number | undefined; readonly end: number }[];
    }[]
  > {
    const ctx = await this.ready;
    return Promise.all(
      [...ctx.queries.values()].map(async (q) => {
        // Committed positions first, ends second: ends only grow, so the lag is never negative.
        const committed = new Map((await ctx.log.committed(q.groupId)).map((p) => [`${p.topic}/${p.partition}`, p.offset]));
        const inputs = await Promise.all(q.inputTopics.map(async (topic) => ({ topic, info: await ctx.log.describeTopic(topic) })));
        const partitions = await Promise.all(
          // A topic deleted under the query has nothing left to measure.
          inputs.flatMap(({ topic, info }) =>
            Array.from({ length: info?.partitions ?? 0 }, async (_, partition) => ({
              topic,
              partition,
              committed: committed.get(`${topic}/${partition}`),
              end: await ctx.log.endOffset(topic, partition),
            })),
          ),
        );
        return { id: q.id, groupId: q.groupId, partitions };
      }),
    );
  }

  /**
   * The service id, without the trailing `_` of ksqlDB's `ksql.service.id` convention: the one
   * given in Kafka mode, where it names the command topic and consumer groups; embedded, the
   * default (one service per data directory).
   */
  async serviceId(): Promise<string> {
    const ctx = await this.ready;
    return ctx.log instanceof EmbeddedLog ? DEFAULT_SERVICE_ID : (this.options.serviceId ?? DEFAULT_SERVICE_ID);
  }

  /**
   * The id of the Kafka cluster the engine runs on (asked once, then cached), 'sluice-embedded'
   * embedded, undefined when it cannot be told (a Log brought without its Kafka options, or a
   * cluster not answering now: asked again next time).
   */
  async kafkaClusterId(): Promise<string | undefined> {
    const ctx = await this.ready;
    if (ctx.log instanceof EmbeddedLog) return 'sluice-embedded';
    if (this.options.kafka === undefined) return undefined;
    this.clusterId ??= fetchClusterId(this.options.kafka).catch(() => {
      this.clusterId = undefined;
      return undefined;
    });
    return this.clusterId;
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
    // First, so that no followed command starts a query while the others stop.
    await this.follower?.stop();
    for (const q of ctx.queries.values()) await q.stop();
    for (const q of ctx.materializers.values()) await q.stop();
    await ctx.log.close();
    await ctx.storage.close();
  }
}

function ignoreExists(e: unknown): void {
  if (!(e instanceof TopicExistsError)) throw e;
}

/** PRINT through query(): one STRING column per line, streaming live. */
function printHandle(lines: AsyncGenerator<string>, close: () => void): QueryHandle {
  const handle: QueryHandle = {
    columns: [{ name: 'LINE', type: STRING, role: 'VALUE' }],
    isTombstone: () => false,
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
