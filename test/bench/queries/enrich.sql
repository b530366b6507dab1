-- Stream-table enrichment (not a Nexmark query): each bid joined to its auction's current row
-- in a table, as a service adds reference data to the events it passes on. AUCTION_T is a
-- table over the auction topic (keyed by the auction id, like BID); a bid whose auction the
-- table does not hold yet is dropped (an inner join). The result keeps the bid's time.
CREATE TABLE auction_t (id BIGINT PRIMARY KEY, itemName STRING, seller BIGINT, category BIGINT)
  WITH (kafka_topic='auction', key_format='KAFKA', value_format='JSON');

CREATE STREAM enrich AS
  SELECT B.auction AS auction, B.bidder AS bidder, B.price AS price,
         A.itemName AS itemName, A.seller AS seller, A.category AS category
  FROM bid B JOIN auction_t A ON B.auction = A.id;
