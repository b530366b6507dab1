// q7 by hand: the highest bid per 10-second tumbling window, the first one kept on a tie as
// TOPK keeps it; each bid re-emits its window's top bid. The key is the windowed KAFKA key of
// the constant group (INT 1) and the window start.

import type { Bid } from '../nexmark/model.js';
import { BID_TOPIC } from '../nexmark/records.js';
import { jsonValue, parseValue, readLongKey } from './codec.js';
import type { BaselineQuery } from './types.js';

const SIZE_MS = 10_000;
const GRACE_MS = 3_600_000;

interface Top {
  readonly sort_col: number;
  readonly col0: number;
  readonly col1: number;
  readonly col2: number;
  readonly col3: string;
}

function windowedKey(start: number): Buffer {
  const k = Buffer.allocUnsafe(12);
  k.writeInt32BE(1, 0);
  k.writeBigInt64BE(BigInt(start), 4);
  return k;
}

export const q7: BaselineQuery = {
  inputs: [BID_TOPIC],
  output: { kind: 'table', keyFormat: 'KAFKA' },
  create: () => {
    const tops = new Map<number, Top>();
    let streamTime = -1;
    return {
      process(rec, out) {
        const b = parseValue<Bid>(rec);
        if (b === null) return;
        const ts = rec.timestamp;
        if (ts > streamTime) streamTime = ts;
        const start = Math.floor(ts / SIZE_MS) * SIZE_MS;
        if (start + SIZE_MS + GRACE_MS <= streamTime) return;
        let top = tops.get(start);
        if (top === undefined || b.price > top.sort_col) {
          top = { sort_col: b.price, col0: readLongKey(rec.key), col1: b.bidder, col2: b.dateTime, col3: b.extra };
          tops.set(start, top);
        }
        out.push({ timestamp: ts, key: windowedKey(start), value: jsonValue({ STARTTIME: start, TOP: [top] }) });
      },
    };
  },
};
