// What the kill -9 tests share (embedded: test/crash, Kafka: test/kafka/engine-crash): a child
// process running an Engine that reports its progress, SIGKILLed once it has processed enough,
// and a seeded PRNG so that a failing run can be reproduced.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Engine } from '../../runtime/engine/engine.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface ChildRun {
  /** The child script, relative to the repository root, and its arguments. */
  readonly script: string;
  readonly args: readonly string[];
  readonly mode: 'run' | 'finish';
  /** In 'run' mode: SIGKILL once the child reports this many processed records… */
  readonly killAt?: number;
  /** …this many ms later (moves the kill from just after a commit into the work that follows). */
  readonly delayMs?: number;
  /** If the child runs out of input before reaching killAt, kill it anyway after this long. */
  readonly deadlineMs: number;
}

/** Runs the child to its exit (or its SIGKILL) and resolves with the tail of its output. */
export function runChild(run: ChildRun): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, run.script), ...run.args, run.mode], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let killAt = run.killAt;
    let out = '';
    let err = '';
    const kill = () => child.kill('SIGKILL');
    const deadline = killAt !== undefined ? setTimeout(kill, run.deadlineMs) : undefined;
    child.stdout.on('data', (d) => {
      out = (out + String(d)).slice(-2000);
      const last = /progress (\d+)\n(?![\s\S]*progress)/.exec(out);
      if (killAt !== undefined && last && Number(last[1]) >= killAt) {
        if (run.delayMs) setTimeout(kill, run.delayMs);
        else kill();
        killAt = undefined;
      }
    });
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      if (signal === 'SIGKILL' || code === 0) resolve(out);
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

/** The child's side: 'finish' drains and exits; 'run' reports progress until it is killed. */
export async function childMain(engine: Engine, mode: string, intervalMs: number): Promise<void> {
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
    }, intervalMs);
  }
}

/** A seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
