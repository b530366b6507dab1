// Summarises a V8 .cpuprofile (node --cpu-prof; npm run bench -- --profile DIR): the functions
// and the source files with the most self time, i.e. where the CPU actually was.
//   npx tsx test/bench/profile-summary.ts FILE.cpuprofile [--top N]

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

/** Self time per function (name and file) and per file, largest first. */
function summarise(profile: Profile): { total: number; functions: SelfTime[]; files: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const us = profile.timeDeltas[i] ?? 0;
    if (!node) continue;
    total += us;
    // No line numbers: under tsx they are the transpiled code's, not the source's.
    const { functionName, url } = node.callFrame;
    const fname = `${functionName || '(anonymous)'}${url === '' ? '' : ` ${shortPath(url)}`}`;
    fn.set(fname, (fn.get(fname) ?? 0) + us);
    const f = url === '' ? functionName || '(native)' : shortPath(url);
    file.set(f, (file.get(f) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m].map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 })).sort((a, b) => b.ms - a.ms);
  return { total: total / 1000, functions: rank(fn), files: rank(file) };
}

function shortPath(url: string): string {
  const p = url.replace(/^file:\/\//, '');
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel;
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  if (positionals.length !== 1) throw new Error('usage: profile-summary.ts FILE.cpuprofile [--top N]');
  const top = Number(values.top);
  const s = summarise(JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile);
  const line = (t: SelfTime) => `${(t.share * 100).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(7)} ms  ${t.name}`;
  console.log(`${s.total.toFixed(0)} ms sampled.\n\nTop functions by self time:`);
  for (const t of s.functions.slice(0, top)) console.log(line(t));
  console.log('\nTop files by self time:');
  for (const t of s.files.slice(0, top)) console.log(line(t));
}

main();
