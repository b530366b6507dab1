// Command ids, sequence numbers and statuses, for /ksql's currentStatus entities and the
// /status endpoints. A statement that changes the catalog is appended to the engine's command
// log; its position there is its commandSequenceNumber (ksqlDB's is the command topic offset
// too), and statements that append nothing get -1, as in ksqlDB. Statuses are kept by
// command id (`stream/`S`/create`), newest last. Commands this server did not run itself
// (run before it started, or in Kafka mode by another instance of the service) get theirs
// from the command log, read on to its end whenever /status is asked.

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
  private readonly commands: CommandLog;
  /** Where the next read of the command log starts. */
  private readUpTo = 0;
  /** Positions of the commands this server ran: their statuses came from the run itself. */
  private readonly ranHere = new Set<number>();

  constructor(
    log: Log,
    /** The engine's command topic (Engine.commandTopic(): Kafka mode names it per service id). */
    topic: string = COMMAND_TOPIC,
  ) {
    this.commands = new CommandLog(log, topic);
  }

  /**
   * Reads the command log on to its end: every command this server did not run gets a
   * SUCCESS status (the log holds only commands that succeeded where they ran).
   */
  async catchUp(): Promise<void> {
    for (;;) {
      const { entries, next } = await this.commands.read(this.readUpTo, 1000);
      for (const { offset, command } of entries) {
        if (command === undefined || this.ranHere.delete(offset)) continue;
        let id: string;
        try {
          id = commandId(parseStatement(command.sql));
        } catch {
          continue;
        }
        this.record(id, { status: 'SUCCESS', message: 'Read from the command log', queryId: command.queryId ?? null });
      }
      if (next === this.readUpTo) return;
      this.readUpTo = next;
    }
  }

  /** How many commands the log holds: the next command's sequence number. */
  next(): Promise<number> {
    return this.commands.end();
  }

  /** A command this server ran; `position` is where it sits in the command log. */
  ranCommand(id: string, status: CommandStatus, position: number): void {
    // Read already (a catch-up raced the run): this status replaces the log's.
    if (position >= this.readUpTo) this.ranHere.add(position);
    this.record(id, status);
  }

  private record(id: string, status: CommandStatus): void {
    this.statuses.delete(id);
    this.statuses.set(id, status);
  }

  async get(id: string): Promise<CommandStatus | undefined> {
    await this.catchUp();
    return this.statuses.get(id) ?? this.statuses.get(unquoted(id)) ?? this.statuses.get(quoted(id));
  }

  async all(): Promise<Readonly<Record<string, string>>> {
    await this.catchUp();
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
