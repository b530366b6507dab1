// Several `sluice server` processes in Kafka mode with one service id, as a user runs them
// (bin/sluice.js, one process each): the scale-out fault and restart tests start, SIGKILL,
// stop and restart them. Each instance keeps its port and state directory across restarts, so
// its advertised URL stays the one the others know, and its stderr is kept for failure messages.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from '../crash/harness.js';

const BIN = path.join(ROOT, 'bin', 'sluice.js');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
/** Kept per instance: enough to show why it failed, not a whole run's worth. */
const STDERR_TAIL = 20_000;

export interface InstancesOptions {
  /** `host:port,…` of the cluster. */
  readonly bootstrap: string;
  readonly serviceId: string;
  /** Prefix of this run's topics and groups on a shared broker (KafkaLog's namespace). */
  readonly namespace: string;
  readonly count: number;
  /** Holds each instance's state directory and the kafkajs options file. */
  readonly dir: string;
  readonly guarantee?: 'at_least_once' | 'exactly_once_v2';
}

interface Instance {
  readonly index: number;
  readonly port: number;
  readonly dataDir: string;
  child?: ChildProcess;
  exited?: Promise<void>;
  stderr: string;
}

export class Instances {
  private constructor(
    private readonly options: InstancesOptions,
    private readonly configFile: string,
    private readonly all: readonly Instance[],
  ) {}

  /** Picks ports and directories for `count` instances; none is started yet. */
  static async create(options: InstancesOptions): Promise<Instances> {
    const configFile = path.join(options.dir, 'kafka.json');
    // kafkajs's warnings go to stderr, kept for the failure messages of the tests.
    fs.writeFileSync(configFile, JSON.stringify({ namespace: options.namespace, logLevel: 'error' }));
    const all: Instance[] = [];
    for (let index = 0; index < options.count; index++) {
      const dataDir = path.join(options.dir, `instance-${index}`);
      fs.mkdirSync(dataDir, { recursive: true });
      all.push({ index, port: await freePort(), dataDir, stderr: '' });
    }
    return new Instances(options, configFile, all);
  }

  get count(): number {
    return this.all.length;
  }

  /** The instance's REST URL, which is also the URL it advertises to the others. */
  url(i: number): string {
    return `http://127.0.0.1:${this.instance(i).port}`;
  }

  running(i: number): boolean {
    return this.instance(i).child !== undefined;
  }

  /** Starts the instance and resolves once its /healthcheck answers 200. */
  async start(i: number): Promise<void> {
    const inst = this.instance(i);
    if (inst.child !== undefined) throw new Error(`instance ${i} is already running`);
    const args = [
      BIN,
      'server',
      '--kafka',
      this.options.bootstrap,
      '--kafka-config',
      this.configFile,
      '--service-id',
      this.options.serviceId,
      '--port',
      String(inst.port),
      '--advertised-url',
      this.url(i),
      '--data',
      inst.dataDir,
      ...(this.options.guarantee !== undefined ? ['--processing-guarantee', this.options.guarantee] : []),
    ];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    inst.child = child;
    inst.stderr += `--- instance ${i} started (pid ${child.pid}) ---\n`;
    child.stderr!.on('data', (d) => (inst.stderr = (inst.stderr + String(d)).slice(-STDERR_TAIL)));
    inst.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        inst.stderr += `--- instance ${i} exited (${signal ?? `code ${code}`}) ---\n`;
        if (inst.child === child) inst.child = undefined;
        resolve();
      });
    });
    await this.waitHealthy(inst, child);
  }

  async startAll(): Promise<void> {
    for (let i = 0; i < this.all.length; i++) if (!this.running(i)) await this.start(i);
  }

  /** SIGKILL: no leaving the group, no flush, no commit. Resolves once the process is gone. */
  async kill9(i: number): Promise<void> {
    const inst = this.instance(i);
    if (inst.child === undefined) throw new Error(`instance ${i} is not running`);
    inst.child.kill('SIGKILL');
    await inst.exited;
  }

  /** SIGTERM, the way a user stops the server, and waits for the process to exit. */
  async stop(i: number): Promise<void> {
    const inst = this.instance(i);
    const child = inst.child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS)));
    const outcome = await Promise.race([inst.exited!.then(() => 'exited' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      child.kill('SIGKILL');
      await inst.exited;
      throw new Error(`instance ${i} did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM\n${inst.stderr}`);
    }
    if (child.exitCode !== 0) throw new Error(`instance ${i} exited with code ${child.exitCode} on SIGTERM\n${inst.stderr}`);
  }

  async stopAll(): Promise<void> {
    for (let i = 0; i < this.all.length; i++) await this.stop(i);
  }

  /** Starts a stopped or killed instance again on its port and state directory. */
  async restart(i: number): Promise<void> {
    if (this.running(i)) await this.stop(i);
    await this.start(i);
  }

  /** For afterAll: every instance still running is killed, quickly and without failing. */
  async killAll(): Promise<void> {
    await Promise.all(this.all.filter((inst) => inst.child !== undefined).map((inst) => this.kill9(inst.index)));
  }

  stderr(i: number): string {
    return this.instance(i).stderr;
  }

  /** Every instance's stderr, labelled: attach it to a failing assertion. */
  logs(): string {
    return this.all.map((inst) => `=== instance ${inst.index} (${this.url(inst.index)}) stderr ===\n${inst.stderr}`).join('\n');
  }

  private instance(i: number): Instance {
    const inst = this.all[i];
    if (inst === undefined) throw new Error(`no instance ${i} (of ${this.all.length})`);
    return inst;
  }

  private async waitHealthy(inst: Instance, child: ChildProcess): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (inst.child !== child) throw new Error(`instance ${inst.index} exited while starting\n${inst.stderr}`);
      if ((await healthStatus(this.url(inst.index))) === 200) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`instance ${inst.index} was not healthy within ${START_TIMEOUT_MS} ms\n${inst.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** GET /healthcheck's status, or 0 while nothing listens. */
function healthStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthcheck`, { agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/**
 * A port nothing listens on now. The server must be told it up front (its advertised URL is
 * part of its options), so the port is reserved and released here rather than picked by listen(0).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
