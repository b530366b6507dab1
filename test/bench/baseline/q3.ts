// q3 by hand: the symmetric join of auctions and persons on seller = id within an hour, with
// the filters applied before anything is kept (only category-10 auctions and persons in OR,
// ID or CA can ever match). A result is stamped with the later of its two events, as a
// stream-stream join stamps it.

import type { Auction, Person } from '../nexmark/model.js';
import { AUCTION_TOPIC, PERSON_TOPIC } from '../nexmark/records.js';
import { jsonValue, longKey, parseValue, readLongKey } from './codec.js';
import type { BaselineQuery } from './types.js';

const WITHIN_MS = 3_600_000;
const STATES = new Set(['OR', 'ID', 'CA']);

interface P {
  readonly name: string;
  readonly city: string;
  readonly state: string;
  readonly ts: number;
}
interface A {
  readonly id: number;
  readonly ts: number;
}

export const q3: BaselineQuery = {
  inputs: [AUCTION_TOPIC, PERSON_TOPIC],
  output: { kind: 'stream', keyFormat: 'KAFKA' },
  create: () => {
    const persons = new Map<number, P[]>();
    const auctionsBySeller = new Map<number, A[]>();
    return {
      process(rec, out) {
        const emit = (seller: number, p: P, a: A) => {
          if (Math.abs(p.ts - a.ts) > WITHIN_MS) return;
          out.push({
            timestamp: Math.max(p.ts, a.ts),
            key: longKey(seller),
            value: jsonValue({ NAME: p.name, CITY: p.city, STATE: p.state, ID: a.id }),
          });
        };
        if (rec.topic === PERSON_TOPIC) {
          const v = parseValue<Person>(rec);
          if (v === null || !STATES.has(v.state)) return;
          const id = readLongKey(rec.key);
          const p: P = { name: v.name, city: v.city, state: v.state, ts: rec.timestamp };
          let list = persons.get(id);
          if (list === undefined) persons.set(id, (list = []));
          list.push(p);
          for (const a of auctionsBySeller.get(id) ?? []) emit(id, p, a);
        } else {
          const v = parseValue<Auction>(rec);
          if (v === null || v.category !== 10) return;
          const a: A = { id: readLongKey(rec.key), ts: rec.timestamp };
          let list = auctionsBySeller.get(v.seller);
          if (list === undefined) auctionsBySeller.set(v.seller, (list = []));
          list.push(a);
          for (const p of persons.get(v.seller) ?? []) emit(v.seller, p, a);
        }
      },
    };
  },
};
