// q4 by hand: bids meet their auction (kept by id; bids that come before their auction wait
// for it), a bid inside the auction's lifetime raises the auction's winning price, and the
// category's average of winning prices moves by the difference. Like the engine's chain of a
// grouped join and a table re-aggregation, every matching bid re-emits its category's average.

import type { Auction, Bid } from '../nexmark/model.js';
import { AUCTION_TOPIC, BID_TOPIC } from '../nexmark/records.js';
import { jsonValue, longKey, parseValue, readLongKey } from './codec.js';
import type { BaselineQuery } from './types.js';

/** WITHIN (0 SECONDS, 1 HOUR): a bid from the auction's time to an hour after. */
const AFTER_MS = 3_600_000;

interface A {
  readonly dateTime: number;
  readonly expires: number;
  readonly category: number;
  readonly ts: number;
}
interface B {
  readonly dateTime: number;
  readonly price: number;
  readonly ts: number;
}

export const q4: BaselineQuery = {
  inputs: [AUCTION_TOPIC, BID_TOPIC],
  output: { kind: 'table', keyFormat: 'KAFKA' },
  create: () => {
    const auctions = new Map<number, A>();
    const waiting = new Map<number, B[]>();
    const winning = new Map<number, number>();
    const categories = new Map<number, { sum: number; count: number }>();
    return {
      process(rec, out) {
        const match = (id: number, a: A, b: B) => {
          if (b.ts < a.ts || b.ts > a.ts + AFTER_MS) return;
          if (b.dateTime < a.dateTime || b.dateTime > a.expires) return;
          const old = winning.get(id);
          const now = old === undefined ? b.price : Math.max(old, b.price);
          winning.set(id, now);
          let c = categories.get(a.category);
          if (c === undefined) categories.set(a.category, (c = { sum: 0, count: 0 }));
          if (old === undefined) {
            c.sum += now;
            c.count++;
          } else {
            c.sum += now - old;
          }
          out.push({
            timestamp: Math.max(a.ts, b.ts),
            key: longKey(a.category),
            value: jsonValue({ AVG_FINAL_PRICE: c.sum / c.count }),
          });
        };
        const id = readLongKey(rec.key);
        if (rec.topic === AUCTION_TOPIC) {
          const v = parseValue<Auction>(rec);
          if (v === null) return;
          const a: A = { dateTime: v.dateTime, expires: v.expires, category: v.category, ts: rec.timestamp };
          auctions.set(id, a);
          for (const b of waiting.get(id) ?? []) match(id, a, b);
          waiting.delete(id);
        } else {
          const v = parseValue<Bid>(rec);
          if (v === null) return;
          const b: B = { dateTime: v.dateTime, price: v.price, ts: rec.timestamp };
          const a = auctions.get(id);
          if (a !== undefined) {
            match(id, a, b);
            return;
          }
          let list = waiting.get(id);
          if (list === undefined) waiting.set(id, (list = []));
          list.push(b);
        }
      },
    };
  },
};
