import { describe, expect, it } from 'vitest';
import { generateEvents } from './nexmark/generator.js';
import { DEFAULT_CONFIG, type NexmarkEvent } from './nexmark/model.js';

const config = { ...DEFAULT_CONFIG, events: 10_000 };
const events = [...generateEvents(config)];
const of = <K extends NexmarkEvent['kind']>(kind: K) => events.filter((e): e is Extract<NexmarkEvent, { kind: K }> => e.kind === kind);

describe('Nexmark generator', () => {
  it('is deterministic for a seed, and the seed matters', () => {
    expect([...generateEvents(config)]).toEqual(events);
    expect([...generateEvents({ ...config, seed: 7 })]).not.toEqual(events);
  });

  it('keeps the standard 1 : 3 : 46 proportions', () => {
    expect([of('person').length, of('auction').length, of('bid').length]).toEqual([200, 600, 9200]);
  });

  it('pads events to about the standard sizes (Nexmark counts 8 bytes a number, 1 a character)', () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const person = mean(of('person').map(({ person: p }) => 8 + p.name.length + p.emailAddress.length + p.creditCard.length + p.city.length + p.state.length + p.extra.length));
    const auction = mean(of('auction').map(({ auction: a }) => 8 + a.itemName.length + a.description.length + 40 + a.extra.length));
    const bid = mean(of('bid').map(({ bid: b }) => 32 + b.extra.length));
    expect(person).toBeGreaterThan(180);
    expect(person).toBeLessThan(220);
    expect(auction).toBeGreaterThan(450);
    expect(auction).toBeLessThan(550);
    expect(bid).toBeGreaterThan(90);
    expect(bid).toBeLessThan(110);
  });

  it('numbers persons and auctions in order, and bids name auctions that exist or soon will', () => {
    expect(of('person').map((e) => e.person.id)).toEqual(of('person').map((_, i) => 1000 + i));
    expect(of('auction').map((e) => e.auction.id)).toEqual(of('auction').map((_, i) => 1000 + i));
    const lastAuction = 1000 + of('auction').length - 1;
    for (const { bid } of of('bid')) {
      expect(bid.auction).toBeGreaterThanOrEqual(1000);
      expect(bid.auction).toBeLessThanOrEqual(lastAuction + 10);
    }
  });

  it('advances event time at the configured rate, with the configured share out of order', () => {
    const times = events.map((e) => (e.kind === 'person' ? e.person.dateTime : e.kind === 'auction' ? e.auction.dateTime : e.bid.dateTime));
    // 10 000 events at 10 000 events/s span one second.
    expect(Math.max(...times) - config.baseTime).toBeGreaterThan(990);
    expect(Math.max(...times) - config.baseTime).toBeLessThan(1000);
    let late = 0;
    let max = -Infinity;
    for (const t of times) {
      if (t < max - 1) late++;
      max = Math.max(max, t);
    }
    expect(late / times.length).toBeGreaterThan(0.03);
    expect(late / times.length).toBeLessThan(0.07);
    const none = [...generateEvents({ ...config, outOfOrderShare: 0 })];
    const inOrder = none.map((e) => (e.kind === 'person' ? e.person.dateTime : e.kind === 'auction' ? e.auction.dateTime : e.bid.dateTime));
    expect(inOrder).toEqual([...inOrder].sort((a, b) => a - b));
  });
});
