--@test: stream-table left join reads the table as it stands; table updates emit nothing
CREATE STREAM orders (id INT KEY, customer INT, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);
CREATE TABLE customers (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON', partitions=1);
CREATE STREAM enriched AS SELECT o.customer, o.id, name, amount FROM orders o LEFT JOIN customers c ON o.customer = c.id;
INSERT INTO customers (id, name) VALUES (7, 'ann');
INSERT INTO orders (id, customer, amount) VALUES (1, 7, 10);
INSERT INTO orders (id, customer, amount) VALUES (2, 8, 20);
INSERT INTO customers (id, name) VALUES (7, 'anna');
INSERT INTO orders (id, customer, amount) VALUES (3, 7, 30);
ASSERT VALUES enriched (customer, o_id, name, amount) VALUES (7, 1, 'ann', 10);
ASSERT VALUES enriched (customer, o_id, name, amount) VALUES (8, 2, NULL, 20);
ASSERT VALUES enriched (customer, o_id, name, amount) VALUES (7, 3, 'anna', 30);
ASSERT NO MORE VALUES enriched;

--@test: stream-stream inner join matches rows within the window, stamped with the later time
CREATE STREAM l (id INT KEY, a STRING) WITH (kafka_topic='l', value_format='JSON', partitions=1);
CREATE STREAM r (id INT KEY, b STRING) WITH (kafka_topic='r', value_format='JSON', partitions=1);
CREATE STREAM j AS SELECT l.id, a, b, ROWTIME AS t FROM l JOIN r WITHIN 10 SECONDS ON l.id = r.id;
--@error: Column 'ROWTIME' is ambiguous
CREATE STREAM j AS SELECT l.id, a, b, r.ROWTIME AS t FROM l JOIN r WITHIN 10 SECONDS ON l.id = r.id;
INSERT INTO l (ROWTIME, id, a) VALUES (1000, 1, 'x');
INSERT INTO r (ROWTIME, id, b) VALUES (5000, 1, 'y');
INSERT INTO r (ROWTIME, id, b) VALUES (20000, 1, 'late');
INSERT INTO r (ROWTIME, id, b) VALUES (6000, 2, 'other key');
ASSERT VALUES j (l_id, a, b, t) VALUES (1, 'x', 'y', 5000);
ASSERT NO MORE VALUES j;

--@test: stream-stream left join with a grace period emits an unmatched row once its window closes
CREATE STREAM l (id INT KEY, a STRING) WITH (kafka_topic='l', value_format='JSON', partitions=1);
CREATE STREAM r (id INT KEY, b STRING) WITH (kafka_topic='r', value_format='JSON', partitions=1);
CREATE STREAM j AS SELECT l.id, a, b FROM l LEFT JOIN r WITHIN 1 SECOND GRACE PERIOD 1 SECOND ON l.id = r.id;
INSERT INTO l (ROWTIME, id, a) VALUES (0, 1, 'unmatched');
INSERT INTO l (ROWTIME, id, a) VALUES (100, 2, 'matched');
INSERT INTO r (ROWTIME, id, b) VALUES (500, 2, 'y');
ASSERT VALUES j (l_id, a, b) VALUES (2, 'matched', 'y');
ASSERT NO MORE VALUES j;
INSERT INTO r (ROWTIME, id, b) VALUES (5000, 3, 'advances time');
ASSERT VALUES j (l_id, a, b) VALUES (1, 'unmatched', NULL);
ASSERT NO MORE VALUES j;

--@test: n-way join chains a stream through two tables
CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);
CREATE TABLE t1 (id INT PRIMARY KEY, x STRING) WITH (kafka_topic='t1', value_format='JSON', partitions=1);
CREATE TABLE t2 (id INT PRIMARY KEY, y STRING) WITH (kafka_topic='t2', value_format='JSON', partitions=1);
CREATE STREAM j AS SELECT s.id, v, x, y FROM s JOIN t1 ON s.id = t1.id LEFT JOIN t2 ON s.id = t2.id;
INSERT INTO t1 (id, x) VALUES (1, 'one');
INSERT INTO s (id, v) VALUES (1, 10);
INSERT INTO t2 (id, y) VALUES (1, 'uno');
INSERT INTO s (id, v) VALUES (1, 11);
INSERT INTO s (id, v) VALUES (2, 20);
ASSERT VALUES j (s_id, v, x, y) VALUES (1, 10, 'one', NULL);
ASSERT VALUES j (s_id, v, x, y) VALUES (1, 11, 'one', 'uno');
ASSERT NO MORE VALUES j;

