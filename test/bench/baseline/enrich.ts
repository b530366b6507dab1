// Stream-table enrichment by hand: auctions are upserted into a table, each bid looks its
// auction up and, when the table has it, goes on with the auction's item name, seller and
// category. The table is kept the way Sluice keeps a join's table side: a SQLite table in the
// log's database, written in the commit that consumes the records (so it is exactly as
// durable as the positions), with the rows in memory in front of it for the lookups.

import type { Auction, Bid } from '../nexmark/model.js';
import { AUCTION_TOPIC, BID_TOPIC } from '../nexmark/records.js';
import { jsonValue, longKey, parseValue, readLongKey } from './codec.js';
import type { BaselineQuery } from './types.js';

const TABLE = 'baseline_enrich_auction';

interface A {
  readonly itemName: string;
  readonly seller: number;
  readonly category: number;
}

export const enrich: BaselineQuery = {
  // Bids first, as the engine lists a join's inputs (left, then right): records of equal time
  // are then taken in the same order on both sides.
  inputs: [BID_TOPIC, AUCTION_TOPIC],
  output: { kind: 'stream', keyFormat: 'KAFKA' },
  create: ({ database }) => {
    database.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (id INTEGER PRIMARY KEY, item_name TEXT, seller INTEGER, category INTEGER)`);
    const upsert = database.prepare(
      `INSERT INTO ${TABLE} (id, item_name, seller, category) VALUES (?, ?, ?, ?)` +
        ' ON CONFLICT (id) DO UPDATE SET item_name = excluded.item_name, seller = excluded.seller, category = excluded.category',
    );
    const remove = database.prepare(`DELETE FROM ${TABLE} WHERE id = ?`);
    const select = database.prepare(`SELECT item_name, seller, category FROM ${TABLE} WHERE id = ?`).raw();
    // The table's rows (null: known absent), and the ids changed since the last commit.
    const rows = new Map<number, A | null>();
    const changed = new Set<number>();
    const lookup = (id: number): A | null => {
      let a = rows.get(id);
      if (a === undefined) {
        const r = select.get(id) as [string, number, number] | undefined;
        a = r === undefined ? null : { itemName: r[0], seller: r[1], category: r[2] };
        rows.set(id, a);
      }
      return a;
    };
    return {
      process(rec, out) {
        const id = readLongKey(rec.key);
        if (rec.topic === AUCTION_TOPIC) {
          const v = parseValue<Auction>(rec);
          rows.set(id, v === null ? null : { itemName: v.itemName, seller: v.seller, category: v.category });
          changed.add(id);
          return;
        }
        const b = parseValue<Bid>(rec);
        if (b === null) return;
        const a = lookup(id);
        if (a === null) return;
        out.push({
          timestamp: rec.timestamp,
          key: longKey(id),
          value: jsonValue({ BIDDER: b.bidder, PRICE: b.price, ITEMNAME: a.itemName, SELLER: a.seller, CATEGORY: a.category }),
        });
      },
      flush() {
        for (const id of changed) {
          const a = rows.get(id)!;
          if (a === null) remove.run(id);
          else upsert.run(id, a.itemName, a.seller, a.category);
        }
        changed.clear();
      },
    };
  },
};
