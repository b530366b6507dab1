-- Slow page views, re-keyed by page: a stream, a filter, a projection and a PARTITION BY.
CREATE STREAM pageviews (user_id INT KEY, page STRING, ms BIGINT, ts BIGINT)
  WITH (kafka_topic='pageviews', partitions=2, value_format='JSON', timestamp='ts');

CREATE STREAM slow_pages AS
  SELECT page, user_id, ms, ms / 1000.0 AS seconds
  FROM pageviews
  WHERE ms > 1000
  PARTITION BY page;

INSERT INTO pageviews (user_id, page, ms, ts) VALUES (1, '/home', 1500, 1700000000000);
INSERT INTO pageviews (user_id, page, ms, ts) VALUES (2, '/about', 200, 1700000001000);
INSERT INTO pageviews (user_id, page, ms, ts) VALUES (3, '/home', 2500, 1700000002000);
