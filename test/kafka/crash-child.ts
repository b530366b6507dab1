// Child process of the Kafka crash test: an Engine on Kafka (exactly_once_v2) that restores the
// catalog, the queries' positions and their state, then processes. Mode 'run' processes until
// killed; mode 'finish' drains everything and exits cleanly.
//   crash-child.ts '{"brokers": [...], "namespace": "...", "dataDir": "..."}' run|finish

import { Engine } from '../../runtime/engine/engine.js';
import { childMain } from '../crash/harness.js';

const [config, mode] = process.argv.slice(2);
const { brokers, namespace, dataDir } = JSON.parse(config!) as { brokers: string[]; namespace: string; dataDir: string };
const engine = new Engine({
  kafka: { brokers, namespace },
  serviceId: 'crash',
  dataDir,
  // The broker's shortest allowed session: a killed child's successor gets its tasks sooner.
  properties: { 'processing.guarantee': 'exactly_once_v2', 'session.timeout.ms': '6000' },
});
await childMain(engine, mode!, 5);
