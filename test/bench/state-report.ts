// The state benchmark's result: the "state" section of --json, and its table.

import type { ChildOutput } from './latency-report.js';
import { formatColumns, num, type FailedEntry } from './report.js';
import { STATE_KEYS, STATE_RSS_AIM_MB, STATE_TABLE_SQL, stateProblems, type StateMeasurement } from './state.js';

export interface StateEntry {
  readonly keys: number;
  readonly sql: string;
  readonly baseline: string;
  readonly eventsPerSec: number;
  readonly baselineEventsPerSec: number;
  /** Sluice's events/s over the baseline's. */
  readonly ratio: number;
  /** Each child's whole run: opening, the produce, the aggregation and the checks. */
  readonly peakRssMb: number;
  readonly baselinePeakRssMb: number;
  readonly rssAimMb: number;
  readonly withinAim: boolean;
  readonly aggregationMs: number;
  readonly baselineAggregationMs: number;
  readonly produceMs: number;
  readonly outputRecords: number;
  readonly baselineOutputRecords: number;
  /** Rows of the materialised table; both counts are checked to equal keys. */
  readonly groups: number;
  /** Groups in the baseline's Map. */
  readonly baselineGroups: number;
}

export type StateReport = StateEntry | FailedEntry;

/** Both sides must hold one group per key and the probed row: a wrong answer fails the benchmark. */
export function stateEntryFor(sluice: ChildOutput<StateMeasurement>, baseline: ChildOutput<StateMeasurement>): StateEntry {
  for (const [side, r] of [['Sluice', sluice], ['the baseline', baseline]] as const) {
    const problems = stateProblems(r.result);
    if (problems.length > 0) throw new Error(`state: ${side} gave a wrong answer: ${problems.join('; ')}`);
  }
  const s = sluice.result;
  const b = baseline.result;
  return {
    keys: s.keys,
    sql: STATE_TABLE_SQL,
    baseline: 'the log read in batches, COUNT and SUM per key in a JS Map, one JSON output per record committed per batch',
    eventsPerSec: Math.round(s.eventsPerSec),
    baselineEventsPerSec: Math.round(b.eventsPerSec),
    ratio: Math.round((s.eventsPerSec / b.eventsPerSec) * 1000) / 1000,
    peakRssMb: round1(sluice.peakRssMb),
    baselinePeakRssMb: Math.round(baseline.peakRssMb),
    rssAimMb: STATE_RSS_AIM_MB,
    withinAim: sluice.peakRssMb < STATE_RSS_AIM_MB,
    aggregationMs: Math.round(s.elapsedMs),
    baselineAggregationMs: Math.round(b.elapsedMs),
    produceMs: Math.round(s.produceMs),
    outputRecords: s.outputRecords,
    baselineOutputRecords: b.outputRecords,
    groups: s.groups,
    baselineGroups: b.groups,
  };
}

export function formatState(e: StateReport): string {
  if ('failed' in e) return `State FAILED: ${e.failed}`;
  const title = [
    `State: ${num(e.keys)} distinct keys, ${e.sql}`,
    `One run a side, each in its own process on a fresh data directory; peak RSS covers the whole run (produce included).`,
    `Baseline: ${e.baseline}.`,
  ].join('\n');
  const header = ['side', 'events/s', 'aggregation s', 'peak RSS MB', 'groups', 'outputs'];
  const rows = [
    ['Sluice', num(e.eventsPerSec), secs(e.aggregationMs), num(e.peakRssMb), num(e.groups), num(e.outputRecords)],
    ['baseline', num(e.baselineEventsPerSec), secs(e.baselineAggregationMs), num(e.baselinePeakRssMb), num(e.baselineGroups), num(e.baselineOutputRecords)],
  ];
  const aim =
    `Sluice's aim at ${num(STATE_KEYS)} keys: peak RSS under ${num(e.rssAimMb)} MB: ` +
    `${e.withinAim ? 'met' : 'MISSED'} (${e.peakRssMb.toFixed(1)} MB${e.keys === STATE_KEYS ? '' : ` at ${num(e.keys)} keys`}).`;
  return `${title}\n\n${formatColumns(header, rows)}\nRatio ${e.ratio.toFixed(2)}. ${aim}`;
}

const secs = (ms: number) => (ms / 1000).toFixed(1);
const round1 = (n: number) => Math.round(n * 10) / 10;
