// The `sluice` command.
//   sluice [--data-dir DIR] [--memory]      an interactive shell on the embedded log
//   sluice run FILE.sql [--data-dir DIR]    runs a script, stopping at the first error (file:line:col)

import { readFile } from 'node:fs/promises';
import { Engine } from '../runtime/engine/engine.js';
import { SluiceError } from '../runtime/engine/api.js';
import { formatResult } from './format-result.js';
import { runShell } from './shell.js';

interface Args {
  command: 'shell' | 'run' | 'help';
  file?: string;
  dataDir: string;
  memory: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: 'shell', dataDir: './sluice-data', memory: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') args.dataDir = argv[++i] ?? args.dataDir;
    else if (a === '--memory') args.memory = true;
    else if (a === '--help' || a === '-h') args.command = 'help';
    else if (a === 'run') {
      args.command = 'run';
      args.file = argv[++i];
    } else if (a === 'repl' || a === 'shell') args.command = 'shell';
    else {
      process.stderr.write(`unknown argument: ${a}\n`);
      process.exit(2);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.command === 'help') {
    process.stdout.write('usage: sluice [--data-dir DIR | --memory]\n       sluice run FILE.sql [--data-dir DIR | --memory]\n');
    return;
  }
  const engine = new Engine(args.memory ? { memory: true } : { dataDir: args.dataDir });
  try {
    if (args.command === 'run') {
      if (!args.file) throw new Error('sluice run needs a FILE.sql');
      const text = await readFile(args.file, 'utf8');
      try {
        for (const r of await engine.execute(text)) process.stdout.write(formatResult(r) + '\n');
      } catch (e) {
        if (e instanceof SluiceError) {
          process.stderr.write(`${args.file}:${e.line ?? 1}:${e.column ?? 1}: ${e.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw e;
      }
    } else {
      await runShell(engine);
    }
  } catch (e) {
    process.stderr.write(`${e instanceof SluiceError ? e.toString() : e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  } finally {
    await engine.close();
  }
}

await main();
