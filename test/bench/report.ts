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

/** A run that crashed or an unexpected rejection: a bug to look at, not a missing capability. */
export interface FailedEntry {
  readonly failed: string;
}

export type Entry = RanEntry | NotRunEntry | FailedEntry;

export interface ChildResult {
  readonly result: Measurement | NotRun;
  readonly peakRssMb: number;
}

/**
 * Each side's best run (the highest events/s): on a shared machine other work only ever slows
 * a run down, so the fastest of a few is the least disturbed. Peak RSS is the largest seen.
 */
export function entryFor(sluice: readonly ChildResult[], baseline: readonly ChildResult[]): RanEntry | NotRunEntry {
  const b = best(baseline);
  if (b === undefined) throw new Error(`the baseline did not run: ${JSON.stringify(baseline[0]?.result)}`);
  const notRun = sluice.find((r) => r.result.kind === 'notRun')?.result as NotRun | undefined;
  if (notRun) return { notRun: notRun.reason, baselineEventsPerSec: round(b.eventsPerSec) };
  const s = best(sluice)!;
  return {
    eventsPerSec: round(s.eventsPerSec),
    baselineEventsPerSec: round(b.eventsPerSec),
    ratio: Math.round((s.eventsPerSec / b.eventsPerSec) * 1000) / 1000,
    peakRssMb: round(Math.max(...sluice.map((r) => r.peakRssMb))),
    baselinePeakRssMb: round(Math.max(...baseline.map((r) => r.peakRssMb))),
    events: s.events,
    outputRecords: s.outputRecords,
    baselineOutputRecords: b.outputRecords,
  };
}

function best(runs: readonly ChildResult[]): Measurement | undefined {
  let top: Measurement | undefined;
  for (const { result } of runs) if (result.kind === 'ran' && (top === undefined || result.eventsPerSec > top.eventsPerSec)) top = result;
  return top;
}

const round = (n: number): number => Math.round(n);

export function formatTable(entries: Readonly<Record<string, Entry>>): string {
  const header = ['query', 'events', 'Sluice ev/s', 'baseline ev/s', 'ratio', 'peak RSS MB', 'baseline RSS MB', 'outputs', 'baseline outputs'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const [id, e] of Object.entries(entries)) {
    if ('failed' in e) {
      rows.push([id, '', 'FAILED', '', '', '', '', '', '']);
      notes.push(`${id} failed: ${e.failed}`);
    } else if ('notRun' in e) {
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
  return [formatColumns(header, rows), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** A text table: the first column left-aligned, the others (numbers) right-aligned. */
export function formatColumns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function num(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
