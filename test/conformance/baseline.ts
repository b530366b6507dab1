// baseline.json: the ids (`file.json: case name`) of the cases that pass. The ratchet test
// re-runs exactly these, so a change that breaks a passing case fails `npm test`.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASELINE_PATH = join(dirname(fileURLToPath(import.meta.url)), 'baseline.json');

/** The baseline's ids; none when the file doesn't exist yet. */
export function readBaseline(): string[] {
  if (!existsSync(BASELINE_PATH)) return [];
  const ids: unknown = JSON.parse(readFileSync(BASELINE_PATH, 'utf8'));
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) {
    throw new Error(`${BASELINE_PATH} must be a JSON array of case ids`);
  }
  return ids;
}

/**
 * Records `passing` as the baseline for the cases that ran (`ran`); entries for cases that
 * didn't run (a --filter run) are kept, so a partial run never shrinks the baseline.
 */
export function writeBaseline(passing: readonly string[], ran: ReadonlySet<string>): void {
  const kept = readBaseline().filter((id) => !ran.has(id));
  const ids = [...new Set([...kept, ...passing])].sort();
  writeFileSync(BASELINE_PATH, JSON.stringify(ids, null, 1) + '\n');
}
