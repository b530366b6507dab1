// The book's order-validation example, end to end: known orders get known verdicts.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { ORDER_VALIDATION_SQL, orderValidationData } from '../../queries/order-validation/datagen.js';

async function rows(engine: Engine, sql: string): Promise<unknown[][]> {
  const r = (await engine.execute(sql))[0]!;
  if (r.type !== 'rows') throw new Error('expected rows');
  return r.rows.map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

describe('order validation (Designing Event-Driven Systems, ch. 15)', () => {
  it('validates, rejects and holds orders by their checks', async () => {
    const engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    try {
      await engine.execute(readFileSync(ORDER_VALIDATION_SQL, 'utf8'));
      await engine.execute(`
        INSERT INTO customers (id, name, level) VALUES (1, 'Ann', 'gold');
        INSERT INTO customers (id, name, level) VALUES (2, 'Bob', 'blocked');
        INSERT INTO inventory (product, stock) VALUES ('book', 10);
        INSERT INTO inventory (product, stock) VALUES ('lamp', 1);`);
      await engine.drain();
      await engine.execute(`
        INSERT INTO orders (id, customer_id, product, quantity, price) VALUES ('ok', 1, 'book', 2, 10.00);
        INSERT INTO orders (id, customer_id, product, quantity, price) VALUES ('no-stock', 1, 'lamp', 3, 20.00);
        INSERT INTO orders (id, customer_id, product, quantity, price) VALUES ('unpaid', 1, 'book', 1, 10.00);
        INSERT INTO orders (id, customer_id, product, quantity, price) VALUES ('blocked', 2, 'book', 1, 10.00);
        INSERT INTO orders (id, customer_id, product, quantity, price) VALUES ('underpaid', 1, 'book', 1, 10.00);
        INSERT INTO orders (id, customer_id, product, quantity, price) VALUES ('bad-qty', 1, 'book', 0, 10.00);
        INSERT INTO payments (id, order_id, amount) VALUES ('p1', 'ok', 20.00);
        INSERT INTO payments (id, order_id, amount) VALUES ('p2', 'no-stock', 60.00);
        INSERT INTO payments (id, order_id, amount) VALUES ('p4', 'blocked', 10.00);
        INSERT INTO payments (id, order_id, amount) VALUES ('p5', 'underpaid', 5.00);
        INSERT INTO payments (id, order_id, amount) VALUES ('p6', 'bad-qty', 0.00);`);
      await engine.drain();
      expect(await rows(engine, 'SELECT order_id, status FROM order_status ORDER BY order_id;')).toEqual([
        ['bad-qty', 'REJECTED'],
        ['blocked', 'REJECTED'],
        ['no-stock', 'REJECTED'],
        ['ok', 'VALIDATED'],
        ['underpaid', 'REJECTED'],
        ['unpaid', 'PENDING'],
      ]);
      // Why an order was rejected: its failed checks.
      expect(await rows(engine, "SELECT check_name FROM validations WHERE order_id = 'no-stock' AND result = 'FAIL';")).toEqual([['INVENTORY']]);
    } finally {
      await engine.close();
    }
  });

  it('runs over generated data: every order gets all four checks once paid', async () => {
    const engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    try {
      await engine.execute(readFileSync(ORDER_VALIDATION_SQL, 'utf8'));
      const data = orderValidationData(60);
      await engine.execute(data.statements.slice(0, 25).join('\n'));
      await engine.drain();
      await engine.execute(data.statements.slice(25).join('\n'));
      await engine.drain();
      const statuses = await rows(engine, 'SELECT status, COUNT(*) AS n FROM order_status GROUP BY status ORDER BY status;');
      const byStatus = Object.fromEntries(statuses.map(([s, n]) => [s, n]));
      expect(Object.values(byStatus).reduce((a, b) => Number(a) + Number(b), 0)).toBe(60);
      expect(byStatus.VALIDATED).toBeGreaterThan(0);
      expect(byStatus.REJECTED).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });
});