--@test: join on a non-key column re-keys by the join expression
CREATE STREAM l (k STRING KEY, ref INT, a STRING) WITH (kafka_topic='l', value_format='JSON', partitions=1);
CREATE STREAM r (k STRING KEY, ref INT, b STRING) WITH (kafka_topic='r', value_format='JSON', partitions=1);
CREATE STREAM j AS SELECT l.ref, l.k AS lk, r.k AS rk, a, b FROM l JOIN r WITHIN 1 MINUTE ON l.ref = r.ref;
INSERT INTO l (k, ref, a) VALUES ('p', 5, 'x');
INSERT INTO r (k, ref, b) VALUES ('q', 5, 'y');
ASSERT VALUES j (l_ref, lk, rk, a, b) VALUES (5, 'p', 'q', 'x', 'y');

--@test: joins are checked as ksqlDB checks them
CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);
CREATE STREAM s2 (id INT KEY, v INT) WITH (kafka_topic='s2', value_format='JSON', partitions=1);
CREATE TABLE t (id INT PRIMARY KEY, v INT) WITH (kafka_topic='t', value_format='JSON', partitions=1);
CREATE STREAM x AS SELECT s.id, s.v FROM s JOIN s2 ON s.id = s2.id;
--@error: Stream-Stream joins must have a WITHIN clause specified
CREATE STREAM x AS SELECT s.id, s.v FROM s FULL OUTER JOIN t ON s.id = t.id;
--@error: full-outer join not supported for stream-table join
CREATE STREAM x AS SELECT s.id, t.v FROM s JOIN t ON s.v = t.v;
--@error: stream-table joins require to join on the table's primary key
CREATE TABLE x AS SELECT t.id, s.v FROM t JOIN s ON t.id = s.id;
--@error: Invalid join order: table-stream joins are not supported
CREATE STREAM x AS SELECT s.v, t.v FROM s JOIN t ON s.id = t.id;
--@error: must include the join expressions S.ID or T.ID in its projection
CREATE STREAM x AS SELECT * FROM s JOIN s WITHIN 1 SECOND ON s.id = s.id;
--@error: self joins are not yet supported
CREATE STREAM x AS SELECT s.id, v FROM s JOIN t ON s.id = t.id;
--@error: Column 'V' is ambiguous. Could be S.V or T.V.
CREATE STREAM x AS SELECT s.id, s.v FROM s JOIN t ON s.id = t.id AND s.v = t.v;
--@error: joins on multiple conditions are not yet supported

--@test: a source can't be dropped while a join reads it
CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);
CREATE TABLE t (id INT PRIMARY KEY, w INT) WITH (kafka_topic='t', value_format='JSON', partitions=1);
CREATE STREAM j AS SELECT s.id, v, w FROM s JOIN t ON s.id = t.id;
DROP TABLE t;
--@error: CSAS_J_0

--@test: inputs joined on their keys must have as many partitions
CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);
CREATE TABLE t (id INT PRIMARY KEY, w INT) WITH (kafka_topic='t', value_format='JSON', partitions=2);
CREATE STREAM j AS SELECT s.id, v, w FROM s JOIN t ON s.id = t.id;
--@error: the number of partitions don't match. `S` partitions = 1; `T` partitions = 2
CREATE STREAM j AS SELECT s.v, s.id, w FROM s JOIN t ON s.v = t.id;

--@test: a table-table full outer join is materialised like any table
CREATE TABLE a (id INT PRIMARY KEY, x STRING) WITH (kafka_topic='a', value_format='JSON', partitions=1);
CREATE TABLE b (id INT PRIMARY KEY, y STRING) WITH (kafka_topic='b', value_format='JSON', partitions=1);
CREATE TABLE j AS SELECT ROWKEY AS id, a.id AS a_id, x, y FROM a FULL OUTER JOIN b ON a.id = b.id;
INSERT INTO a (id, x) VALUES (1, 'x1');
INSERT INTO b (id, y) VALUES (2, 'y2');
INSERT INTO b (id, y) VALUES (1, 'y1');
ASSERT VALUES j (id, a_id, x, y) VALUES (1, 1, 'x1', 'y1');
ASSERT VALUES j (id, a_id, x, y) VALUES (2, NULL, NULL, 'y2');
ASSERT NO MORE VALUES j;
