// What the endpoints share: the engine (behind its gate), the running push queries, command
// statuses, metrics and the server's settings.

import type { Engine } from '../../runtime/engine/engine.js';
import type { EntityContext } from '../../runtime/rest/entities.js';
import type { CommandStatuses } from './commands.js';
import type { EngineGate } from './gate.js';
import type { ServerMetrics } from './metrics.js';
import type { PushQueries } from './push-queries.js';

export interface ServerContext {
  readonly engine: Engine;
  readonly gate: EngineGate;
  readonly push: PushQueries;
  readonly commands: CommandStatuses;
  readonly metrics: ServerMetrics;
  /** The --queries-file in headless mode: statements over REST are then refused. */
  readonly headlessFile: string | undefined;
  readonly maxBodyBytes: number;
  readonly version: string;
}

/** What runtime/rest needs to describe queries and sources in full; push queries included. */
export function entityContext(server: ServerContext, commandSequenceNumber?: number): EntityContext {
  return {
    queries: [...server.engine.queries(), ...server.push.infos()],
    sources: server.engine.sources(),
    ...(commandSequenceNumber !== undefined ? { commandSequenceNumber } : {}),
  };
}

export function headlessMessage(file: string): string {
  return `The server is running in headless mode (--queries-file ${file}): it runs that file's statements and accepts none over REST`;
}
