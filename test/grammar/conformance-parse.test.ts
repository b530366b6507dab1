// Parses every statement of ksqlDB's query-validation tests. Cases that expect an error may
// hold invalid SQL on purpose, so they are left out of the rate.
import { describe, it, expect } from 'vitest';
import { parseStatements, SqlSyntaxError } from '../../grammar/index.js';
import { conformanceAvailable, conformanceStatements } from './helpers.js';

describe('conformance statements', () => {
  it.skipIf(!conformanceAvailable)('parses at least 99% of the valid statements', () => {
    const statements = conformanceStatements().filter((s) => !s.expectsError);
    const failures: string[] = [];
    for (const s of statements) {
      try {
        parseStatements(s.sql);
      } catch (e) {
        if (!(e instanceof SqlSyntaxError)) throw e;
        failures.push(`${s.file} / ${s.test}: ${e.message}\n  ${s.sql}`);
      }
    }
    if (failures.length > 0) console.log(`${failures.length} of ${statements.length} statements failed to parse:\n${failures.join('\n')}`);
    expect(statements.length).toBeGreaterThan(1000);
    expect(failures.length / statements.length).toBeLessThanOrEqual(0.01);
  });
});
