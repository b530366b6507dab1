// PRINT topic: shows records of a topic, guessing each key and value's encoding the way
// ksqlDB's PRINT does (JSON, then text, then KAFKA integers).

import type { Print } from '../../../grammar/ast.js';
import { SemanticError } from '../../../planner/errors.js';
import type { LogRecord } from '../../log/log.js';
import type { StatementResult } from '../api.js';
import type { EngineContext } from '../context.js';

function guess(b: Buffer | null): string {
  if (b === null) return '<null>';
  const s = b.toString('utf8');
  if (!s.includes('\uFFFD') && /^[\x20-\x7E\t\r\n\u00A0-\uFFFF]*$/.test(s)) return s;
  if (b.length === 4) return String(b.readInt32BE(0));
  if (b.length === 8) return String(b.readBigInt64BE(0));
  return b.toString('hex');
}

function line(r: LogRecord): string {
  const t = new Date(r.timestamp).toISOString().replace('T', ' ').replace(/-/g, '/').replace('Z', ' Z');
  return `rowtime: ${t}, key: ${guess(r.key)}, value: ${guess(r.value)}, partition: ${r.partition}`;
}

export async function print(ctx: EngineContext, stmt: Print, text: string): Promise<StatementResult> {
  const info = await ctx.log.describeTopic(stmt.topic);
  if (!info) throw new SemanticError(`Could not find topic '${stmt.topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.`, stmt.span);
  const interval = Math.max(1, stmt.interval ?? 1);
  const lines: string[] = [];
  let seen = 0;
  // Bounded: everything present now (FROM BEGINNING) or nothing. Live tails go through query().
  if (stmt.fromBeginning) {
    for (let p = 0; p < info.partitions; p++) {
      let off = await ctx.log.startOffset(stmt.topic, p);
      const end = await ctx.log.endOffset(stmt.topic, p);
      while (off < end) {
        const recs = await ctx.log.fetch(stmt.topic, p, off, Math.min(1000, end - off));
        if (recs.length === 0) break;
        for (const r of recs) {
          if (seen++ % interval === 0) lines.push(line(r));
          if (stmt.limit !== undefined && lines.length >= stmt.limit) return { type: 'print', statementText: text, lines };
        }
        off = recs[recs.length - 1]!.offset + 1;
      }
    }
  }
  return { type: 'print', statementText: text, lines };
}

/**
 * PRINT as a live tail (through Engine.query): lines as records arrive, from the beginning or
 * from now, every INTERVAL-th record, until LIMIT or until the consumer stops.
 */
export async function printLive(ctx: EngineContext, stmt: Print, isClosed: () => boolean): Promise<AsyncGenerator<string>> {
  const info = await ctx.log.describeTopic(stmt.topic);
  if (!info) throw new SemanticError(`Could not find topic '${stmt.topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.`, stmt.span);
  const interval = Math.max(1, stmt.interval ?? 1);
  const positions: number[] = [];
  for (let p = 0; p < info.partitions; p++) {
    positions.push(stmt.fromBeginning ? await ctx.log.startOffset(stmt.topic, p) : await ctx.log.endOffset(stmt.topic, p));
  }
  const partitions = info.partitions;
  return (async function* () {
    let seen = 0;
    let printed = 0;
    while (!isClosed()) {
      let got = 0;
      for (let p = 0; p < partitions; p++) {
        const recs = await ctx.log.fetch(stmt.topic, p, positions[p]!, 500);
        got += recs.length;
        for (const r of recs) {
          positions[p] = r.offset + 1;
          if (seen++ % interval !== 0) continue;
          yield line(r);
          if (stmt.limit !== undefined && ++printed >= stmt.limit) return;
        }
      }
      if (got === 0) await ctx.log.waitForData([stmt.topic], 200);
    }
  })();
}
