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
