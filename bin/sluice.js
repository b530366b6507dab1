#!/usr/bin/env node
// Runs the TypeScript CLI in this process through tsx's loader, so `npx sluice` works from a
// clone without a build step. In-process rather than a child: signals, the terminal's raw
// mode and the exit code then belong to one process. The project's tsconfig is named
// explicitly because tsx would otherwise look in the working directory, which may be anywhere.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../repl/cli.ts');
