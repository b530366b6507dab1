-- Enrich orders with their customer (a stream-table join), re-keyed by product (the join
-- repartitions in-process), then revenue per customer level in one-hour windows.
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING, level STRING)
  WITH (kafka_topic='customers', partitions=2, value_format='JSON');
CREATE STREAM orders (id STRING KEY, customer_id BIGINT, product STRING, amount DECIMAL(10, 2))
  WITH (kafka_topic='orders', partitions=2, value_format='JSON');

CREATE STREAM enriched AS
  SELECT o.customer_id AS customer_id, o.id AS order_id, c.name, c.level, o.product, o.amount
  FROM orders o JOIN customers c ON o.customer_id = c.id;

CREATE TABLE revenue_by_level AS
  SELECT level, COUNT(*) AS orders, SUM(amount) AS revenue
  FROM enriched WINDOW TUMBLING (SIZE 1 HOUR)
  GROUP BY level;

INSERT INTO customers (id, name, level) VALUES (1, 'Ann', 'gold');
INSERT INTO customers (id, name, level) VALUES (2, 'Bob', 'silver');
INSERT INTO orders (id, customer_id, product, amount) VALUES ('o-1', 1, 'book', 12.50);
INSERT INTO orders (id, customer_id, product, amount) VALUES ('o-2', 2, 'pen', 1.20);
INSERT INTO orders (id, customer_id, product, amount) VALUES ('o-3', 1, 'lamp', 30.00);
