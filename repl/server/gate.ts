// Session state (properties and variables) lives in the Engine and applies to every call on
// it, but ksqlDB scopes a request's streamsProperties, sessionVariables and the SETs and
// DEFINEs it runs to that request. So every engine call that reads or changes session state
// goes through this gate: one at a time, each inside Engine.withSession with its request's
// scope. The calls are short (a pull query is tens of µs; a push query only starts here and
// streams its rows outside), so the queue doesn't hold requests up.

import type { Engine } from '../../runtime/engine/engine.js';

export interface RequestScope {
  readonly properties: Readonly<Record<string, string>>;
  readonly variables: Readonly<Record<string, string>>;
}

export const EMPTY_SCOPE: RequestScope = { properties: {}, variables: {} };

export class EngineGate {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly engine: Engine) {}

  /**
   * Runs `body` in its turn, inside the request's scope. `readOnly` promises that it changes
   * no session state (a SELECT): with an empty scope it then needs no withSession at all.
   */
  run<T>(scope: RequestScope, body: (engine: Engine) => Promise<T>, readOnly = false): Promise<T> {
    const plain = readOnly && isEmpty(scope.properties) && isEmpty(scope.variables);
    const result = this.tail.then(() => (plain ? body(this.engine) : this.engine.withSession(scope, () => body(this.engine))));
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function isEmpty(o: Readonly<Record<string, string>>): boolean {
  for (const _ in o) return false;
  return true;
}
