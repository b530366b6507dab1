// A deterministic Nexmark generator, following the Beam / Flink generator's rules: the event
// number decides the kind (1 : 3 : 46) and the ids, so that most bids name an auction and a
// bidder that already exist, with 'hot' auctions, sellers and bidders taking most of them.
// One seeded PRNG stream draws everything else. Unlike Flink's, event time comes from the
// event number alone (no wall clock), and a share of events is set back in time to arrive
// out of order.

import {
  AUCTION_PROPORTION,
  AVG_AUCTION_BYTES,
  AVG_BID_BYTES,
  AVG_PERSON_BYTES,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  HOT_AUCTION_RATIO,
  HOT_BIDDERS_RATIO,
  HOT_SELLERS_RATIO,
  NUM_ACTIVE_PEOPLE,
  NUM_CATEGORIES,
  NUM_IN_FLIGHT_AUCTIONS,
  PERSON_PROPORTION,
  TOTAL_PROPORTION,
  type Auction,
  type Bid,
  type NexmarkConfig,
  type NexmarkEvent,
  type Person,
} from './model.js';
import { Random } from './random.js';

const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const CHANNELS_NUMBER = 10_000;
/** Ids up to this many ahead of the last one may be named (the event "arrives" before its parent). */
const ID_LEAD = 10;
/** Hot auctions / sellers / bidders are the first of each batch of this many. */
const HOT_BATCH = 100;

export function* generateEvents(config: NexmarkConfig): Generator<NexmarkEvent> {
  const random = new Random(config.seed);
  const delayUs = 1_000_000 / config.eventsPerSecond;
  const timestampFor = (n: number) => config.baseTime + Math.floor((n * delayUs) / 1000);
  const hotUrls = HOT_CHANNELS.map(() => baseUrl(random));
  for (let n = 0; n < config.events; n++) {
    let ts = timestampFor(n);
    if (config.outOfOrderShare > 0 && random.nextDouble() < config.outOfOrderShare) {
      ts = Math.max(config.baseTime, ts - 1 - random.nextLong(config.maxDelayMs));
    }
    const rem = n % TOTAL_PROPORTION;
    if (rem < PERSON_PROPORTION) {
      yield { kind: 'person', person: nextPerson(n, random, ts) };
    } else if (rem < PERSON_PROPORTION + AUCTION_PROPORTION) {
      yield { kind: 'auction', auction: nextAuction(n, random, ts, timestampFor) };
    } else {
      yield { kind: 'bid', bid: nextBid(n, random, ts, hotUrls) };
    }
  }
}

/** The last person id (base 0) at event `eventId`: the current one when it is a person. */
function lastBase0PersonId(eventId: number): number {
  const epoch = Math.floor(eventId / TOTAL_PROPORTION);
  let offset = eventId % TOTAL_PROPORTION;
  if (offset >= PERSON_PROPORTION) offset = PERSON_PROPORTION - 1;
  return epoch * PERSON_PROPORTION + offset;
}

function lastBase0AuctionId(eventId: number): number {
  let epoch = Math.floor(eventId / TOTAL_PROPORTION);
  let offset = eventId % TOTAL_PROPORTION;
  if (offset < PERSON_PROPORTION) {
    epoch--;
    offset = AUCTION_PROPORTION - 1;
  } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
    offset = AUCTION_PROPORTION - 1;
  } else {
    offset -= PERSON_PROPORTION;
  }
  return epoch * AUCTION_PROPORTION + offset;
}

/** A random recent ('active') person, or one a few ids ahead. */
function nextBase0PersonId(eventId: number, random: Random): number {
  const numPeople = lastBase0PersonId(eventId) + 1;
  const active = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
  return numPeople - active + random.nextLong(active + ID_LEAD);
}

/** A random auction likely still in flight, or one a few ids ahead. */
function nextBase0AuctionId(eventId: number, random: Random): number {
  const max = lastBase0AuctionId(eventId);
  const min = Math.max(max - NUM_IN_FLIGHT_AUCTIONS, 0);
  return min + random.nextLong(max - min + 1 + ID_LEAD);
}

function nextPerson(eventId: number, random: Random, ts: number): Person {
  const id = lastBase0PersonId(eventId) + FIRST_PERSON_ID;
  const name = `${FIRST_NAMES[random.nextInt(FIRST_NAMES.length)]} ${LAST_NAMES[random.nextInt(LAST_NAMES.length)]}`;
  const emailAddress = `${nextString(random, 7)}@${nextString(random, 5)}.com`;
  const card: string[] = [];
  for (let i = 0; i < 4; i++) card.push(String(random.nextInt(10_000)).padStart(4, '0'));
  const creditCard = card.join(' ');
  const city = US_CITIES[random.nextInt(US_CITIES.length)]!;
  const state = US_STATES[random.nextInt(US_STATES.length)]!;
  const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
  const extra = nextExtra(random, size, AVG_PERSON_BYTES);
  return { id, name, emailAddress, creditCard, city, state, dateTime: ts, extra };
}

