// The REST conformance cases (RQTT) over HTTP, through a real `sluice server`, must pass
// exactly as they do in-process: the server adds nothing and loses nothing on the wire. The
// whole suite runs both ways (a few seconds each); `npm run conformance -- --http` prints the
// per-file table over HTTP.

import { describe, expect, it } from 'vitest';
import { MISSING_CONFORMANCE_MESSAGE, conformanceAvailable, listCaseFiles } from '../loader.js';
import { closeEngines } from '../run-case.js';
import { DEFAULT_REST_CONFORMANCE_DIR, loadRestCaseFile } from './loader.js';
import { runRestCase, type RestMode } from './run-case.js';

const available = conformanceAvailable([DEFAULT_REST_CONFORMANCE_DIR]);
if (!available) console.log(MISSING_CONFORMANCE_MESSAGE);

async function passing(mode: RestMode): Promise<string[]> {
  const passed: string[] = [];
  for (const file of listCaseFiles([DEFAULT_REST_CONFORMANCE_DIR])) {
    for (const c of loadRestCaseFile(file).cases) {
      if (c.skip !== undefined) continue;
      if ((await runRestCase(c, undefined, mode)).status === 'passed') passed.push(c.id);
    }
  }
  await closeEngines();
  return passed;
}

describe('RQTT over HTTP', () => {
  it.skipIf(!available)('passes the same cases as in-process', async () => {
    const inProcess = await passing('engine');
    const overHttp = await passing('http');
    expect(inProcess.length).toBeGreaterThan(0);
    expect(overHttp.length).toBe(inProcess.length);
    expect(overHttp).toEqual(inProcess);
  }, 300_000);
});
