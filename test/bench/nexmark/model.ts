// The Nexmark event model (Person, Auction, Bid) with the standard field names, and the
// generator's configuration with the standard defaults (Beam / Flink NexmarkConfiguration).

export interface Person {
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  readonly dateTime: number; // epoch ms
  readonly extra: string;
}

export interface Auction {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

export interface Bid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  readonly dateTime: number;
  readonly extra: string;
}

export type NexmarkEvent =
  | { readonly kind: 'person'; readonly person: Person }
  | { readonly kind: 'auction'; readonly auction: Auction }
  | { readonly kind: 'bid'; readonly bid: Bid };

export interface NexmarkConfig {
  /** How many events in all (persons + auctions + bids). */
  readonly events: number;
  readonly seed: number;
  /** Event time advances by 1/rate seconds per event. */
  readonly eventsPerSecond: number;
  /** Share of events whose event time is set back by up to maxDelayMs: they arrive late. */
  readonly outOfOrderShare: number;
  readonly maxDelayMs: number;
  /** Event time of the first event (epoch ms). */
  readonly baseTime: number;
}

export const DEFAULT_CONFIG: Omit<NexmarkConfig, 'events'> = {
  seed: 42,
  // Nexmark's standard first event rate.
  eventsPerSecond: 10_000,
  // Well inside the queries' join windows and grace periods, so out-of-order events test
  // reordering without being dropped as late.
  outOfOrderShare: 0.05,
  maxDelayMs: 2_000,
  // 2015-07-15T00:00:00Z, the base time Beam's Nexmark tests use.
  baseTime: 1_436_918_400_000,
};

/** The standard proportions: of every 50 events, 1 is a person, 3 auctions, 46 bids. */
export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
export const BID_PROPORTION = 46;
export const TOTAL_PROPORTION = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;

/** Standard sizes in Nexmark's own accounting (8 bytes a number, 1 a character). */
export const AVG_PERSON_BYTES = 200;
export const AVG_AUCTION_BYTES = 500;
export const AVG_BID_BYTES = 100;

export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const NUM_CATEGORIES = 5;
export const NUM_ACTIVE_PEOPLE = 1000;
export const NUM_IN_FLIGHT_AUCTIONS = 100;
/** 1 - 1/ratio of choices go to a 'hot' auction, seller or bidder. */
export const HOT_AUCTION_RATIO = 2;
export const HOT_SELLERS_RATIO = 4;
export const HOT_BIDDERS_RATIO = 4;
