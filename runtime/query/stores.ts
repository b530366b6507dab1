// Opening a query's state stores, and the text keys they are looked up by.

import { stringifyJsonExact } from '../serde/json-exact.js';
import { MemoryKeyValueStore, type KeyValueStore, type StateCodec } from '../state/kv-store.js';
import type { StoreOpener } from '../state/storage.js';

/** State lives where the engine's state storage puts it; transient queries (no stores) keep it in memory. */
export function openStore(stores: StoreOpener | undefined, name: string, codec?: StateCodec): KeyValueStore {
  return stores ? stores.openStore(name, codec) : new MemoryKeyValueStore();
}

/**
 * A state-store key for a row's key values (a group's, a table row's). Hot path: primitives
 * are written directly (typed, so 1 and '1' and 1n stay apart); anything else goes through
 * the exact JSON writer.
 */
export function encodeKey(values: readonly unknown[]): string {
  let k = '';
  for (const v of values) {
    switch (typeof v) {
      case 'string':
        k += JSON.stringify(v);
        break;
      case 'number':
        k += 'd' + String(v);
        break;
      case 'bigint':
        k += 'n' + String(v);
        break;
      case 'boolean':
        k += v ? 'T' : 'F';
        break;
      default:
        k += v === null ? '~' : 'j' + stringifyJsonExact(v);
    }
    k += ',';
  }
  return k;
}
