// A sample of ksqlDB's own cases that re-key (GROUP BY non-key, joins on non-key columns,
// pseudo columns read after a re-key), run with internal repartition topics on the embedded
// log: each passes as it does re-keying in-process. The whole files run through
// `npm run conformance -- --repartition-topics`; this keeps a fast guard in the suite.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceAvailable, DEFAULT_CONFORMANCE_DIR, loadCaseFile, type QttCase } from '../conformance/loader.js';
import { closeEngines, runCase, type LogTarget } from '../conformance/run-case.js';

const SAMPLE: Readonly<Record<string, readonly string[]>> = {
  'group-by.json': ['fields used in expression', 'by non-STRING key', 'ROWTIME (stream->table)'],
  'joins.json': ['stream stream left join - rekey - JSON', 'stream stream right join - rekey - JSON', 'streams with no key columns (stream->table)'],
  'multi-joins.json': ['stream-stream-table - inner-inner - rekey left and right', 'stream-table-table - inner-inner - rekey on different expression'],
  'row-offset-and-partition.json': ['GROUP BY ROWPARTITION', 'join on ROWPARTITION', 'join on ROWOFFSET'],
};

function sampleCases(): QttCase[] {
  return Object.entries(SAMPLE).flatMap(([file, names]) => {
    const loaded = loadCaseFile(join(DEFAULT_CONFORMANCE_DIR, file));
    return names.map((name) => {
      const c = loaded.cases.find((x) => x.name === name && x.skip === undefined);
      if (c === undefined) throw new Error(`${file}: no runnable case named '${name}'`);
      return c;
    });
  });
}

const STAGED: LogTarget = { kind: 'embedded', repartitionTopics: true };

describe.runIf(conformanceAvailable())('ksqlDB cases that re-key, through repartition topics', () => {
  it('pass as they pass in-process', async () => {
    const failures: string[] = [];
    for (const c of sampleCases()) {
      const inProcess = await runCase(c);
      const staged = await runCase(c, undefined, STAGED);
      // Only cases that pass in-process say anything about the stages.
      expect(inProcess.status, `${c.id}: ${inProcess.reason}`).toBe('passed');
      if (staged.status !== 'passed') failures.push(`${c.id}: ${staged.reason}\n${(staged.detail ?? []).join('\n')}`);
    }
    await closeEngines();
    expect(failures).toEqual([]);
  });
});
