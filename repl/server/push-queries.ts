// The push queries the server is streaming, one per open /query or /query-stream response.
// SHOW QUERIES lists them (queryType PUSH) next to the persistent ones, /close-query ends one
// by id, and a client that disconnects ends its own: the transient query stops reading the
// log and its entry goes, so nothing of it stays behind.

import type { QueryInfo } from '../../runtime/engine/api.js';
import type { QueryHandle } from '../../runtime/engine/engine.js';

export interface RunningPush {
  readonly id: string;
  readonly sql: string;
  readonly source: string | undefined;
  readonly handle: QueryHandle;
}

export class PushQueries {
  private readonly running = new Map<string, RunningPush>();
  /** Push queries started since the server started. */
  started = 0;

  add(p: RunningPush): void {
    this.running.set(p.id, p);
    this.started++;
  }

  get size(): number {
    return this.running.size;
  }

  has(id: string): boolean {
    return this.running.has(id);
  }

  /** Stops the query and forgets it; false for an unknown (or already closed) id. */
  close(id: string): boolean {
    const p = this.running.get(id);
    if (p === undefined) return false;
    this.running.delete(id);
    // The handle notices the close at its next poll, and the response streaming its rows
    // then ends; nothing waits on it here.
    p.handle.close().catch(() => undefined);
    return true;
  }

  closeAll(): void {
    for (const id of [...this.running.keys()]) this.close(id);
  }

  infos(): QueryInfo[] {
    return [...this.running.values()].map((p) => ({
      id: p.id,
      sql: p.sql,
      sinks: [],
      sources: p.source === undefined ? [] : [p.source],
      state: 'RUNNING',
      queryType: 'PUSH',
    }));
  }
}

/**
 * Feeds a push query's rows to `write` (which waits for the client to take them) until the
 * query ends (its LIMIT) or `stopped` turns true: 'ended' when the query ended by itself.
 */
export async function pumpRows(
  handle: QueryHandle,
  write: (row: unknown[]) => Promise<void>,
  stopped: () => boolean,
): Promise<'ended' | 'stopped'> {
  for (;;) {
    if (stopped()) return 'stopped';
    const next = await handle.next();
    if (next.done) return stopped() ? 'stopped' : 'ended';
    if (stopped()) return 'stopped';
    await write(next.value);
  }
}
