// Data for the order-validation example: customers, inventory, and orders with payments,
// seeded and deterministic. Some orders are meant to fail a check (too many items, a blocked
// customer, a payment too small, no payment at all), so every outcome shows up.
//
//   npm run datagen:orders -- [--orders N] [--data-dir DIR]
//
// It declares the example's streams, tables and queries (order-validation.sql) on the data
// directory, writes the data, runs the queries to the end, and prints the verdicts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../../runtime/engine/engine.js';

export interface OrderData {
  readonly statements: string[];
}

/** The INSERT statements for `orders` orders (plus customers, inventory and payments). */
export function orderValidationData(orders: number, seed = 7): OrderData {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const products = ['book', 'lamp', 'pen', 'mug', 'desk'];
  const out: string[] = [];
  for (let c = 1; c <= 20; c++) out.push(`INSERT INTO customers (id, name, level) VALUES (${c}, 'customer-${c}', '${c % 10 === 0 ? 'blocked' : c % 3 === 0 ? 'gold' : 'silver'}');`);
  for (const p of products) out.push(`INSERT INTO inventory (product, stock) VALUES ('${p}', ${5 + Math.floor(rand() * 20)});`);
  for (let i = 1; i <= orders; i++) {
    const customer = 1 + Math.floor(rand() * 20);
    const product = products[Math.floor(rand() * products.length)]!;
    const quantity = 1 + Math.floor(rand() * (rand() < 0.1 ? 40 : 5));
    const price = (1 + Math.floor(rand() * 5000) / 100).toFixed(2);
    out.push(`INSERT INTO orders (id, customer_id, product, quantity, price) VALUES ('order-${i}', ${customer}, '${product}', ${quantity}, ${price});`);
    const r = rand();
    if (r < 0.9) {
      const total = quantity * Number(price);
      const amount = (r < 0.85 ? total : total / 2).toFixed(2);
      out.push(`INSERT INTO payments (id, order_id, amount) VALUES ('payment-${i}', 'order-${i}', ${amount});`);
    }
  }
  return { statements: out };
}

export const ORDER_VALIDATION_SQL = join(import.meta.dirname, 'order-validation.sql');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { orders: { type: 'string', default: '100' }, 'data-dir': { type: 'string', default: './sluice-data' } } });
  const engine = new Engine({ dataDir: values['data-dir']!, properties: { 'auto.offset.reset': 'earliest' } });
  try {
    await engine.execute(readFileSync(ORDER_VALIDATION_SQL, 'utf8'));
    const data = orderValidationData(Number(values.orders));
    await engine.execute(data.statements.slice(0, 25).join('\n'));
    await engine.drain();
    await engine.execute(data.statements.slice(25).join('\n'));
    await engine.drain();
    const res = (await engine.execute('SELECT status, COUNT(*) AS orders FROM order_status GROUP BY status ORDER BY status;'))[0]!;
    if (res.type === 'rows') for (const [status, n] of res.rows) process.stdout.write(`${String(status)}: ${String(n)}\n`);
  } finally {
    await engine.close();
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await main();
