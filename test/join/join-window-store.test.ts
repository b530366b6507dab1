import { describe, expect, it } from 'vitest';
import { INT, STRING } from '../../planner/types.js';
import { JoinWindowStore } from '../../runtime/query/join-window-store.js';

const schema = { columns: [{ name: 'K', type: INT, role: 'KEY' as const }, { name: 'V', type: STRING, role: 'VALUE' as const }] };

describe('join window store', () => {
  it('fetches a key’s rows in the time range, by time then arrival, across buckets', () => {
    const w = new JoinWindowStore(undefined, 'w', schema, 1000, 100_000);
    w.put('k', [1, 'c'], 2500, null);
    w.put('k', [1, 'a'], 300, null);
    w.put('k', [1, 'b'], 300, null);
    w.put('other', [2, 'x'], 300, null);
    w.put('k', [1, 'out of range'], 9000, null);
    expect(w.fetch('k', 0, 3000).map((r) => r.row[1])).toEqual(['a', 'b', 'c']);
    expect(w.fetch('k', 301, 3000).map((r) => r.row[1])).toEqual(['c']);
  });

  it('skips rows that fell out of the retention behind the newest row', () => {
    const w = new JoinWindowStore(undefined, 'w', schema, 10, 1000);
    w.put('k', [1, 'old'], 0, null);
    w.put('k', [1, 'recent'], 500, null);
    expect(w.fetch('k', 0, 600).map((r) => r.row[1])).toEqual(['old', 'recent']);
    w.put('x', [2, 'advances time'], 1200, null);
    expect(w.fetch('k', 0, 600).map((r) => r.row[1])).toEqual(['recent']);
    // A row already expired on arrival is not kept.
    w.put('k', [1, 'late'], 100, null);
    expect(w.fetch('k', 0, 600).map((r) => r.row[1])).toEqual(['recent']);
  });
});
