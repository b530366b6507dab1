-- Tables, windows and pull queries: page views counted per user, per minute and per session.
CREATE STREAM views (user_id STRING KEY, page STRING, ms BIGINT)
  WITH (kafka_topic='views', partitions=1, value_format='JSON');

-- A source table: the latest row per PRIMARY KEY; a null value (tombstone) deletes.
CREATE TABLE users (user_id STRING PRIMARY KEY, name STRING, country STRING)
  WITH (kafka_topic='users', partitions=1, value_format='JSON');

-- An aggregate table over a stream, updated with every view (EMIT CHANGES is the default).
CREATE TABLE views_per_user AS
  SELECT user_id, COUNT(*) AS views, AVG(ms) AS avg_ms, LATEST_BY_OFFSET(page) AS last_page
  FROM views GROUP BY user_id;

-- Tumbling one-minute windows, emitted once each, when the window closes (end + grace).
CREATE TABLE views_per_minute AS
  SELECT user_id, COUNT(*) AS views, WINDOWSTART AS win_start, WINDOWEND AS win_end
  FROM views WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS)
  GROUP BY user_id EMIT FINAL;

-- Session windows: a session ends after 5 minutes without a view.
CREATE TABLE sessions AS
  SELECT user_id, COUNT(*) AS views
  FROM views WINDOW SESSION (5 MINUTES)
  GROUP BY user_id;

-- Aggregating a table: an update retracts the old row's contribution.
CREATE TABLE users_per_country AS
  SELECT country, COUNT(*) AS users FROM users GROUP BY country;

INSERT INTO users (user_id, name, country) VALUES ('alice', 'Alice', 'NL');
INSERT INTO users (user_id, name, country) VALUES ('bob', 'Bob', 'NL');
INSERT INTO users (user_id, name, country) VALUES ('bob', 'Bob', 'FR');
INSERT INTO views (ROWTIME, user_id, page, ms) VALUES (1700000000000, 'alice', '/home', 120);
INSERT INTO views (ROWTIME, user_id, page, ms) VALUES (1700000010000, 'alice', '/docs', 340);
INSERT INTO views (ROWTIME, user_id, page, ms) VALUES (1700000020000, 'bob', '/home', 80);
INSERT INTO views (ROWTIME, user_id, page, ms) VALUES (1700000100000, 'alice', '/blog', 200);
-- Moves stream time past the first minute's end plus grace, so that minute is emitted.
INSERT INTO views (ROWTIME, user_id, page, ms) VALUES (1700000200000, 'bob', '/about', 90);
