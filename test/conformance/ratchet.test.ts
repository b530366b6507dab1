// The conformance ratchet: every case in baseline.json passed when the baseline was written
// (npm run conformance:update-baseline) and must still pass. Only those cases run, so this
// stays quick; the full suite is `npm run conformance`. Baseline ids of RQTT cases carry their
// directory (`rest-query-validation-tests/file.json: name`), QTT ids don't.

import { describe, expect, it } from 'vitest';
import { readBaseline } from './baseline.js';
import { MISSING_CONFORMANCE_MESSAGE, conformanceAvailable, listCaseFiles, loadCaseFile, DEFAULT_CONFORMANCE_DIR, type QttCase } from './loader.js';
import { DEFAULT_REST_CONFORMANCE_DIR, loadRestCaseFile, type RqttCase } from './rest/loader.js';
import { runRestCase } from './rest/run-case.js';
import { closeEngines, runCase, type CaseOutcome } from './run-case.js';

const available = conformanceAvailable([DEFAULT_CONFORMANCE_DIR, DEFAULT_REST_CONFORMANCE_DIR]);
if (!available) console.log(MISSING_CONFORMANCE_MESSAGE);

/** Every case of both suites, with the runner for its kind. */
function* allCases(): Generator<{ c: QttCase; run: () => Promise<CaseOutcome> }> {
  for (const path of listCaseFiles([DEFAULT_CONFORMANCE_DIR])) {
    for (const c of loadCaseFile(path).cases) yield { c, run: () => runCase(c) };
  }
  for (const path of listCaseFiles([DEFAULT_REST_CONFORMANCE_DIR])) {
    for (const c of loadRestCaseFile(path).cases) yield { c, run: () => runRestCase(c as RqttCase) };
  }
}

describe('conformance ratchet', () => {
  it.skipIf(!available)('every case in baseline.json still passes', async () => {
    const baseline = new Set(readBaseline());
    const regressions: string[] = [];
    const found = new Set<string>();
    for (const { c, run } of allCases()) {
      if (!baseline.has(c.id)) continue;
      found.add(c.id);
      if (c.skip !== undefined) continue; // e.g. disabled upstream since the baseline was written
      const outcome = await run();
      if (outcome.status !== 'passed') regressions.push(`${c.id}: ${outcome.reason ?? 'failed'}`);
    }
    await closeEngines();
    const missing = [...baseline].filter((id) => !found.has(id)).map((id) => `${id}: no longer in the case files`);
    expect([...regressions, ...missing]).toEqual([]);
  }, 600_000);
});
