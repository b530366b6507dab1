-- Query 8: monitor new users. People who registered and created an auction in the same
-- 10-second tumbling window (Flink's q8).
-- ksqlDB adaptation: Flink joins two windowed aggregates on (id, window); ksqlDB cannot join
-- windowed tables. So persons join auctions directly (a stream-stream join within 10 seconds,
-- rekeying AUCTION by SELLER), the WHERE keeps pairs in the same tumbling window, and the
-- GROUP BY makes one row per person and window, as Flink's GROUP BY does, counting the
-- auctions. Two key columns need a JSON key (KAFKA keys hold one column).
CREATE TABLE q8 WITH (key_format='JSON') AS
  SELECT P.id AS id, UNIX_TIMESTAMP(P.dateTime) / 10000 * 10000 AS starttime,
         LATEST_BY_OFFSET(P.name) AS name, COUNT(*) AS auctions
  FROM person P JOIN auction A WITHIN 10 SECONDS GRACE PERIOD 1 MINUTE ON P.id = A.seller
  WHERE UNIX_TIMESTAMP(P.dateTime) / 10000 = UNIX_TIMESTAMP(A.dateTime) / 10000
  GROUP BY P.id, UNIX_TIMESTAMP(P.dateTime) / 10000 * 10000;
