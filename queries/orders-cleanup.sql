-- Cleaning raw orders: casts, null handling, struct access and an array explode.
CREATE TYPE address AS STRUCT<street STRING, city STRING>;

CREATE STREAM raw_orders (order_id STRING KEY, amount STRING, items ARRAY<STRING>, ship_to address)
  WITH (kafka_topic='raw_orders', partitions=1, value_format='JSON');

CREATE STREAM order_lines AS
  SELECT order_id,
         CAST(amount AS DECIMAL(10, 2)) AS amount,
         COALESCE(ship_to->city, 'unknown') AS city,
         EXPLODE(items) AS item
  FROM raw_orders;

INSERT INTO raw_orders (order_id, amount, items, ship_to)
  VALUES ('o-1', '12.50', ARRAY['apple', 'pear'], STRUCT(street := '1 Main St', city := 'Leeds'));
