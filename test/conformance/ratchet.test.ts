// The conformance ratchet: every case in baseline.json passed when the baseline was written
// (npm run conformance:update-baseline) and must still pass. Only those cases run, so this
// stays quick; the full suite is `npm run conformance`.

import { describe, expect, it } from 'vitest';
import { readBaseline } from './baseline.js';
import { MISSING_CONFORMANCE_MESSAGE, conformanceAvailable, listCaseFiles, loadCaseFile, DEFAULT_CONFORMANCE_DIR } from './loader.js';
import { closeEngines, runCase } from './run-case.js';

const available = conformanceAvailable();
if (!available) console.log(MISSING_CONFORMANCE_MESSAGE);

describe('conformance ratchet', () => {
  it.skipIf(!available)('every case in baseline.json still passes', async () => {
    const baseline = new Set(readBaseline());
    const regressions: string[] = [];
    const found = new Set<string>();
    for (const path of listCaseFiles([DEFAULT_CONFORMANCE_DIR])) {
      for (const c of loadCaseFile(path).cases) {
        if (!baseline.has(c.id)) continue;
        found.add(c.id);
        if (c.skip !== undefined) continue; // e.g. disabled upstream since the baseline was written
        const outcome = await runCase(c);
        if (outcome.status !== 'passed') regressions.push(`${c.id}: ${outcome.reason ?? 'failed'}`);
      }
    }
    await closeEngines();
    const missing = [...baseline].filter((id) => !found.has(id)).map((id) => `${id}: no longer in the case files`);
    expect([...regressions, ...missing]).toEqual([]);
  }, 600_000);
});