function nextAuction(eventId: number, random: Random, ts: number, timestampFor: (n: number) => number): Auction {
  const id = lastBase0AuctionId(eventId) + FIRST_AUCTION_ID;
  const seller =
    (random.nextInt(HOT_SELLERS_RATIO) > 0
      ? Math.floor(lastBase0PersonId(eventId) / HOT_BATCH) * HOT_BATCH
      : nextBase0PersonId(eventId, random)) + FIRST_PERSON_ID;
  const category = FIRST_CATEGORY_ID + random.nextInt(NUM_CATEGORIES);
  const initialBid = nextPrice(random);
  // Auctions last on average until NUM_IN_FLIGHT_AUCTIONS more have been created.
  const eventsForAuctions = Math.floor((NUM_IN_FLIGHT_AUCTIONS * TOTAL_PROPORTION) / AUCTION_PROPORTION);
  const horizonMs = timestampFor(eventId + eventsForAuctions) - ts;
  const expires = ts + 1 + random.nextLong(Math.max(horizonMs * 2, 1));
  const itemName = nextString(random, 20);
  const description = nextString(random, 100);
  const reserve = initialBid + nextPrice(random);
  const size = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8;
  const extra = nextExtra(random, size, AVG_AUCTION_BYTES);
  return { id, itemName, description, initialBid, reserve, dateTime: ts, expires, seller, category, extra };
}

function nextBid(eventId: number, random: Random, ts: number, hotUrls: readonly string[]): Bid {
  const auction =
    (random.nextInt(HOT_AUCTION_RATIO) > 0
      ? Math.floor(lastBase0AuctionId(eventId) / HOT_BATCH) * HOT_BATCH
      : nextBase0AuctionId(eventId, random)) + FIRST_AUCTION_ID;
  // The hot bidder is the second of its batch, so hot bidders and hot sellers differ.
  const bidder =
    (random.nextInt(HOT_BIDDERS_RATIO) > 0
      ? Math.floor(lastBase0PersonId(eventId) / HOT_BATCH) * HOT_BATCH + 1
      : nextBase0PersonId(eventId, random)) + FIRST_PERSON_ID;
  const price = nextPrice(random);
  let channel: string;
  let url: string;
  if (random.nextInt(2) > 0) {
    const i = random.nextInt(HOT_CHANNELS.length);
    channel = HOT_CHANNELS[i]!;
    url = hotUrls[i]!;
  } else {
    const c = random.nextInt(CHANNELS_NUMBER);
    channel = `channel-${c}`;
    url = `${baseUrl(random)}&channel_id=${Math.abs(reverseBits(c))}`;
  }
  const extra = nextExtra(random, 8 + 8 + 8 + 8, AVG_BID_BYTES);
  return { auction, bidder, price, channel, url, dateTime: ts, extra };
}

/** Prices are log-uniform between $1 and $1M, in cents. */
function nextPrice(random: Random): number {
  return Math.round(Math.pow(10, random.nextDouble() * 6) * 100);
}

/** 3 to maxLength-1 letters, with about one space in 13, trimmed. */
function nextString(random: Random, maxLength: number): string {
  let len = 3 + random.nextInt(maxLength - 3);
  let s = '';
  while (len-- > 0) s += random.nextInt(13) === 0 ? ' ' : String.fromCharCode(97 + random.nextInt(26));
  return s.trim();
}

/** Padding so that an event's size averages `averageSize` (±20%). */
function nextExtra(random: Random, currentSize: number, averageSize: number): string {
  if (currentSize > averageSize) return '';
  const wanted = averageSize - currentSize;
  const delta = Math.round(wanted * 0.2);
  const length = wanted - delta + (delta === 0 ? 0 : random.nextInt(2 * delta));
  // Six letters from each draw keeps generation cheap next to the queries it feeds.
  let s = '';
  let rnd = 0;
  let left = 0;
  for (let i = 0; i < length; i++) {
    if (left === 0) {
      rnd = random.nextUint32() >>> 1;
      left = 6;
    }
    s += String.fromCharCode(97 + (rnd % 26));
    rnd = Math.floor(rnd / 26);
    left--;
  }
  return s;
}

function baseUrl(random: Random): string {
  return `https://www.nexmark.com/${nextString(random, 5)}/${nextString(random, 5)}/${nextString(random, 5)}/item.htm?query=1`;
}

/** Java's Integer.reverse. */
function reverseBits(x: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) {
    r = (r << 1) | (x & 1);
    x >>>= 1;
  }
  return r | 0;
}
