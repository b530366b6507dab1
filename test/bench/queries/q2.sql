-- Query 2: selection. Bids on every 123rd auction, and their price (Flink's q2).
-- ksqlDB adaptation: ksqlDB has no MOD function; its % operator does the same on BIGINTs.
CREATE STREAM q2 AS SELECT auction, price FROM bid WHERE auction % 123 = 0;
