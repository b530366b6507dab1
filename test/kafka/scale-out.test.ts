// Scale-out under a fault: three `sluice server` processes with one service id share a per-key
// count (CTAS) and an orders-customers join (CSAS) over six partitions; the statements go to
// one instance over REST, and the other two, already running, follow the command topic. One is
// SIGKILLed while orders keep coming; once the consumer group notices (its session timeout),
// the other two take over its tasks, restore its state from the changelogs and carry on. In
// the end the sinks, read as a consumer of the guarantee reads them, hold every result:
//   exactly_once_v2: every joined order once, and per customer the counts 1..n once each;
//   at_least_once:   every joined order at least once, every count 1..n at least once.
// In both, the last count per customer is the number of its orders.
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessingGuarantee } from '../../runtime/log/kafka/options.js';
import { kafkaSkipReason, kafkaTestbed, reportSkipped } from './broker.js';
import { customerName, expectedCounts, orderCustomers, recordsIn, startShop, type Shop } from './scale-scenario.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

/** It runs in about 35 s: the slack lets the waits' own deadlines fail first, with the instances' stderr. */
const TEST_TIMEOUT_MS = 150_000;
const ORDERS = 3000;
const CHUNK = 100;
/** Chunks processed by all three before anything happens: each instance must have had a share. */
const WARM_UP_CHUNKS = 9;
/** The victim dies right after this chunk, while the stream keeps coming. */
const KILL_AFTER_CHUNK = 14;
const VICTIM = 1;
/** Paces the producer so that the stream is still flowing when the victim dies. */
const CHUNK_PAUSE_MS = 25;

describe.skipIf(skip !== undefined)('scale-out: three instances, one SIGKILLed mid-stream', () => {
  const testbed = kafkaTestbed('sluice-scale-out-');
  let shop: Shop | undefined;

  afterEach(async () => {
    await shop?.close();
    shop = undefined;
  });

  for (const guarantee of ['exactly_once_v2', 'at_least_once'] as const satisfies readonly ProcessingGuarantee[]) {
    it(`${guarantee}: after takeover the sinks hold every result`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const s = (shop = await startShop({
        bootstrap: testbed.cluster().bootstrap,
        dir: testbed.tempDir(),
        run: `${guarantee === 'exactly_once_v2' ? 'eos' : 'alos'}-${Date.now().toString(36)}`,
        count: 3,
        others: 'running',
        guarantee,
      }));
      const customers = orderCustomers(ORDERS, 7);
      const base = Date.now() - 3_600_000;
      const send = (chunk: number) => s.producer.orders(customers, chunk * CHUNK, Math.min(ORDERS, (chunk + 1) * CHUNK), base);
      await s.producer.customers(base - 1);
      for (let chunk = 0; chunk < WARM_UP_CHUNKS; chunk++) await send(chunk);
      await s.reader.waitCaughtUp(s.inputs, 45_000, s.diagnose);
      // Every instance has committed a share of the warm-up orders, none all of them: the tasks
      // are spread, so the victim's death leaves tasks for the others to take over.
      const warmUp = WARM_UP_CHUNKS * CHUNK;
      for (let i = 0; i < s.instances.count; i++) {
        const counted = (await recordsIn(s.instances.url(i))).get(s.countQuery) ?? 0;
        const why = `instance ${i} counted ${counted} of ${warmUp} orders\n${s.logs()}`;
        expect(counted, why).toBeGreaterThan(0);
        expect(counted, why).toBeLessThan(warmUp);
      }

      let lagAtKill = -1;
      for (let chunk = WARM_UP_CHUNKS; chunk * CHUNK < ORDERS; chunk++) {
        await send(chunk);
        if (chunk === KILL_AFTER_CHUNK) {
          await s.instances.kill9(VICTIM);
          lagAtKill = await s.reader.lag(s.inputs);
        }
        await new Promise((r) => setTimeout(r, CHUNK_PAUSE_MS));
      }
      // Takeover waits for the group's session timeout to notice the dead member.
      await s.reader.waitCaughtUp(s.inputs, 60_000, s.diagnose);
      await s.reader.waitNoOpenTransaction('ENRICHED', 20_000, s.diagnose);
      await s.reader.waitNoOpenTransaction('ORDER_COUNTS', 20_000, s.diagnose);

      // The join: every order with its customer's name, exactly once or at least once.
      const joined = new Map<number, number>();
      const wrong: unknown[] = [];
      for (const { key, value } of await s.reader.readAll('ENRICHED')) {
        const oid = Number(value['OID']);
        if (key !== customers[oid] || value['NAME'] !== customerName(key)) wrong.push({ key, value });
        joined.set(oid, (joined.get(oid) ?? 0) + 1);
      }
      const missing = Array.from({ length: ORDERS }, (_, oid) => oid).filter((oid) => !joined.has(oid));
      const repeated = [...joined].filter(([, n]) => n > 1);

      // The count's changelog: per customer, in order, 1..n (once each under exactly_once_v2).
      const counts = new Map<number, number[]>();
      for (const { key, value } of await s.reader.readAll('ORDER_COUNTS')) counts.set(key, [...(counts.get(key) ?? []), Number(value['N'])]);
      const expected = expectedCounts(customers);
      const bad: unknown[] = [];
      for (const [cid, n] of expected) {
        const seen = counts.get(cid) ?? [];
        const once = Array.from({ length: n }, (_, i) => i + 1);
        const distinct = [...new Set(seen)].sort((a, b) => a - b);
        const ok =
          seen.at(-1) === n &&
          (guarantee === 'exactly_once_v2' ? JSON.stringify(seen) === JSON.stringify(once) : JSON.stringify(distinct) === JSON.stringify(once));
        if (!ok) bad.push({ cid, orders: n, counts: seen });
      }
      const unknown = [...counts.keys()].filter((cid) => !expected.has(cid));

      // All checks at once, so that a failure shows the join's and the count's state together.
      const problems: Record<string, readonly unknown[]> = {
        'joined rows with the wrong customer': wrong,
        'orders missing from the join': missing,
        'orders joined more than once [oid, times]': guarantee === 'exactly_once_v2' ? repeated : [],
        'counted customers without orders': unknown,
        'customers whose counts are wrong': bad,
      };
      const found = Object.entries(problems).filter(([, offenders]) => offenders.length > 0);
      expect(
        found.map(([what, offenders]) => `${offenders.length} ${what}`),
        `${found.map(([what, offenders]) => `${what}, e.g. ${JSON.stringify(offenders.slice(0, 8))}`).join('\n')}\n${s.logs()}`,
      ).toEqual([]);
      const emitted = [...counts.values()].reduce((n, c) => n + c.length, 0);
      console.log(`scale-out ${guarantee}: ${ORDERS} orders, ${lagAtKill} uncommitted when instance ${VICTIM} was killed; join outputs ${[...joined.values()].reduce((a, b) => a + b, 0)}, count updates ${emitted}`);
    });
  }
});
