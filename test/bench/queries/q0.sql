-- Query 0: pass-through (not in the original suite; Flink's q0). It measures the fixed cost of
-- a query: read, decode, encode and write every bid.
-- ksqlDB adaptation: AUCTION is BID's key column, and a projection must keep the key, so it
-- is the result's key; the other columns form the JSON value.
CREATE STREAM q0 AS SELECT auction, bidder, price, dateTime, extra FROM bid;
