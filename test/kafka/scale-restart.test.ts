// Restart of a scaled-out service: three instances (two of them started after the statements,
// which they replay from the command topic) process the shop's orders; pull queries on
// the count table (a scan, key lookups) and on the customers table, sent to every instance,
// give one answer, the right one. Then every instance is stopped and one is started again on
// its own state directory: it now runs every task, so it restores the tasks that ran elsewhere
// from their changelogs, and the same pull queries give the same answers.
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaSkipReason, kafkaTestbed, reportSkipped } from './broker.js';
import { CUSTOMERS, customerName, expectedCounts, orderCustomers, pull, sortRows, startShop, type Shop } from './scale-scenario.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

/** It runs in about 35 s: the slack lets the waits' own deadlines fail first, with the instances' stderr. */
const TEST_TIMEOUT_MS = 150_000;
const ORDERS = 1200;
const CHUNK = 400;
/** Customers looked up by key: spread over the six partitions, and one without orders. */
const LOOKUPS = [0, 1, 2, 3, 5, 8, 13, 21, 34, 47];
const SURVIVOR = 2;
/** After the start, the instance joins the groups and restores its tasks: answers may come late, not wrong. */
const SETTLE_MS = 30_000;

const QUERIES = [
  'SELECT * FROM order_counts;',
  'SELECT * FROM customers;',
  ...LOOKUPS.map((cid) => `SELECT cid, n FROM order_counts WHERE cid = ${cid};`),
];

/** Every query's answer from one instance; a failed query answers its error text. */
async function answers(url: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const sql of QUERIES) out[sql] = await pull(url, sql).catch((e: unknown) => `error: ${(e as Error).message}`);
  return out;
}

describe.skipIf(skip !== undefined)('scale-out: stop every instance, start one', () => {
  const testbed = kafkaTestbed('sluice-scale-restart-');
  let shop: Shop | undefined;

  afterAll(async () => {
    await shop?.close();
  });

  it('pull queries answer the same state as before', { timeout: TEST_TIMEOUT_MS }, async () => {
    const s = (shop = await startShop({
      bootstrap: testbed.cluster().bootstrap,
      dir: testbed.tempDir(),
      run: `restart-${Date.now().toString(36)}`,
      count: 3,
      others: 'later',
    }));
    const customers = orderCustomers(ORDERS, 11);
    const base = Date.now() - 3_600_000;
    await s.producer.customers(base - 1);
    for (let from = 0; from < ORDERS; from += CHUNK) await s.producer.orders(customers, from, from + CHUNK, base);
    await s.reader.waitCaughtUp(s.inputs, 45_000, s.diagnose);

    // What is right, computed from the input: the answers must be that, from every instance.
    const counts = expectedCounts(customers);
    const expected: Record<string, unknown> = {
      'SELECT * FROM order_counts;': sortRows([...counts]),
      'SELECT * FROM customers;': sortRows(Array.from({ length: CUSTOMERS }, (_, id) => [id, customerName(id)])),
    };
    for (const cid of LOOKUPS) expected[`SELECT cid, n FROM order_counts WHERE cid = ${cid};`] = counts.has(cid) ? [[cid, counts.get(cid)]] : [];
    const before: Record<string, unknown>[] = [];
    for (let i = 0; i < s.instances.count; i++) before.push(await answers(s.instances.url(i)));
    for (const [i, got] of before.entries()) expect(got, `instance ${i} before the restart\n${s.logs()}`).toEqual(expected);

    await s.instances.stopAll();
    await s.instances.start(SURVIVOR);
    // Polled: right after its start the instance may still be joining its groups; an error or
    // a partial answer then is counted and reported, and the answers must settle on the old ones.
    const deadline = Date.now() + SETTLE_MS;
    let after = await answers(s.instances.url(SURVIVOR));
    let unsettled = 0;
    while (JSON.stringify(after) !== JSON.stringify(before[0]) && Date.now() < deadline) {
      unsettled++;
      await new Promise((r) => setTimeout(r, 500));
      after = await answers(s.instances.url(SURVIVOR));
    }
    console.log(`scale restart: answers settled after ${unsettled} polls that differed`);
    expect(after, `instance ${SURVIVOR} alone after the restart\n${s.logs()}`).toEqual(before[0]);
  });
});
