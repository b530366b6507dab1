-- The order-validation ecosystem of "Designing Event-Driven Systems" (chapter 15), in Sluice
-- SQL. Orders are validated by independent checks, each a continuous query writing PASS or
-- FAIL to one `validations` stream; an aggregate per order decides VALIDATED or REJECTED.
--
--   inventory check  orders re-keyed by product (PARTITION BY), joined to the inventory table
--   details check    quantity and price must be positive (a stateless filter)
--   customer check   orders joined to the customers table: unknown or blocked customers fail
--   payment check    orders joined to payments WITHIN 1 HOUR: the payment must cover the order

CREATE STREAM orders (id STRING KEY, customer_id BIGINT, product STRING, quantity INT, price DECIMAL(10, 2))
  WITH (kafka_topic='orders', partitions=2, value_format='JSON');
CREATE STREAM payments (id STRING KEY, order_id STRING, amount DECIMAL(10, 2))
  WITH (kafka_topic='payments', partitions=2, value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING, level STRING)
  WITH (kafka_topic='customers', partitions=2, value_format='JSON');
CREATE TABLE inventory (product STRING PRIMARY KEY, stock INT)
  WITH (kafka_topic='inventory', partitions=2, value_format='JSON');

CREATE STREAM validations (order_id STRING KEY, check_name STRING, result STRING)
  WITH (kafka_topic='order_validations', partitions=2, value_format='JSON');

-- Inventory: re-key orders by product so each order meets its product's stock.
CREATE STREAM orders_by_product AS
  SELECT product, id AS order_id, quantity FROM orders PARTITION BY product;
INSERT INTO validations
  SELECT o.order_id AS order_id, 'INVENTORY' AS check_name,
         CASE WHEN i.stock IS NOT NULL AND o.quantity <= i.stock THEN 'PASS' ELSE 'FAIL' END AS result
  FROM orders_by_product o LEFT JOIN inventory i ON o.product = i.product
  PARTITION BY o.order_id;

-- Order details: a stateless check.
INSERT INTO validations
  SELECT id AS order_id, 'DETAILS' AS check_name,
         CASE WHEN quantity > 0 AND price > 0 THEN 'PASS' ELSE 'FAIL' END AS result
  FROM orders;

-- Customer: re-key by customer to meet the customers table.
CREATE STREAM orders_by_customer AS
  SELECT customer_id, id AS order_id FROM orders PARTITION BY customer_id;
INSERT INTO validations
  SELECT o.order_id AS order_id, 'CUSTOMER' AS check_name,
         CASE WHEN c.level IS NULL OR c.level = 'blocked' THEN 'FAIL' ELSE 'PASS' END AS result
  FROM orders_by_customer o LEFT JOIN customers c ON o.customer_id = c.id
  PARTITION BY o.order_id;

-- Payment: a stream-stream join within an hour.
CREATE STREAM payments_by_order AS
  SELECT order_id, id AS payment_id, amount FROM payments PARTITION BY order_id;
INSERT INTO validations
  SELECT o.id AS order_id, 'PAYMENT' AS check_name,
         CASE WHEN p.amount >= o.quantity * o.price THEN 'PASS' ELSE 'FAIL' END AS result
  FROM orders o JOIN payments_by_order p WITHIN 1 HOUR ON o.id = p.order_id;

-- The verdict: all four checks passed, or any failed.
CREATE TABLE order_checks AS
  SELECT order_id,
         COUNT(*) AS checks,
         SUM(CASE WHEN result = 'PASS' THEN 1 ELSE 0 END) AS passed
  FROM validations GROUP BY order_id;
CREATE TABLE order_status AS
  SELECT order_id, checks, passed,
         CASE WHEN passed = 4 THEN 'VALIDATED' WHEN passed < checks THEN 'REJECTED' ELSE 'PENDING' END AS status
  FROM order_checks;
