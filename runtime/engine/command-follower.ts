// Kafka mode: instances with one service id share one command topic, and each of them follows
// it while it runs, so that a statement run on any instance (CREATE, CSAS, TERMINATE, DROP…)
// is applied on all of them, in the topic's order, as a restart would replay it: same
// catalog, same persistent queries with the same ids everywhere.
//
// An instance applies its own statements when it runs them; the follower skips the commands
// it appended (Command.origin). A command that fails here succeeded where it ran (say, two
// instances created the same stream at once): it is reported and skipped, and the follower
// goes on: stopping would leave this instance behind every later command.
//
// Embedded mode has no follower: one process owns the data directory, and the command log.

import type { Log } from '../log/log.js';
import type { Command, CommandLog } from './command-log.js';

/** How long one wait for new commands lasts before the follower reads again anyway. */
const POLL_MS = 1_000;
/** The pause after a failed read (a broker down) before the next try. */
const RETRY_MS = 1_000;
const BATCH = 100;

export interface CommandFollowerOptions {
  readonly log: Log;
  readonly commandLog: CommandLog;
  /** The offset to follow from: the end of what the engine replayed at start. */
  readonly from: number;
  /**
   * Applies one command appended by another instance. The engine runs it in its turn with
   * local statements, never interleaved with them, and without appending it again.
   */
  apply(command: Command): Promise<void>;
  /** A command that failed here and was skipped, or a read that failed (default: one line on stderr). */
  readonly report?: (message: string) => void;
}

/** What the follower has done with the commands it read. */
export interface FollowerStats {
  /** Commands of other instances applied here. */
  readonly applied: number;
  /** Commands of other instances that failed here, and records that were not commands. */
  readonly skipped: number;
  /** This instance's own commands, passed over. */
  readonly own: number;
}

export class CommandFollower {
  private counts = { applied: 0, skipped: 0, own: 0 };
  private position: number;
  private stopped = false;
  private loop: Promise<void> | undefined;
  /** Resolves the wait in progress at stop(), so that close() doesn't sit out a poll. */
  private wake: (() => void) | undefined;
  /** Callers of caughtUp(), by the position they wait for. */
  private waiters: { readonly until: number; readonly resolve: () => void }[] = [];

  constructor(private readonly options: CommandFollowerOptions) {
    this.position = options.from;
  }

  get stats(): FollowerStats {
    return { ...this.counts };
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    // Nobody will move the position any more: let waiters go rather than hang.
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  /**
   * Resolves once every command appended before this call has been applied here (or skipped).
   * ksqlDB's clients get the same from a request's commandSequenceNumber.
   */
  async caughtUp(): Promise<void> {
    const end = await this.options.commandLog.end();
    if (this.position >= end || this.stopped) return;
    await new Promise<void>((resolve) => {
      this.waiters.push({ until: end, resolve });
      this.wake?.();
    });
  }

  private async run(): Promise<void> {
    const { log, commandLog } = this.options;
    let failing = false;
    while (!this.stopped) {
      let batch: Awaited<ReturnType<CommandLog['read']>>;
      try {
        batch = await commandLog.read(this.position, BATCH);
        failing = false;
      } catch (e) {
        // One line per outage, not one per retry.
        if (!failing) this.report(`cannot read the command topic ${commandLog.topic} (retrying): ${message(e)}`);
        failing = true;
        await this.pause(new Promise((r) => setTimeout(r, RETRY_MS).unref()));
        continue;
      }
      for (const { offset, command } of batch.entries) {
        if (this.stopped) return;
        if (command === undefined) {
          this.counts.skipped++;
          this.report(skippedCommand(commandLog.topic, offset, undefined, undefined));
        } else if (command.origin === commandLog.origin) {
          this.counts.own++;
        } else {
          try {
            await this.options.apply(command);
            this.counts.applied++;
          } catch (e) {
            this.counts.skipped++;
            this.report(skippedCommand(commandLog.topic, offset, command, e));
          }
        }
        this.advance(offset + 1);
      }
      this.advance(batch.next);
      if (batch.entries.length === 0 && batch.next === this.position) {
        // At the end: wait for the next command (or a poll's worth of time, or stop()).
        await this.pause(log.waitForData([commandLog.topic], POLL_MS));
      }
    }
  }

  /** Moves past what was read (`next` also skips offsets that hold no command) and lets waiters go. */
  private advance(to: number): void {
    if (to <= this.position) return;
    this.position = to;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (w.until <= to ? w.resolve() : still.push(w));
    this.waiters = still;
  }

  private async pause(wait: Promise<unknown>): Promise<void> {
    if (this.stopped) return;
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    await Promise.race([wait.catch(() => undefined), woken]);
    this.wake = undefined;
  }

  private report(text: string): void {
    (this.options.report ?? reportOnStderr)(text);
  }
}

export function reportOnStderr(text: string): void {
  process.stderr.write(`sluice: ${text}\n`);
}

/** The report of a command skipped, here or at start: where it is, what it was and why. */
export function skippedCommand(topic: string, offset: number, command: Command | undefined, error: unknown): string {
  if (command === undefined) return `command topic ${topic} offset ${offset}: not a command, skipped`;
  return `command topic ${topic} offset ${offset} failed here and was skipped: ${message(error)}\n  ${command.sql}`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
