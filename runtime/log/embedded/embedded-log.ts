// The embedded Log: topics, records and consumer positions in one SQLite file, so that a
// commit of outputs, positions and the runtime's state is a single SQLite transaction.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  UnknownTopicError,
  TopicExistsError,
  type Commit,
  type Log,
  type LogRecord,
  type Position,
  type ProducerRecord,
  type ReadResult,
  type TopicConfig,
  type TopicInfo,
  type TopicRecords,
} from '../log.js';
import { RoundRobinCounter, partitionFor } from '../partitioner.js';
import { NO_HEADERS, decodeHeaders, encodeHeaders } from './headers.js';
import { acquireDirLock, type DirLock } from './lock.js';
import { INSERT_CHUNK, RECORD_COLUMNS, SCHEMA, prepareStatements, type Statements } from './schema.js';
import { checkTopicName } from './topic-name.js';

export type EmbeddedLogOptions = { readonly dataDir: string } | { readonly memory: true };

export const DB_FILE = 'sluice.db';

interface TopicMeta {
  readonly id: number;
  readonly info: TopicInfo;
  /** Next offset per partition: appends never query for it. Replaced, never mutated, on commit. */
  next: readonly number[];
  start: number[];
  readonly roundRobin: RoundRobinCounter;
}

/** A fetched record: key and value each as hex text (small) or a blob (large), see schema.ts. */
type RecordRow = [
  offset: number,
  timestamp: number,
  keyHex: string | null,
  keyBlob: Buffer | null,
  valueHex: string | null,
  valueBlob: Buffer | null,
  headers: Buffer | null,
];

export class EmbeddedLog implements Log {
  readonly kind = 'embedded';
  /** The shared database: the runtime keeps its state tables here and writes them in `commit`'s `state`. */
  readonly database: Database.Database;

  private readonly stmts: Statements;
  private readonly topics = new Map<string, TopicMeta>();
  private readonly notifier = new EventEmitter();
  private readonly insertArgs: unknown[] = new Array(INSERT_CHUNK * RECORD_COLUMNS);
  private closed = false;

  private constructor(
    db: Database.Database,
    private readonly lock: DirLock | undefined,
  ) {
    this.database = db;
    // Every waiting consumer listens on its topics; there is no leak to warn about.
    this.notifier.setMaxListeners(0);
    db.exec(SCHEMA);
    this.stmts = prepareStatements(db);
    this.loadTopics();
  }

