// q1 by hand: prices times 0.908. price * 908 is an exact integer and dividing it by 1000
// rounds to the double nearest the exact DECIMAL(23,3), which JSON.stringify prints exactly
// (without the engine's trailing zeros: the comparison reads numbers, not text).

import type { Bid } from '../nexmark/model.js';
import { BID_TOPIC } from '../nexmark/records.js';
import { jsonValue, parseValue } from './codec.js';
import type { BaselineQuery } from './types.js';

export const q1: BaselineQuery = {
  inputs: [BID_TOPIC],
  output: { kind: 'stream', keyFormat: 'KAFKA' },
  create: () => ({
    process(rec, out) {
      const b = parseValue<Bid>(rec);
      if (b === null) return;
      out.push({
        timestamp: rec.timestamp,
        key: rec.key,
        value: jsonValue({ BIDDER: b.bidder, PRICE: (b.price * 908) / 1000, DATETIME: b.dateTime, EXTRA: b.extra }),
      });
    },
  }),
};
