// The command log: every successful DDL and persistent-query statement, in order, on an
// internal one-partition topic of the Log (so it works the same on SQLite and on Kafka).
// A restart replays it to rebuild the catalog and resume every query.

import type { Log } from '../log/log.js';

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
}

export class CommandLog {
  constructor(
    private readonly log: Log,
    readonly topic: string = COMMAND_TOPIC,
  ) {}

  async ensure(): Promise<void> {
    if (!(await this.log.describeTopic(this.topic))) {
      await this.log.createTopic(this.topic, {
        partitions: 1,
        replicas: 1,
        cleanupPolicy: 'delete',
        // Kafka deletes after 7 days unless told otherwise; the catalog must outlive that.
        ...(this.log.kind === 'kafka' ? { retentionMs: -1 } : {}),
      });
    }
  }

  async append(cmd: Command): Promise<void> {
    await this.log.produce(this.topic, [
      { partition: 0, timestamp: Date.now(), key: null, value: Buffer.from(JSON.stringify(cmd)) },
    ]);
  }

  async readAll(): Promise<Command[]> {
    const out: Command[] = [];
    let offset = await this.log.startOffset(this.topic, 0);
    for (;;) {
      const { records, next } = await this.log.read(this.topic, 0, offset, 1000);
      if (records.length === 0) break;
      for (const r of records) if (r.value) out.push(JSON.parse(r.value.toString('utf8')) as Command);
      offset = next;
    }
    return out;
  }
}
