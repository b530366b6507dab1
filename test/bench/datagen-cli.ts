// `npm run datagen -- nexmark --events N [--data-dir DIR]`: writes a deterministic Nexmark
// data set into an embedded data directory (default ./sluice-data), where the REPL and the
// benchmarks find the PERSON, AUCTION and BID streams ready.
//
//   --events N          events in all (default 100000)
//   --data-dir DIR      the data directory (must not have Nexmark sources yet)
//   --seed S            PRNG seed (default 42)
//   --rate R            event time advances 1/R s per event (default 10000)
//   --out-of-order P    share of events set back in time by up to --max-delay-ms (default 0.05)
//   --max-delay-ms MS   (default 2000)

import { parseArgs } from 'node:util';
import { Engine } from '../../runtime/engine/engine.js';
import { generateNexmark } from './datagen.js';
import { nexmarkConfig } from './options.js';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      events: { type: 'string', default: '100000' },
      'data-dir': { type: 'string', default: './sluice-data' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      'out-of-order': { type: 'string' },
      'max-delay-ms': { type: 'string' },
    },
  });
  if (positionals.length !== 1 || positionals[0] !== 'nexmark') {
    console.error('usage: npm run datagen -- nexmark --events N [--data-dir DIR] [--seed S] [--rate R] [--out-of-order P]');
    return 2;
  }
  const config = nexmarkConfig(values);
  const engine = new Engine({ dataDir: values['data-dir'] });
  try {
    const result = await generateNexmark(engine, config);
    console.log(`Wrote ${result.events} Nexmark events to ${values['data-dir']} in ${(result.elapsedMs / 1000).toFixed(1)} s:`);
    for (const [topic, s] of Object.entries(result.topics)) {
      console.log(`  ${topic.padEnd(8)} ${String(s.records).padStart(10)} records, ${s.meanValueBytes} bytes of JSON each on average`);
    }
  } finally {
    await engine.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