  static open(opts: EmbeddedLogOptions): EmbeddedLog {
    if ('memory' in opts) return new EmbeddedLog(new Database(':memory:'), undefined);
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const lock = acquireDirLock(opts.dataDir);
    try {
      const db = new Database(path.join(opts.dataDir, DB_FILE));
      try {
        db.pragma('journal_mode = WAL');
        // FULL fsyncs the WAL on every commit: a committed batch survives kill -9 and power loss.
        db.pragma('synchronous = FULL');
        db.pragma('busy_timeout = 5000');
        return new EmbeddedLog(db, lock);
      } catch (err) {
        db.close();
        throw err;
      }
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  async createTopic(name: string, config: TopicConfig): Promise<void> {
    checkTopicName(name);
    if (!Number.isInteger(config.partitions) || config.partitions < 1) {
      throw new Error(`topic ${name}: partitions must be a positive integer, got ${config.partitions}`);
    }
    if (this.topics.has(name)) throw new TopicExistsError(`topic ${name} already exists`);
    const info: TopicInfo = {
      name,
      partitions: config.partitions,
      replicas: config.replicas ?? 1,
      cleanupPolicy: config.cleanupPolicy ?? 'delete',
      ...(config.retentionMs === undefined ? {} : { retentionMs: config.retentionMs }),
    };
    const id = this.database.transaction(() => {
      const topicId = Number(
        this.stmts.insertTopic.run(name, info.partitions, info.replicas, info.retentionMs ?? null, info.cleanupPolicy)
          .lastInsertRowid,
      );
      for (let p = 0; p < info.partitions; p++) this.stmts.insertPartition.run(topicId, p);
      return topicId;
    }).immediate();
    this.topics.set(name, {
      id,
      info,
      next: new Array<number>(info.partitions).fill(0),
      start: new Array<number>(info.partitions).fill(0),
      roundRobin: new RoundRobinCounter(),
    });
  }

  async deleteTopic(name: string): Promise<void> {
    const meta = this.topic(name);
    this.database.transaction(() => {
      this.stmts.deleteRecords.run(meta.id);
      this.stmts.deletePartitions.run(meta.id);
      this.stmts.deleteTopic.run(meta.id);
      this.stmts.deleteTopicPositions.run(name);
    }).immediate();
    this.topics.delete(name);
  }

  async describeTopic(name: string): Promise<TopicInfo | undefined> {
    return this.topics.get(name)?.info;
  }

  async listTopics(): Promise<readonly TopicInfo[]> {
    return [...this.topics.values()].map((t) => t.info).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async produce(topic: string, records: readonly ProducerRecord[]): Promise<readonly LogRecord[]> {
    return this.commitSync({ groupId: '', outputs: [{ topic, records }], positions: [] });
  }

  async commit(commit: Commit): Promise<readonly LogRecord[]> {
    return this.commitSync(commit);
  }

  async fetch(topic: string, partition: number, offset: number, maxRecords: number): Promise<readonly LogRecord[]> {
    const meta = this.topic(topic);
    checkPartition(meta, partition);
    // Polling consumers mostly ask past the end: answer from the cache without a query.
    if (maxRecords <= 0 || offset >= meta.next[partition]!) return [];
    const rows = this.stmts.fetch.all(meta.id, partition, offset, maxRecords) as RecordRow[];
    const out = new Array<LogRecord>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const keyHex = row[2];
      const valueHex = row[4];
      out[i] = {
        topic,
        partition,
        offset: row[0],
        timestamp: row[1],
        key: keyHex === null ? row[3] : Buffer.from(keyHex, 'hex'),
        value: valueHex === null ? row[5] : Buffer.from(valueHex, 'hex'),
        headers: decodeHeaders(row[6]),
      };
    }
    return out;
  }

  async read(topic: string, partition: number, offset: number, maxRecords: number): Promise<ReadResult> {
    const records = await this.fetch(topic, partition, offset, maxRecords);
    if (records.length > 0) return { records, next: records[records.length - 1]!.offset + 1 };
    // Offsets are dense here: nothing to skip, except what retention removed before the start.
    return { records, next: Math.max(offset, this.topic(topic).start[partition]!) };
  }

  async endOffset(topic: string, partition: number): Promise<number> {
    const meta = this.topic(topic);
    checkPartition(meta, partition);
    return meta.next[partition]!;
  }

  async startOffset(topic: string, partition: number): Promise<number> {
    const meta = this.topic(topic);
    checkPartition(meta, partition);
    return meta.start[partition]!;
  }

  async committed(groupId: string): Promise<readonly Position[]> {
    return this.stmts.selectPositions.all(groupId) as Position[];
  }

  async deleteGroup(groupId: string): Promise<void> {
    this.stmts.deleteGroup.run(groupId);
  }

  waitForData(topics: readonly string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed || timeoutMs <= 0) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        for (const t of topics) this.notifier.off(t, done);
        this.notifier.off(CLOSE_EVENT, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      for (const t of topics) this.notifier.on(t, done);
      // A consumer blocked here must not outlive the log.
      this.notifier.on(CLOSE_EVENT, done);
    });
  }

  /**
   * Applies time retention at `now` (epoch ms) to every topic with cleanup.policy 'delete' and
   * a retention.ms: deletes the leading records older than the retention window, moving the
   * start offset. Returns how many records were deleted.
   */
  trim(now: number): number {
    let deleted = 0;
    const newStarts: [TopicMeta, number, number][] = [];
    this.database.transaction(() => {
      for (const meta of this.topics.values()) {
        const { retentionMs, cleanupPolicy } = meta.info;
        if (retentionMs === undefined || cleanupPolicy !== 'delete') continue;
        const cutoff = now - retentionMs;
        for (let p = 0; p < meta.info.partitions; p++) {
          const first = this.stmts.firstRetained.get(meta.id, p, meta.start[p]!, cutoff) as number | undefined;
          const newStart = first ?? meta.next[p]!;
          if (newStart <= meta.start[p]!) continue;
          deleted += this.stmts.deleteBefore.run(meta.id, p, newStart).changes;
          this.stmts.updateStartOffset.run(newStart, meta.id, p);
          newStarts.push([meta, p, newStart]);
        }
      }
    }).immediate();
    for (const [meta, p, start] of newStarts) meta.start[p] = start;
    return deleted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notifier.emit(CLOSE_EVENT);
    this.database.close();
    this.lock?.release();
  }

