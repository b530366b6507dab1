// Shared by the grammar tests: span stripping for whole-AST comparisons, and access to
// ksqlDB's conformance statements (read at test time only, never copied).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A deep copy without `span` fields and without undefined fields. */
export function stripSpans<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'span' ? undefined : v)));
}

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const conformanceDir = resolve(projectRoot, '../shared/conformance');
export const qttDir = join(conformanceDir, 'ksqldb/query-validation-tests');
export const conformanceAvailable = existsSync(qttDir);
if (!conformanceAvailable) console.log(`grammar: ${qttDir} not found, skipping conformance-based tests`);

export interface ConformanceStatement {
  readonly file: string;
  readonly test: string;
  readonly sql: string;
  /** The case expects the statements to be rejected, so its SQL may be invalid on purpose. */
  readonly expectsError: boolean;
}

interface QttFile {
  readonly tests: readonly {
    readonly name: string;
    readonly statements?: readonly string[];
    readonly expectedException?: unknown;
  }[];
}

/** Every statement of every query-validation test, with `{FORMAT}` as JSON; `${...}` ones are skipped. */
export function conformanceStatements(): ConformanceStatement[] {
  const out: ConformanceStatement[] = [];
  for (const file of readdirSync(qttDir).filter((f) => f.endsWith('.json')).sort()) {
    const qtt = JSON.parse(readFileSync(join(qttDir, file), 'utf8')) as QttFile;
    for (const test of qtt.tests) {
      for (const statement of test.statements ?? []) {
        const sql = statement.replaceAll('{FORMAT}', 'JSON');
        if (sql.includes('${')) continue;
        out.push({ file, test: test.name, sql, expectsError: test.expectedException !== undefined });
      }
    }
  }
  return out;
}

/** A deterministic PRNG (mulberry32), so fuzz failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
