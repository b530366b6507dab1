// A `sluice server` for the HTTP benchmarks, in its own process so that the load generator
// (the bench process) doesn't share its event loop:
//   node --import tsx test/bench/http-server-child.ts DATA_DIR
// It prints one JSON line, {"url": …}, once it listens, and serves until stdin closes.

import { startServer } from '../../repl/server/index.js';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (dataDir === undefined) throw new Error('usage: http-server-child.ts DATA_DIR');
  const server = await startServer({ dataDir, port: 0 });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
