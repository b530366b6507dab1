// Headless mode (`sluice server --queries-file F.sql`): the server runs the file's statements
// when it starts and accepts none over REST, as ksqlDB's headless mode does.
//
// ksqlDB re-runs the file on every start. Sluice's data directory remembers what ran (its
// command log), so a restart must not run the file's DDL twice: the statements the command
// log already holds, in the file's order, are skipped (with the INSERT VALUES among them,
// which already wrote their rows); SET/UNSET/DEFINE/UNDEFINE run again, since later
// statements may depend on them; what follows the logged prefix runs. A file whose logged
// statements differ from the log's is refused: the data directory came from another file.

import { readFile } from 'node:fs/promises';
import type { Statement } from '../../grammar/ast.js';
import { parseStatement, splitStatements, substituteVariables, type StatementText } from '../../grammar/index.js';
import { SluiceError } from '../../runtime/engine/api.js';
import { CommandLog } from '../../runtime/engine/command-log.js';
import type { Engine } from '../../runtime/engine/engine.js';
import { toSluiceError } from '../../runtime/engine/errors.js';
import { positioned } from './statements.js';

/** The statements the engine appends to its command log. */
const LOGGED: ReadonlySet<Statement['kind']> = new Set([
  'CreateSource',
  'CreateAsSelect',
  'InsertInto',
  'DropSource',
  'CreateType',
  'DropType',
  'AlterSource',
  'Terminate',
]);

const SESSION: ReadonlySet<Statement['kind']> = new Set(['SetProperty', 'UnsetProperty', 'DefineVariable', 'UndefineVariable']);

/** Runs the queries file; failures are thrown as `FILE:line:col: message`. Returns how many statements ran. */
export async function runQueriesFile(engine: Engine, file: string): Promise<number> {
  const script = await readFile(file, 'utf8');
  const located = (e: unknown, piece?: StatementText): Error => {
    const err = toSluiceError(e, piece?.text ?? script, piece?.start);
    return new Error(`${file}:${err.line ?? 1}:${err.column ?? 1}: ${err.message}`);
  };
  let pieces: StatementText[];
  try {
    pieces = splitStatements(script);
  } catch (e) {
    throw located(e);
  }
  const logged = (await new CommandLog(await engine.log()).readAll()).map((c) => c.sql);
  let next = 0;
  let ran = 0;
  for (const piece of pieces) {
    try {
      const text = await substituted(engine, piece.text);
      const kind = parseStatement(positioned({ ...piece, text })).kind;
      if (next < logged.length && !SESSION.has(kind)) {
        if (!LOGGED.has(kind)) continue;
        if (logged[next] !== text.trim()) {
          throw new SluiceError(
            `The data directory was built by other statements than this file's: its command log has, at this point, ${logged[next]}`,
            piece.start.line,
            piece.start.column,
          );
        }
        next++;
        continue;
      }
      await engine.execute(positioned(piece));
      ran++;
    } catch (e) {
      throw located(e, piece);
    }
  }
  return ran;
}

/** The text as the engine logs it: variables (DEFINEd so far) substituted. */
async function substituted(engine: Engine, text: string): Promise<string> {
  if (!text.includes('${')) return text;
  const [vars] = await engine.execute('SHOW VARIABLES;');
  return substituteVariables(text, new Map(Object.entries(vars?.type === 'variables' ? vars.variables : {})));
}
