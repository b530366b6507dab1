// q8 by hand: the symmetric join of persons and auctions on id = seller, for pairs in the
// same 10-second tumbling window, counted per person and window. Every pair re-emits its
// group's row, as the engine's grouped join does.

import type { Auction, Person } from '../nexmark/model.js';
import { AUCTION_TOPIC, PERSON_TOPIC } from '../nexmark/records.js';
import { jsonValue, parseValue, readLongKey } from './codec.js';
import type { BaselineQuery } from './types.js';

const WINDOW_MS = 10_000;

export const q8: BaselineQuery = {
  inputs: [AUCTION_TOPIC, PERSON_TOPIC],
  output: { kind: 'table', keyFormat: 'JSON' },
  create: () => {
    const persons = new Map<number, { name: string; ts: number }[]>();
    const auctionsBySeller = new Map<number, number[]>();
    const counts = new Map<string, number>();
    return {
      process(rec, out) {
        const pair = (id: number, name: string, personTs: number, auctionTs: number) => {
          const start = Math.floor(personTs / WINDOW_MS) * WINDOW_MS;
          // Same window implies WITHIN 10 SECONDS.
          if (Math.floor(auctionTs / WINDOW_MS) * WINDOW_MS !== start) return;
          const k = `${id}|${start}`;
          const n = (counts.get(k) ?? 0) + 1;
          counts.set(k, n);
          out.push({
            timestamp: Math.max(personTs, auctionTs),
            key: jsonValue({ ID: id, STARTTIME: start }),
            value: jsonValue({ NAME: name, AUCTIONS: n }),
          });
        };
        if (rec.topic === PERSON_TOPIC) {
          const v = parseValue<Person>(rec);
          if (v === null) return;
          const id = readLongKey(rec.key);
          let list = persons.get(id);
          if (list === undefined) persons.set(id, (list = []));
          list.push({ name: v.name, ts: rec.timestamp });
          for (const ts of auctionsBySeller.get(id) ?? []) pair(id, v.name, rec.timestamp, ts);
        } else {
          const v = parseValue<Auction>(rec);
          if (v === null) return;
          let list = auctionsBySeller.get(v.seller);
          if (list === undefined) auctionsBySeller.set(v.seller, (list = []));
          list.push(rec.timestamp);
          for (const p of persons.get(v.seller) ?? []) pair(v.seller, p.name, p.ts, rec.timestamp);
        }
      },
    };
  },
};
