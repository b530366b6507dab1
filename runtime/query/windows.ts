// Window assignment for time windows, aligned to the epoch as in ksqlDB / Kafka Streams.

import type { WindowSpec } from '../../planner/steps.js';

/** Kafka Streams' default grace when none is given: 24 hours. */
export const DEFAULT_GRACE_MS = 24 * 3_600_000;

/** Start times of the TUMBLING/HOPPING windows containing `ts`, earliest first. */
export function windowStartsFor(spec: WindowSpec, ts: number): number[] {
  const first = Math.max(0, Math.floor((ts - spec.size) / spec.advance + 1) * spec.advance);
  const out: number[] = [];
  for (let s = first; s <= ts; s += spec.advance) if (ts < s + spec.size) out.push(s);
  return out;
}

export function graceOf(spec: WindowSpec): number {
  return spec.grace ?? DEFAULT_GRACE_MS;
}

/** ksqlDB's default retention of windowed state: 7 days, or size plus grace if longer. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * What a time window's results share: its bounds as BIGINTs and its start as the zero-padded
 * text of state keys. A record touches the same few windows as the records before it (five
 * for Nexmark q5's hopping windows), so both are remembered for recent starts rather than
 * made again for every emitted change. The bounds pair is shared: never mutate it.
 */
export class WindowTexts {
  private readonly bounds = new Map<number, readonly [bigint, bigint]>();
  private readonly padded = new Map<number, string>();

  constructor(private readonly size: number) {}

  boundsOf(start: number): readonly [bigint, bigint] {
    let b = this.bounds.get(start);
    if (b === undefined) {
      if (this.bounds.size >= RECENT) this.bounds.clear();
      this.bounds.set(start, (b = [BigInt(start), BigInt(start + this.size)]));
    }
    return b;
  }

  paddedStart(start: number): string {
    let s = this.padded.get(start);
    if (s === undefined) {
      if (this.padded.size >= RECENT) this.padded.clear();
      this.padded.set(start, (s = String(start).padStart(16, '0')));
    }
    return s;
  }
}

/** Window starts remembered by WindowTexts; far more than a batch's records span. */
const RECENT = 1024;
