// Kafka clusters through broker.sh: start (1 or 3 brokers), stop, kill and restart a node.
// No vitest import here: the run's global setup uses this file outside any test worker.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's scratch directory and the PID of the vitest process that owns the broker. */
    sluiceKafka: { readonly dir: string; readonly owner: number };
  }
}

export interface KafkaCluster {
  readonly dir: string;
  /** `host:port,host:port`. */
  readonly bootstrap: string;
  readonly brokers: readonly string[];
  readonly nodes: number;
}

const SCRIPT = fileURLToPath(new URL('./broker.sh', import.meta.url));
const START_TIMEOUT_MS = 240_000;

function run(args: readonly string[], timeoutMs = START_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [SCRIPT, ...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`broker.sh ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

const onPath = (command: string): boolean =>
  (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/**
 * Why the Kafka tests cannot run here, or undefined when they can. With SLUICE_REQUIRE_KAFKA=1
 * (as in CI) they always run, so a machine without Java fails them instead of skipping.
 */
export function kafkaSkipReason(): string | undefined {
  if (process.env.SLUICE_REQUIRE_KAFKA === '1') return undefined;
  if (!onPath('java')) return 'java is not on PATH';
  const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'sluice');
  const cached = fs.existsSync(cache) && fs.readdirSync(cache).some((f) => f.startsWith('kafka-classpath-'));
  if (!cached && !onPath('mvn')) return 'mvn is not on PATH (it fetches the Kafka jars once)';
  return undefined;
}

export function readCluster(dir: string): KafkaCluster | undefined {
  try {
    const bootstrap = fs.readFileSync(path.join(dir, 'bootstrap'), 'utf8').trim();
    const nodes = Number(fs.readFileSync(path.join(dir, 'nodes'), 'utf8').trim());
    return { dir, bootstrap, brokers: bootstrap.split(','), nodes };
  } catch {
    return undefined;
  }
}

export async function startCluster(opts: { brokers?: number; dir?: string; owner?: number } = {}): Promise<KafkaCluster> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-kafka-'));
  const args = ['start', '--dir', dir, '--brokers', String(opts.brokers ?? 1), '--owner', String(opts.owner ?? process.pid)];
  await run(args);
  const cluster = readCluster(dir);
  if (cluster === undefined) throw new Error(`broker.sh start left no bootstrap file in ${dir}`);
  return cluster;
}

export async function stopCluster(cluster: KafkaCluster | string): Promise<void> {
  await run(['stop', '--dir', typeof cluster === 'string' ? cluster : cluster.dir], 30_000);
}

/** SIGKILLs one node (1-based), as a crash would. */
export async function killNode(cluster: KafkaCluster, node: number): Promise<void> {
  await run(['kill', String(node), '--dir', cluster.dir], 30_000);
}

/** Starts a killed node again on its old ports and data, and waits until it serves. */
export async function restartNode(cluster: KafkaCluster, node: number): Promise<void> {
  await run(['restart', String(node), '--dir', cluster.dir]);
}
