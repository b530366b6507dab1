// The commands the client itself handles, as ksqlDB's CLI does: they are not SQL, need no `;`
// (one is accepted), and work the same at the ink prompt and on piped stdin.
//   exit | quit          leave
//   help                 what can be typed
//   output [tabular|json]  show or switch the result format
//   spool FILE | OFF     copy everything shown to FILE, or stop

import { OUTPUT_MODES, type OutputMode } from './format-result.js';

export type ClientCommand =
  | { readonly kind: 'exit' }
  | { readonly kind: 'help' }
  | { readonly kind: 'output'; readonly mode: OutputMode | undefined }
  | { readonly kind: 'spool'; readonly file: string | undefined }
  | { readonly kind: 'invalid'; readonly message: string };

/** The command the whole of `text` is, or undefined when it is SQL. */
export function parseClientCommand(text: string): ClientCommand | undefined {
  const m = /^\s*(exit|quit|help|output|spool)\b\s*(.*?)\s*;?\s*$/is.exec(text);
  if (!m) return undefined;
  const word = m[1]!.toLowerCase();
  const arg = m[2]!;
  switch (word) {
    case 'exit':
    case 'quit':
      return arg === '' ? { kind: 'exit' } : undefined;
    case 'help':
      return arg === '' ? { kind: 'help' } : undefined;
    case 'output': {
      if (arg === '') return { kind: 'output', mode: undefined };
      const mode = OUTPUT_MODES.find((o) => o === arg.toLowerCase());
      return mode ? { kind: 'output', mode } : { kind: 'invalid', message: `OUTPUT takes ${OUTPUT_MODES.join(' or ')}, not '${arg}'` };
    }
    case 'spool': {
      if (arg === '') return { kind: 'invalid', message: 'SPOOL takes a file name, or OFF' };
      const file = unquote(arg);
      return { kind: 'spool', file: file.toUpperCase() === 'OFF' ? undefined : file };
    }
    default:
      return undefined;
  }
}

function unquote(s: string): string {
  const q = s[0];
  return (q === "'" || q === '"') && s.endsWith(q) && s.length >= 2 ? s.slice(1, -1) : s;
}

export const HELP_TEXT = `Statements end with ';' and may span lines. Among them:
  CREATE STREAM|TABLE name (col TYPE [KEY|PRIMARY KEY], ...) WITH (kafka_topic='t', partitions=1, value_format='JSON');
  CREATE STREAM|TABLE name AS SELECT ...;     a persistent query
  INSERT INTO name (cols) VALUES (...);
  SELECT ... FROM table [WHERE ...];          a pull query: the current state
  SELECT ... EMIT CHANGES [LIMIT n];          a push query: rows as they arrive (Ctrl-C stops it)
  PRINT topic [FROM BEGINNING];               the records of a topic, live
  SHOW STREAMS|TABLES|TOPICS|QUERIES|PROPERTIES|FUNCTIONS|VARIABLES;  DESCRIBE name [EXTENDED];
  TERMINATE id;  DROP STREAM|TABLE name;  EXPLAIN ...;
  SET 'property'='value';  UNSET 'property';  DEFINE name = 'value';  (then \${name})
  RUN SCRIPT 'file.sql';                      runs a file's statements, stopping at the first error

Client commands (no ';' needed):
  OUTPUT [TABULAR|JSON]   show or choose how results print
  SPOOL file | SPOOL OFF  copy what is shown to a file
  HELP                    this text
  EXIT, QUIT              leave (also Ctrl-D, or Ctrl-C at an empty prompt)

Keys: Enter runs a complete statement (else starts a new line); Up/Down walk the history
(kept across sessions); Tab completes keywords, streams, tables and columns; Ctrl-C stops a
running push query, or clears the statement being typed.`;
