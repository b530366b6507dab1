// Runs every test/sql/*.sql file; each `--@test:` block is one vitest case.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { loadSqlTests, runSqlTest } from './runner.js';

const dir = import.meta.dirname;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
  describe(file, () => {
    for (const t of loadSqlTests(join(dir, file))) it(t.name, () => runSqlTest(t));
  });
}
