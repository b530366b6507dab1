// A key's task, as pull-query routing computes it, must be the partition the Log itself puts
// that key in: rows inserted through the engine land in partitions chosen by the log's own
// partitioner over the sink encoder's key bytes, and keyTask must agree for every key, in
// every key format.
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { keyTask } from '../../runtime/engine/statements/pull-route.js';
import { tableSource } from './fixtures.js';

const PARTITIONS = 7;

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

/** Every record of the topic, with the test's own tag (value column TAG) and its partition. */
async function recordsByTag(e: Engine, topic: string): Promise<Map<string, number>> {
  const log = await e.log();
  const out = new Map<string, number>();
  for (let p = 0; p < PARTITIONS; p++) {
    for (const r of await log.fetch(topic, p, 0, 10_000)) {
      const value = JSON.parse(r.value!.toString('utf8')) as { TAG: string };
      out.set(value.TAG, r.partition);
    }
  }
  return out;
}

interface Case {
  readonly name: string;
  readonly keys: string;
  readonly keyFormat: string;
  /** The keys as SQL literals and as runtime values. */
  readonly samples: readonly { readonly sql: string; readonly value: readonly unknown[] }[];
}

const ints = Array.from({ length: 40 }, (_, i) => i * 37 - 300);
const CASES: readonly Case[] = [
  { name: 'KAFKA INT', keys: 'K INT PRIMARY KEY', keyFormat: 'KAFKA', samples: ints.map((i) => ({ sql: `${i}`, value: [i] })) },
  {
    name: 'KAFKA BIGINT',
    keys: 'K BIGINT PRIMARY KEY',
    keyFormat: 'KAFKA',
    samples: ints.map((i) => ({ sql: `${BigInt(i) * 10_000_000_000n}`, value: [BigInt(i) * 10_000_000_000n] })),
  },
  { name: 'KAFKA STRING', keys: 'K STRING PRIMARY KEY', keyFormat: 'KAFKA', samples: ints.map((i) => ({ sql: `'k-${i}é'`, value: [`k-${i}é`] })) },
  { name: 'JSON STRING', keys: 'K STRING PRIMARY KEY', keyFormat: 'JSON', samples: ints.map((i) => ({ sql: `'j${i}'`, value: [`j${i}`] })) },
  {
    name: 'JSON two columns',
    keys: 'A INT PRIMARY KEY, B STRING PRIMARY KEY',
    keyFormat: 'JSON',
    samples: ints.map((i) => ({ sql: `${i}, 'b${i % 5}'`, value: [i, `b${i % 5}`] })),
  },
  {
    name: 'DELIMITED two columns',
    keys: 'A INT PRIMARY KEY, B STRING PRIMARY KEY',
    keyFormat: 'DELIMITED',
    samples: ints.map((i) => ({ sql: `${i}, 'd${i}'`, value: [i, `d${i}`] })),
  },
];

describe('keyTask: the partition the log chooses for a key', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      engine = new Engine({ memory: true });
      const keyNames = c.keys.split(',').map((k) => k.trim().split(' ')[0]!);
      await engine.execute(
        `CREATE TABLE T (${c.keys}, TAG STRING) WITH (kafka_topic='t', partitions=${PARTITIONS}, key_format='${c.keyFormat}', value_format='JSON');`,
      );
      for (const [i, s] of c.samples.entries()) {
        await engine.execute(`INSERT INTO T (${keyNames.join(', ')}, TAG) VALUES (${s.sql}, 'tag${i}');`);
      }
      const partitions = await recordsByTag(engine, 't');
      expect(partitions.size).toBe(c.samples.length);
      // Keys spread over several partitions, or agreeing would prove little.
      expect(new Set(partitions.values()).size).toBeGreaterThan(3);
      const ks = tableSource(engine, 'T');
      for (const [i, s] of c.samples.entries()) {
        expect({ key: s.sql, task: keyTask(ks, s.value, PARTITIONS) }).toEqual({ key: s.sql, task: partitions.get(`tag${i}`) });
      }
    });
  }
});
