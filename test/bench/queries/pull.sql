-- The table the pull-query benchmark reads (pull.ts): bids per auction, materialised in
-- SQLite and keyed by auction, so a lookup by auction id is a primary-key probe.
CREATE TABLE bids_per_auction AS
  SELECT auction, COUNT(*) AS n, MAX(price) AS max_price FROM bid GROUP BY auction;
