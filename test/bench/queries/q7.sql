-- Query 7: highest bid. The highest bid of each 10-second tumbling window (Flink's q7).
-- ksqlDB adaptation: Flink joins the bids back to their window's maximum price, a self-join
-- ksqlDB does not have. ksqlDB's TOPK with extra columns returns the highest bid with its
-- fields instead, in one windowed aggregate; GROUP BY 1 puts all bids in one group. Where
-- Flink lists every bid tied at the top, TOPK keeps the first.
-- The grace period is an hour, longer than any benchmark run's event time: no bid is ever
-- dropped as late, so the result does not depend on the order partitions are read in.
CREATE TABLE q7 AS
  SELECT 1 AS k, WINDOWSTART AS starttime, TOPK(price, auction, bidder, dateTime, extra, 1) AS top
  FROM bid WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 HOUR)
  GROUP BY 1;
