// The command log: every successful DDL and persistent-query statement, in order, on an
// internal one-partition topic of the Log (so it works the same on SQLite and on Kafka).
// A restart replays it to rebuild the catalog and resume every query.

import { randomUUID } from 'node:crypto';
import { TopicExistsError, type Log } from '../log/log.js';

/** The embedded log's command topic. */
export const COMMAND_TOPIC = '_sluice_command_topic';

/** Kafka mode's: one per service id, as ksqlDB's `_confluent-ksql-<serviceId>_command_topic`. */
export function kafkaCommandTopic(serviceId: string): string {
  return `_sluice_${serviceId}_commands`;
}

export interface Command {
  /** The statement text after variable substitution. */
  readonly sql: string;
  /** Session properties in force when it ran (they shape the plan, e.g. formats). */
  readonly properties: Readonly<Record<string, string>>;
  /** The query id a persistent query got, so a replay gives it the same one. */
  readonly queryId?: string;
  /**
   * The CommandLog (one per Engine) that appended it. Kafka mode's instances follow the topic
   * (command-follower.ts) and skip their own commands, which they applied when they ran them.
   */
  readonly origin?: string;
}

/** A command and where it sits in the topic. */
export interface CommandEntry {
  readonly offset: number;
  /** Undefined for a record that is not a command (not JSON): it is reported and skipped. */
  readonly command: Command | undefined;
}

export class CommandLog {
  /** Stamped on every command this log appends: see Command.origin. */
  readonly origin: string = randomUUID();
  /** While true, appends are dropped: see replaying(). */
  private muted = false;

  constructor(
    private readonly log: Log,
    readonly topic: string = COMMAND_TOPIC,
  ) {}

  async ensure(): Promise<void> {
    if (!(await this.log.describeTopic(this.topic))) {
      await this.log
        .createTopic(this.topic, {
          partitions: 1,
          replicas: 1,
          cleanupPolicy: 'delete',
          // Kafka deletes after 7 days unless told otherwise; the catalog must outlive that.
          ...(this.log.kind === 'kafka' ? { retentionMs: -1 } : {}),
        })
        .catch((e: unknown) => {
          // Instances of one service starting together: one of them creates it.
          if (!(e instanceof TopicExistsError)) throw e;
        });
    }
  }

  async append(cmd: Command): Promise<void> {
    if (this.muted) return;
    await this.log.produce(this.topic, [
      { partition: 0, timestamp: Date.now(), key: null, value: Buffer.from(JSON.stringify({ ...cmd, origin: this.origin })) },
    ]);
  }

  /**
   * Runs `body` (the statement of a command read from this log) with appends dropped: the
   * command is in the log already. The caller runs nothing else on the engine meanwhile, or
   * that would lose its appends too (Engine runs statements one at a time).
   */
  async replaying<T>(body: () => Promise<T>): Promise<T> {
    this.muted = true;
    try {
      return await body();
    } finally {
      this.muted = false;
    }
  }

  async readAll(): Promise<Command[]> {
    return (await this.readToEnd()).entries.flatMap((e) => (e.command ? [e.command] : []));
  }

  /** Every entry from the start, and the offset the next one will get. */
  async readToEnd(): Promise<{ entries: CommandEntry[]; next: number }> {
    const all: CommandEntry[] = [];
    let offset = await this.log.startOffset(this.topic, 0);
    for (;;) {
      const { entries, next } = await this.read(offset, 1000);
      if (entries.length === 0 && next === offset) return { entries: all, next };
      all.push(...entries);
      offset = next;
    }
  }

  /** Up to `max` commands from `offset` on (maybe none), and where the next read starts. */
  async read(offset: number, max: number): Promise<{ entries: CommandEntry[]; next: number }> {
    const { records, next } = await this.log.read(this.topic, 0, offset, max);
    const entries = records.filter((r) => r.value !== null).map((r) => ({ offset: r.offset, command: parseCommand(r.value!) }));
    return { entries, next };
  }

  /** The offset the next command will get. */
  end(): Promise<number> {
    return this.log.endOffset(this.topic, 0);
  }
}

function parseCommand(value: Buffer): Command | undefined {
  try {
    const cmd = JSON.parse(value.toString('utf8')) as Partial<Command> | null;
    return typeof cmd?.sql === 'string' ? { properties: {}, ...cmd, sql: cmd.sql } : undefined;
  } catch {
    return undefined;
  }
}
