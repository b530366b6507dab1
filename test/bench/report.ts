// The benchmark's results: the JSON shape written by --json, and the table printed at the end.

import type { Measurement, NotRun } from './measure.js';

export interface RanEntry {
  readonly eventsPerSec: number;
  readonly baselineEventsPerSec: number;
  /** Sluice's events/s over the baseline's: 1 means as fast as the hand-written loop. */
  readonly ratio: number;
  /** Sluice's peak RSS. */
  readonly peakRssMb: number;
  readonly baselinePeakRssMb: number;
  readonly events: number;
  readonly outputRecords: number;
  readonly baselineOutputRecords: number;
}

export interface NotRunEntry {
  readonly notRun: string;
  /** The baseline still runs, so that it is ready (and known correct) when Sluice catches up. */
  readonly baselineEventsPerSec?: number;
}

export type Entry = RanEntry | NotRunEntry;

export interface MeasuredPair {
  readonly sluice: { readonly result: Measurement | NotRun; readonly peakRssMb: number };
  readonly baseline: { readonly result: Measurement | NotRun; readonly peakRssMb: number };
}

export function entryFor(pair: MeasuredPair): Entry {
  const s = pair.sluice.result;
  const b = pair.baseline.result;
  if (b.kind !== 'ran') throw new Error(`the baseline cannot be 'not run': ${b.reason}`);
  if (s.kind === 'notRun') return { notRun: s.reason, baselineEventsPerSec: round(b.eventsPerSec) };
  return {
    eventsPerSec: round(s.eventsPerSec),
    baselineEventsPerSec: round(b.eventsPerSec),
    ratio: Math.round((s.eventsPerSec / b.eventsPerSec) * 1000) / 1000,
    peakRssMb: round(pair.sluice.peakRssMb),
    baselinePeakRssMb: round(pair.baseline.peakRssMb),
    events: s.events,
    outputRecords: s.outputRecords,
    baselineOutputRecords: b.outputRecords,
  };
}

const round = (n: number): number => Math.round(n);

export function formatTable(entries: Readonly<Record<string, Entry>>): string {
  const header = ['query', 'events', 'Sluice ev/s', 'baseline ev/s', 'ratio', 'peak RSS MB', 'baseline RSS MB', 'outputs', 'baseline outputs'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const [id, e] of Object.entries(entries)) {
    if ('notRun' in e) {
      rows.push([id, '', 'not run', e.baselineEventsPerSec === undefined ? '' : num(e.baselineEventsPerSec), '', '', '', '', '']);
      notes.push(`${id} not run: ${e.notRun.split('\n')[0]}`);
    } else {
      rows.push([
        id,
        num(e.events),
        num(e.eventsPerSec),
        num(e.baselineEventsPerSec),
        e.ratio.toFixed(2),
        num(e.peakRssMb),
        num(e.baselinePeakRssMb),
        num(e.outputRecords),
        num(e.baselineOutputRecords),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

function num(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
