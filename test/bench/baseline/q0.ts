// q0 by hand: every bid, key passed through, value re-encoded without the routing fields.

import type { Bid } from '../nexmark/model.js';
import { BID_TOPIC } from '../nexmark/records.js';
import { jsonValue, parseValue } from './codec.js';
import type { BaselineQuery } from './types.js';

export const q0: BaselineQuery = {
  inputs: [BID_TOPIC],
  output: { kind: 'stream', keyFormat: 'KAFKA' },
  create: () => ({
    process(rec, out) {
      const b = parseValue<Bid>(rec);
      if (b === null) return;
      out.push({
        timestamp: rec.timestamp,
        key: rec.key,
        value: jsonValue({ BIDDER: b.bidder, PRICE: b.price, DATETIME: b.dateTime, EXTRA: b.extra }),
      });
    },
  }),
};
