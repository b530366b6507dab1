-- Query 3: local item suggestion. Who sells in OR, ID or CA in category 10, and which auctions
-- (Flink's q3).
-- ksqlDB adaptation: Flink's unbounded join of two append-only streams becomes a stream-stream
-- join, whose WITHIN must be finite. An hour covers any benchmark run (the default event rate
-- puts a million events in 100 s), so the result equals the unbounded join's, and matching
-- does not depend on which side arrives first. AUCTION is rekeyed by SELLER to meet PERSON's
-- key; the join key must be projected, so SELLER is the result's key.
CREATE STREAM q3 AS
  SELECT A.seller AS seller, P.name AS name, P.city AS city, P.state AS state, A.id AS id
  FROM auction A JOIN person P WITHIN 1 HOUR GRACE PERIOD 1 MINUTE ON A.seller = P.id
  WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA');
