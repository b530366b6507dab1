// Every malformed statement is rejected with a positioned SluiceError, never another kind of
// exception: prefixes of real statements (cut at every space) and token soup, through the
// whole engine (parser, planner, runtime), not just the parser.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { SluiceError } from '../../runtime/engine/api.js';

const ROOT = join(import.meta.dirname, '..', '..');
const QTT = join(ROOT, '..', 'shared', 'conformance', 'ksqldb', 'query-validation-tests');

function statementsFromQueries(): string[] {
  const dir = join(ROOT, 'queries');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split(';').map((s) => s.trim()).filter((s) => s && !s.startsWith('--')));
}

function statementsFromConformance(): string[] {
  if (!existsSync(QTT)) return [];
  const out: string[] = [];
  for (const f of ['project-filter.json', 'group-by.json', 'partition-by.json', 'tumbling-windows.json']) {
    const tests = JSON.parse(readFileSync(join(QTT, f), 'utf8')).tests as { statements: string[] }[];
    for (const t of tests.slice(0, 6)) out.push(...t.statements.map((s) => s.replace(/\{FORMAT\}/g, 'JSON')));
  }
  return out;
}

async function expectCleanRejection(engine: Engine, sql: string): Promise<void> {
  try {
    await engine.execute(sql);
  } catch (e) {
    if (!(e instanceof SluiceError)) throw new Error(`non-SluiceError for ${JSON.stringify(sql)}: ${String(e)}`);
    expect(typeof e.line, sql).toBe('number');
    expect(typeof e.column, sql).toBe('number');
    expect(e.message).not.toMatch(/\n\s+at /);
  }
}

describe('engine fuzz', () => {
  it('rejects every prefix of real statements cleanly', async () => {
    const statements = [...statementsFromQueries(), ...statementsFromConformance()];
    expect(statements.length).toBeGreaterThan(5);
    const engine = new Engine({ memory: true });
    try {
      for (const stmt of statements) {
        const cuts = [...stmt.matchAll(/ /g)].map((m) => m.index!);
        for (const cut of cuts) await expectCleanRejection(engine, stmt.slice(0, cut) + ';');
        await expectCleanRejection(engine, stmt + ';');
      }
    } finally {
      await engine.close();
    }
  });

  it('rejects token soup cleanly', async () => {
    const words = ['SELECT', 'FROM', 'CREATE', 'STREAM', 'TABLE', 'AS', 'WHERE', 'GROUP', 'BY', '(', ')', ',', '*', "'x'", '1', '2.5', 'a', 'WINDOW', 'TUMBLING', 'SIZE', 'EMIT', 'CHANGES', 'WITH', '=', 'KEY', 'INT', '->', '[', ']', 'CASE', 'END', 'JOIN', 'ON'];
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const engine = new Engine({ memory: true });
    try {
      await engine.execute("CREATE STREAM a (k INT KEY, v INT) WITH (kafka_topic='a', partitions=1, value_format='JSON');");
      for (let i = 0; i < 500; i++) {
        const n = 1 + Math.floor(rand() * 12);
        const sql = Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' ') + ';';
        await expectCleanRejection(engine, sql);
      }
    } finally {
      await engine.close();
    }
  });
});
