// The command log: every successful DDL and persistent-query statement, in order, on an
// internal one-partition topic of the Log (so it works the same on SQLite and on Kafka).
// A restart replays it to rebuild the catalog and resume every query.

import type { Log } from '../log/log.js';

export const COMMAND_TOPIC = '_sluice_command_topic';

export interface Command {
  /** The statement text after variable substitution. */
  readonly sql: string;
  /** Session properties in force when it ran (they shape the plan, e.g. formats). */
  readonly properties: Readonly<Record<string, string>>;
  /** The query id a persistent query got, so a replay gives it the same one. */
  readonly queryId?: string;
}

export class CommandLog {
  constructor(private readonly log: Log) {}

  async ensure(): Promise<void> {
    if (!(await this.log.describeTopic(COMMAND_TOPIC))) {
      await this.log.createTopic(COMMAND_TOPIC, { partitions: 1, replicas: 1, cleanupPolicy: 'delete' });
    }
  }

  async append(cmd: Command): Promise<void> {
    await this.log.produce(COMMAND_TOPIC, [
      { partition: 0, timestamp: Date.now(), key: null, value: Buffer.from(JSON.stringify(cmd)) },
    ]);
  }

  async readAll(): Promise<Command[]> {
    const out: Command[] = [];
    let offset = await this.log.startOffset(COMMAND_TOPIC, 0);
    for (;;) {
      const recs = await this.log.fetch(COMMAND_TOPIC, 0, offset, 1000);
      if (recs.length === 0) break;
      for (const r of recs) if (r.value) out.push(JSON.parse(r.value.toString('utf8')) as Command);
      offset = recs[recs.length - 1]!.offset + 1;
    }
    return out;
  }
}
