// Child process of the Kafka crash test: an Engine on Kafka (exactly_once_v2) that restores the
// catalog, the queries' positions and their state, then processes. Mode 'run' processes until
// killed; mode 'finish' drains everything and exits cleanly.
//   crash-child.ts '{"brokers": [...], "namespace": "...", "dataDir": "..."}' run|finish

import { Engine } from '../../runtime/engine/engine.js';

const [config, mode] = process.argv.slice(2);
const { brokers, namespace, dataDir } = JSON.parse(config!) as { brokers: string[]; namespace: string; dataDir: string };
const engine = new Engine({
  kafka: { brokers, namespace },
  serviceId: 'crash',
  dataDir,
  properties: { 'processing.guarantee': 'exactly_once_v2' },
});
await engine.execute('SHOW QUERIES;');
process.stdout.write('ready\n');
if (mode === 'finish') {
  await engine.drain();
  await engine.close();
  process.stdout.write('done\n');
} else {
  // The queries' own loops run in the background; report how far they got until SIGKILL.
  setInterval(() => {
    const processed = engine.queryStats().reduce((n, q) => n + q.processed, 0);
    process.stdout.write(`progress ${processed}\n`);
  }, 5);
}
