// vitest global setup: gives the run a scratch directory in which the first Kafka test file
// starts the shared broker (see broker.ts), and stops that broker when the run ends. Nothing
// is started here, so a run without Kafka tests costs nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopCluster } from './cluster.js';

export default function setup(project: TestProject): () => Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-kafka-run-'));
  project.provide('sluiceKafka', { dir, owner: process.pid });
  return async () => {
    const cluster = path.join(dir, 'cluster');
    if (fs.existsSync(cluster)) await stopCluster(cluster);
    const skipped = path.join(dir, 'skipped');
    if (fs.existsSync(skipped)) console.log(`Kafka tests skipped: ${fs.readFileSync(skipped, 'utf8')}`);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
