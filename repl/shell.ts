// A minimal line-based shell over the Engine: statements end with ';' and may span lines;
// push queries stream until LIMIT or Ctrl-C (which stops the query, not the shell).

import { createInterface } from 'node:readline';
import { Engine } from '../runtime/engine/engine.js';
import { SluiceError } from '../runtime/engine/api.js';
import { formatCell, formatResult } from './format-result.js';

export async function runShell(engine: Engine, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'sluice> ', terminal: process.stdin.isTTY });
  let buffer = '';
  let stopQuery: (() => void) | undefined;
  rl.on('SIGINT', () => {
    if (stopQuery) stopQuery();
    else if (buffer) {
      buffer = '';
      out.write('\n');
      rl.setPrompt('sluice> ');
      rl.prompt();
    } else rl.close();
  });
  out.write('Sluice shell. Statements end with ";". Ctrl-C stops a running query; Ctrl-D exits.\n');
  rl.prompt();
  for await (const line of rl) {
    buffer += (buffer ? '\n' : '') + line;
    if (!/;\s*$/.test(buffer.replace(/--[^\n]*$/g, ''))) {
      rl.setPrompt('     > ');
      rl.prompt();
      continue;
    }
    const sql = buffer;
    buffer = '';
    rl.setPrompt('sluice> ');
    try {
      if (/^\s*SELECT\b[\s\S]*\bEMIT\s+(CHANGES|FINAL)\b/i.test(sql) || /^\s*PRINT\b/i.test(sql)) {
        const handle = await engine.query(sql);
        out.write(handle.columns.map((c) => c.name).join(' | ') + '\n');
        stopQuery = () => void handle.close();
        for await (const row of handle) out.write(row.map(formatCell).join(' | ') + '\n');
        stopQuery = undefined;
        out.write('Query terminated\n');
      } else {
        for (const r of await engine.execute(sql)) out.write(formatResult(r) + '\n');
      }
    } catch (e) {
      stopQuery = undefined;
      out.write(describeError(e, sql) + '\n');
    }
    rl.prompt();
  }
}

/** The error, and for a positioned one the offending line with a caret under the column. */
export function describeError(e: unknown, sql: string): string {
  if (!(e instanceof SluiceError)) return e instanceof Error ? e.message : String(e);
  if (e.line === undefined || e.column === undefined) return e.toString();
  const line = sql.split('\n')[e.line - 1] ?? '';
  return `${e.toString()}\n${line}\n${' '.repeat(Math.max(0, e.column - 1))}^`;
}
