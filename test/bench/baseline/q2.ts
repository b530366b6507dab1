// q2 by hand: bids on every 123rd auction. Like the engine, it parses every value and filters
// on the key after (a loop could test the key first and skip most parses; neither does).

import type { Bid } from '../nexmark/model.js';
import { BID_TOPIC } from '../nexmark/records.js';
import { jsonValue, parseValue, readLongKey } from './codec.js';
import type { BaselineQuery } from './types.js';

export const q2: BaselineQuery = {
  inputs: [BID_TOPIC],
  output: { kind: 'stream', keyFormat: 'KAFKA' },
  create: () => ({
    process(rec, out) {
      const b = parseValue<Bid>(rec);
      if (b === null || readLongKey(rec.key) % 123 !== 0) return;
      out.push({ timestamp: rec.timestamp, key: rec.key, value: jsonValue({ PRICE: b.price }) });
    },
  }),
};
