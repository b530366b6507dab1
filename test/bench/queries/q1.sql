-- Query 1: currency conversion. Convert each bid from dollars to euros (Flink's q1).
-- No adaptation needed: in ksqlDB too, the DECIMAL literal times a BIGINT is a DECIMAL(23,3).
CREATE STREAM q1 AS SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid;
