// Runs SQL test files in the style of STYLE.md:
//
//   --@test: filter keeps matching rows
//   CREATE STREAM a (id INT KEY, v INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);
//   CREATE STREAM b AS SELECT * FROM a WHERE v > 1;
//   INSERT INTO a (id, v) VALUES (1, 0);
//   ASSERT VALUES b (id, v) VALUES (2, 5);
//   --@error: line 1:8 ...        (the previous statement must fail with a message containing this)
//
// Each test runs on a fresh in-memory engine. ASSERT VALUES / ASSERT NO MORE VALUES are
// handled here: the runner drains every query first, then reads the sink topic in order.

import { readFileSync } from 'node:fs';
import { Engine } from '../../runtime/engine/engine.js';
import { splitStatements } from '../../grammar/index.js';

export interface SqlTest {
  readonly name: string;
  readonly body: string;
}

export function loadSqlTests(file: string): SqlTest[] {
  const text = readFileSync(file, 'utf8');
  const parts = text.split(/^--@test:\s*/m).slice(1);
  return parts.map((p) => {
    const nl = p.indexOf('\n');
    return { name: p.slice(0, nl).trim(), body: p.slice(nl + 1) };
  });
}

function normalise(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v === 'object' && 'toJSON' in (v as object)) return Number(String(v));
  return v;
}

/** Runs one test; throws an Error describing the first failed assertion. */
export async function runSqlTest(test: SqlTest): Promise<void> {
  const engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
  const cursors = new Map<string, number>();
  try {
    // A `--@error: text` line belongs to the statement before it. It is turned into a marker
    // statement (base64, so its text can't confuse the statement splitter).
    const marked = test.body.replace(/^--@error:\s*(.*)$/gm, (_, m: string) => `@@ERROR ${Buffer.from(m.trim()).toString('base64')};`);
    const steps: { text: string; error?: string }[] = [];
    for (const piece of splitStatements(marked)) {
      const text = piece.text.replace(/^\s*--.*$/gm, '').trim();
      const m = /^@@ERROR (\S*?);?$/.exec(text);
      if (m && steps.length > 0) steps[steps.length - 1]!.error = Buffer.from(m[1]!, 'base64').toString();
      else if (text) steps.push({ text });
    }
    for (const step of steps) {
      const text = step.text;
      const assertMatch = /^ASSERT\s+VALUES\s+(\S+)\s*\(([^)]*)\)\s*VALUES\s*\(([\s\S]*)\)\s*;?$/i.exec(text);
      const noMore = /^ASSERT\s+NO\s+MORE\s+VALUES\s+(\S+)/i.exec(text);
      if (assertMatch || noMore) {
        await engine.drain();
        const name = (assertMatch ?? noMore)![1]!.toUpperCase();
        const res = await engine.execute(`SELECT * FROM ${name};`);
        const r = res[0]!;
        if (r.type !== 'rows') throw new Error('ASSERT: expected rows');
        const at = cursors.get(name) ?? 0;
        if (noMore) {
          if (r.rows.length > at) throw new Error(`${name}: expected no more rows, got ${JSON.stringify(r.rows.slice(at).map((x) => x.map(normalise)))}`);
          continue;
        }
        const cols = assertMatch![2]!.split(',').map((c) => c.trim().toUpperCase());
        const row = r.rows[at];
        if (!row) throw new Error(`${name}: expected a row (${assertMatch![3]}), got none`);
        const wanted = JSON.parse(`[${assertMatch![3]!.replace(/'/g, '"').replace(/\bNULL\b/gi, 'null')}]`) as unknown[];
        const got = cols.map((c) => normalise(row[r.columns.findIndex((x) => x.name === c)]));
        if (JSON.stringify(got) !== JSON.stringify(wanted)) {
          throw new Error(`${name} row ${at}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(got)}`);
        }
        cursors.set(name, at + 1);
        continue;
      }
      let failed: unknown;
      try {
        await engine.execute(text);
      } catch (e) {
        failed = e;
      }
      if (step.error !== undefined) {
        if (failed === undefined) throw new Error(`statement should have failed: ${text}`);
        if (!String(failed).includes(step.error)) throw new Error(`expected error containing '${step.error}', got '${String(failed)}'`);
      } else if (failed !== undefined) {
        throw failed;
      }
      await engine.drain();
    }
  } finally {
    await engine.close();
  }
}
