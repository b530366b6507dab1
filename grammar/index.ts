// The grammar's public surface. Spans are 1-based line/column in the original script; a
// span's `end` is the position just after its last character.
export * from './ast.js';
export { SqlSyntaxError } from './errors.js';
export { parseExpression, parseStatement, parseStatements, parseType } from './parse.js';
export { splitStatements, type StatementText } from './split.js';
export { substituteVariables } from './variables.js';
