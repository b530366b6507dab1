// Command ids, sequence numbers and statuses, for /ksql's currentStatus entities and the
// /status endpoints. A statement that changes the catalog is appended to the engine's command
// log; its position there is its commandSequenceNumber (ksqlDB's is the command topic offset
// too), and statements that append nothing get -1, as in ksqlDB. Statuses are kept by
// command id (`stream/`S`/create`), newest last; those of commands run before the server
// started are restored from the command log.

import { parseStatement } from '../../grammar/index.js';
import { COMMAND_TOPIC, CommandLog } from '../../runtime/engine/command-log.js';
import type { Log } from '../../runtime/log/log.js';
import { commandId } from '../../runtime/rest/entities.js';

export interface CommandStatus {
  readonly status: string;
  readonly message: string;
  readonly queryId: string | null;
}

export class CommandStatuses {
  private readonly statuses = new Map<string, CommandStatus>();

  constructor(
    private readonly log: Log,
    /** The engine's command topic (Engine.commandTopic(): Kafka mode names it per service id). */
    private readonly topic: string = COMMAND_TOPIC,
  ) {}

  /** Statuses of the commands already in the command log (a restart, or a headless file). */
  async restore(): Promise<void> {
    for (const cmd of await new CommandLog(this.log, this.topic).readAll()) {
      let id: string;
      try {
        id = commandId(parseStatement(cmd.sql));
      } catch {
        continue;
      }
      this.record(id, { status: 'SUCCESS', message: 'Restored from the command log', queryId: cmd.queryId ?? null });
    }
  }

  /** How many commands the log holds: the next command's sequence number. */
  next(): Promise<number> {
    return this.log.endOffset(this.topic, 0);
  }

  record(id: string, status: CommandStatus): void {
    this.statuses.delete(id);
    this.statuses.set(id, status);
  }

  get(id: string): CommandStatus | undefined {
    return this.statuses.get(id) ?? this.statuses.get(unquoted(id)) ?? this.statuses.get(quoted(id));
  }

  all(): Readonly<Record<string, string>> {
    return Object.fromEntries([...this.statuses].map(([id, s]) => [id, s.status]));
  }
}

/** `stream/`S`/create` ↔ `stream/S/create`: clients may ask with or without the backquotes. */
function unquoted(id: string): string {
  return id.replace(/`/g, '');
}

function quoted(id: string): string {
  const parts = id.split('/');
  if (parts.length !== 3 || parts[1]!.startsWith('`')) return id;
  return `${parts[0]}/\`${parts[1]}\`/${parts[2]}`;
}
