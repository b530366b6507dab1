-- Query 4: average price for a category. The average of the winning bids of the auctions in
-- each category (Flink's q4).
-- ksqlDB adaptation: ksqlDB has no subqueries, so each level is its own persistent query.
--   1. Flink's join with `B.dateTime BETWEEN A.dateTime AND A.expires` becomes a stream-stream
--      join (bids within an hour after their auction, longer than any auction lasts) with the
--      same filter; the winning bid per auction is a table, keyed by the two GROUP BY columns
--      (hence a JSON key: KAFKA keys hold one column).
--   2. The per-category average re-aggregates that table: as a winning bid rises, AVG retracts
--      the old one. ksqlDB's AVG is a DOUBLE where Flink's AVG(BIGINT) truncates to a BIGINT.
-- The columns are FINAL_PRICE / AVG_FINAL_PRICE because FINAL is a keyword (EMIT FINAL).
CREATE TABLE q4_max WITH (key_format='JSON') AS
  SELECT A.id AS id, A.category AS category, MAX(B.price) AS final_price
  FROM auction A JOIN bid B WITHIN (0 SECONDS, 1 HOUR) GRACE PERIOD 1 MINUTE ON A.id = B.auction
  WHERE B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.category;

-- The result is keyed by category in the KAFKA format, like the other results (q4_max's
-- JSON key would otherwise be inherited).
CREATE TABLE q4 WITH (key_format='KAFKA') AS
  SELECT category, AVG(final_price) AS avg_final_price FROM q4_max GROUP BY category;
