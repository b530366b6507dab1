// Kafka for tests. One single-broker cluster is shared by a whole test run: the first test file
// that needs it starts it (files in other worker processes wait for it), and the run's global
// setup (global-setup.ts) stops it at the end. Fault tests start clusters of their own
// (`startCluster({ brokers: 3 })`) and kill and restart single nodes.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, inject } from 'vitest';
import { readCluster, startCluster, type KafkaCluster } from './cluster.js';

export { kafkaSkipReason, killNode, restartNode, startCluster, stopCluster, type KafkaCluster } from './cluster.js';

const START_TIMEOUT_MS = 240_000;

/** Tells the run's global setup, which prints one line for all skipped Kafka tests. */
export function reportSkipped(reason: string): void {
  fs.writeFileSync(path.join(inject('sluiceKafka').dir, 'skipped'), reason);
}

/**
 * For a describe block of engine tests on the shared broker: the cluster (once beforeAll has
 * run) and temporary state directories, removed after the block.
 */
export function kafkaTestbed(prefix: string): { cluster(): KafkaCluster; tempDir(): string } {
  let cluster: KafkaCluster | undefined;
  const dirs: string[] = [];
  beforeAll(async () => {
    cluster = await sharedCluster();
  });
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  return {
    cluster: () => {
      if (!cluster) throw new Error('the Kafka cluster is not started yet (use it inside a test)');
      return cluster;
    },
    tempDir: () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
  };
}

let shared: Promise<KafkaCluster> | undefined;

/** The run's shared single-broker cluster, started by whichever test file asks first. */
export function sharedCluster(): Promise<KafkaCluster> {
  shared ??= startShared();
  return shared;
}

async function startShared(): Promise<KafkaCluster> {
  const { dir, owner } = inject('sluiceKafka');
  const clusterDir = path.join(dir, 'cluster');
  const lock = path.join(dir, 'starting');
  const failed = path.join(dir, 'failed');
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const running = readCluster(clusterDir);
    if (running !== undefined) return running;
    // One failed start is reported to every file, not retried by each of them.
    if (fs.existsSync(failed)) throw new Error(fs.readFileSync(failed, 'utf8'));
    if (Date.now() > deadline) throw new Error('timed out waiting for another test file to start the Kafka broker');
    try {
      fs.mkdirSync(lock); // atomic: exactly one worker process starts the broker
    } catch {
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      return readCluster(clusterDir) ?? (await startCluster({ dir: clusterDir, owner }));
    } catch (e) {
      fs.writeFileSync(failed, e instanceof Error ? e.message : String(e));
      throw e;
    } finally {
      fs.rmdirSync(lock);
    }
  }
}
