--@test: filter keeps matching rows
CREATE STREAM a (id INT KEY, v INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);
CREATE STREAM b AS SELECT * FROM a WHERE v > 1;
INSERT INTO a (id, v) VALUES (1, 0);
INSERT INTO a (id, v) VALUES (2, 5);
ASSERT VALUES b (id, v) VALUES (2, 5);
ASSERT NO MORE VALUES b;

--@test: projection computes expressions with SQL null semantics (|| skips nulls, like CONCAT)
CREATE STREAM a (id INT KEY, x INT, s STRING) WITH (kafka_topic='a', value_format='JSON', partitions=1);
CREATE STREAM b AS SELECT id, x * 2 + 1 AS y, s || '!' AS t FROM a;
INSERT INTO a (id, x, s) VALUES (1, 3, 'hi');
INSERT INTO a (id, x, s) VALUES (2, NULL, NULL);
ASSERT VALUES b (id, y, t) VALUES (1, 7, 'hi!');
ASSERT VALUES b (id, y, t) VALUES (2, NULL, '!');

--@test: partition by rekeys the stream
CREATE STREAM a (id INT KEY, name STRING) WITH (kafka_topic='a', value_format='JSON', partitions=2);
CREATE STREAM b AS SELECT name, id FROM a PARTITION BY name;
INSERT INTO a (id, name) VALUES (1, 'x');
ASSERT VALUES b (name, id) VALUES ('x', 1);

--@test: insert into merges a second stream
CREATE STREAM a (id INT KEY, v INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);
CREATE STREAM c (id INT KEY, v INT) WITH (kafka_topic='c', value_format='JSON', partitions=1);
CREATE STREAM b AS SELECT * FROM a;
INSERT INTO b SELECT * FROM c;
INSERT INTO a (id, v) VALUES (1, 10);
INSERT INTO c (id, v) VALUES (2, 20);
ASSERT VALUES b (id, v) VALUES (1, 10);
ASSERT VALUES b (id, v) VALUES (2, 20);

--@test: a missing key column is rejected with its position
CREATE STREAM a (id INT KEY, v INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);
CREATE STREAM b AS SELECT v FROM a;
--@error: must include the key column ID

--@test: a missing topic without PARTITIONS is an error
CREATE STREAM a (id INT KEY, v INT) WITH (kafka_topic='nope', value_format='JSON');
--@error: Topic 'nope' does not exist

--@test: drop is refused while a query reads the source
CREATE STREAM a (id INT KEY, v INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);
CREATE STREAM b AS SELECT * FROM a;
DROP STREAM a;
--@error: The following queries read from this source: [CSAS_B_0]
TERMINATE CSAS_B_0;
DROP STREAM a;

