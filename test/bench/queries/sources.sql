-- The Nexmark sources, as `npm run datagen` declares them (and so as every benchmark run finds
-- them in the data directory's command log). Keys are KAFKA-format BIGINTs; values are the
-- whole event as JSON, whose camelCase field names match these columns because a JSON field
-- matches a column by its upper-cased name. Record timestamps are the events' dateTime, so
-- ROWTIME is event time and no TIMESTAMP property is needed.
CREATE STREAM person (
  id BIGINT KEY, name STRING, emailAddress STRING, creditCard STRING, city STRING, state STRING,
  dateTime TIMESTAMP, extra STRING
) WITH (kafka_topic='person', key_format='KAFKA', value_format='JSON', partitions=4);

CREATE STREAM auction (
  id BIGINT KEY, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT,
  dateTime TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT, extra STRING
) WITH (kafka_topic='auction', key_format='KAFKA', value_format='JSON', partitions=4);

CREATE STREAM bid (
  auction BIGINT KEY, bidder BIGINT, price BIGINT, channel STRING, url STRING,
  dateTime TIMESTAMP, extra STRING
) WITH (kafka_topic='bid', key_format='KAFKA', value_format='JSON', partitions=4);
