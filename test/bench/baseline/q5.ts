// q5 by hand: bids per auction per hopping window (10 s, advancing 2 s), and per window the
// largest (count, auction) pair, folded into one number as the SQL folds it. Each bid updates
// its five windows and re-emits each window's current hottest auction, as the engine's two
// chained aggregations do.

import { BID_TOPIC } from '../nexmark/records.js';
import { jsonValue, longKey, parseValue, readLongKey } from './codec.js';
import type { BaselineQuery } from './types.js';

const SIZE_MS = 10_000;
const ADVANCE_MS = 2_000;
const GRACE_MS = 3_600_000;
const FOLD = 10_000_000_000;

export const q5: BaselineQuery = {
  inputs: [BID_TOPIC],
  output: { kind: 'table', keyFormat: 'KAFKA' },
  create: () => {
    const counts = new Map<string, number>();
    const hottest = new Map<number, number>();
    let streamTime = -1;
    return {
      process(rec, out) {
        if (parseValue<object>(rec) === null) return;
        const auction = readLongKey(rec.key);
        const ts = rec.timestamp;
        if (ts > streamTime) streamTime = ts;
        const first = Math.max(0, Math.floor((ts - SIZE_MS) / ADVANCE_MS + 1) * ADVANCE_MS);
        for (let start = first; start <= ts; start += ADVANCE_MS) {
          if (ts >= start + SIZE_MS || start + SIZE_MS + GRACE_MS <= streamTime) continue;
          const k = `${auction}|${start}`;
          const n = (counts.get(k) ?? 0) + 1;
          counts.set(k, n);
          const best = Math.max(hottest.get(start) ?? 0, n * FOLD + auction);
          hottest.set(start, best);
          out.push({
            timestamp: ts,
            key: longKey(start),
            value: jsonValue({ AUCTION: best % FOLD, NUM: Math.floor(best / FOLD) }),
          });
        }
      },
    };
  },
};