  private commitSync(commit: Commit): readonly LogRecord[] {
    // Inside someone else's transaction our offsets could be rolled back after we publish them.
    if (this.database.inTransaction) throw new Error('a log commit cannot run inside another transaction');
    // Resolve every topic before the transaction: an unknown topic fails without side effects.
    const outputs = commit.outputs.map((o) => ({ meta: this.topic(o.topic), output: o }));
    // A persistent query ignores them: building one per output would only feed the GC.
    const appended: LogRecord[] | undefined = commit.discardAppended ? undefined : [];
    // Next offsets advance in copies, published only once the transaction has committed, so a
    // rollback leaves the cache matching the file.
    const nextByTopic = new Map<TopicMeta, number[]>();
    this.database.transaction(() => {
      for (const { meta, output } of outputs) {
        let next = nextByTopic.get(meta);
        if (next === undefined) nextByTopic.set(meta, (next = meta.next.slice()));
        this.append(meta, output, next, appended);
      }
      for (const pos of commit.positions) {
        this.stmts.upsertPosition.run(commit.groupId, pos.topic, pos.partition, pos.offset);
      }
      for (const topic of commit.outputPositions ?? []) {
        const meta = this.topic(topic);
        const next = nextByTopic.get(meta);
        if (next === undefined) continue;
        next.forEach((offset, p) => {
          if (offset !== meta.next[p]) this.stmts.upsertPosition.run(commit.groupId, topic, p, offset);
        });
      }
      commit.state?.();
    }).immediate();
    for (const [meta, next] of nextByTopic) meta.next = next;
    for (const { output } of outputs) {
      if (output.records.length > 0) this.notifier.emit(output.topic);
    }
    return appended ?? [];
  }

  private append(meta: TopicMeta, output: TopicRecords, next: number[], appended: LogRecord[] | undefined): void {
    const args = this.insertArgs;
    let filled = 0;
    for (const record of output.records) {
      const partition = record.partition ?? partitionFor(record.key, meta.info.partitions, meta.roundRobin);
      checkPartition(meta, partition);
      if (!Number.isSafeInteger(record.timestamp)) {
        throw new Error(`topic ${meta.info.name}: timestamp must be an integer of epoch ms, got ${record.timestamp}`);
      }
      const offset = next[partition]!;
      next[partition] = offset + 1;
      const base = filled * RECORD_COLUMNS;
      args[base] = meta.id;
      args[base + 1] = partition;
      args[base + 2] = offset;
      args[base + 3] = record.timestamp;
      args[base + 4] = record.key;
      args[base + 5] = record.value;
      args[base + 6] = encodeHeaders(record.headers);
      if (++filled === INSERT_CHUNK) {
        this.stmts.insertRecords.run(args);
        filled = 0;
      }
      appended?.push({
        topic: output.topic,
        partition,
        offset,
        timestamp: record.timestamp,
        key: record.key,
        value: record.value,
        headers: record.headers ?? NO_HEADERS,
      });
    }
    for (let i = 0; i < filled; i++) {
      this.stmts.insertRecord.run(args.slice(i * RECORD_COLUMNS, (i + 1) * RECORD_COLUMNS));
    }
  }

  private topic(name: string): TopicMeta {
    const meta = this.topics.get(name);
    if (meta === undefined) throw new UnknownTopicError(`topic ${name} does not exist`);
    return meta;
  }

  private loadTopics(): void {
    const rows = this.stmts.selectTopics.all() as {
      id: number;
      name: string;
      partitions: number;
      replicas: number;
      retention_ms: number | null;
      cleanup_policy: 'delete' | 'compact';
    }[];
    for (const row of rows) {
      const start: number[] = [];
      const next: number[] = [];
      for (let p = 0; p < row.partitions; p++) {
        const s = (this.stmts.selectStartOffset.get(row.id, p) as number | undefined) ?? 0;
        const max = this.stmts.selectMaxOffset.get(row.id, p) as number | null;
        start.push(s);
        next.push(max === null ? s : Math.max(max + 1, s));
      }
      this.topics.set(row.name, {
        id: row.id,
        info: {
          name: row.name,
          partitions: row.partitions,
          replicas: row.replicas,
          cleanupPolicy: row.cleanup_policy,
          ...(row.retention_ms === null ? {} : { retentionMs: row.retention_ms }),
        },
        next,
        start,
        roundRobin: new RoundRobinCounter(),
      });
    }
  }
}

const CLOSE_EVENT = Symbol('close');

function checkPartition(meta: TopicMeta, partition: number): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= meta.info.partitions) {
    throw new RangeError(`topic ${meta.info.name} has no partition ${partition} (it has ${meta.info.partitions})`);
  }
}
