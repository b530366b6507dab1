// A query's result read back from the log in a comparable form: each record as one string of
// its decoded key, value (JSON with sorted object keys, so 90.800 and 90.8 agree) and, for a
// stream, its timestamp. A stream compares as the sorted multiset of all its records, a table
// as its final row per key (the last record of each key; a key lives in one partition).

import type { Log, LogRecord } from '../../runtime/log/log.js';
import type { BaselineQuery } from './baseline/types.js';

export async function readResult(log: Log, topic: string, output: BaselineQuery['output']): Promise<string[]> {
  const info = await log.describeTopic(topic);
  if (!info) throw new Error(`topic ${topic} does not exist`);
  const records: LogRecord[] = [];
  for (let p = 0; p < info.partitions; p++) {
    for (let offset = await log.startOffset(topic, p); ; ) {
      const batch = await log.fetch(topic, p, offset, 10_000);
      if (batch.length === 0) break;
      records.push(...batch);
      offset = batch[batch.length - 1]!.offset + 1;
    }
  }
  const keyText = (k: Buffer | null) => (k === null ? 'null' : output.keyFormat === 'JSON' ? canonical(k) : k.toString('hex'));
  if (output.kind === 'stream') {
    return records.map((r) => `${keyText(r.key)} ${canonical(r.value)} @${r.timestamp}`).sort();
  }
  const latest = new Map<string, string>();
  for (const r of records) latest.set(keyText(r.key), canonical(r.value));
  return [...latest].map(([k, v]) => `${k} ${v}`).sort();
}

function canonical(bytes: Buffer | null): string {
  return bytes === null ? 'null' : JSON.stringify(sortKeys(JSON.parse(bytes.toString('utf8'))));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}
