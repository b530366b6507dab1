// Tokens of ksqlDB's SQL dialect.
//
// Keywords are case-insensitive. Most of them are non-reserved, as in ksqlDB: a column may
// be called KEY, TIMESTAMP or WINDOW. Rather than listing every keyword again in an
// `identifier` rule, each non-reserved keyword carries the `Ident` category, so
// `CONSUME(Ident)` accepts it; the parser uses gates where a non-reserved keyword could
// also start the next clause (`FROM s EMIT CHANGES`).
import { createToken, Lexer, type TokenType } from 'chevrotain';

// ---------------------------------------------------------------- categories

/** Any word: an identifier or any keyword, reserved or not (property names, struct fields). */
export const AnyWord = createToken({ name: 'AnyWord', pattern: Lexer.NA, label: 'identifier' });
/** What may name a column, source or alias: identifiers plus the non-reserved keywords. */
export const Ident = createToken({ name: 'Ident', pattern: Lexer.NA, categories: [AnyWord], label: 'identifier' });
export const ReservedWord = createToken({ name: 'ReservedWord', pattern: Lexer.NA, categories: [AnyWord] });
/** SECOND, SECONDS, MINUTE, ...: window sizes and function arguments like TIMESTAMPADD(MINUTES, ...). */
export const TimeUnitWord = createToken({ name: 'TimeUnitWord', pattern: Lexer.NA, label: 'time unit' });

// ---------------------------------------------------------------- skipped

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
/** An unclosed `/*`: a token of its own so that the error can say what is wrong. */
export const UnterminatedComment = createToken({
  name: 'UnterminatedComment',
  pattern: /\/\*/,
  label: 'unterminated comment',
});

// ---------------------------------------------------------------- identifiers and literals

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_@]*/,
  categories: [Ident],
  label: 'identifier',
});
export const QuotedIdentifier = createToken({
  name: 'QuotedIdentifier',
  pattern: /"(?:[^"]|"")*"/,
  categories: [Ident],
  line_breaks: true,
  label: 'identifier',
});
export const BackQuotedIdentifier = createToken({
  name: 'BackQuotedIdentifier',
  pattern: /`(?:[^`]|``)*`/,
  categories: [Ident],
  line_breaks: true,
  label: 'identifier',
});
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'(?:[^']|'')*'/,
  line_breaks: true,
  label: 'string',
});
// Order matters: a double (exponent) before a decimal (point) before an integer.
export const DoubleLiteral = createToken({
  name: 'DoubleLiteral',
  pattern: /(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+/,
  label: 'number',
});
export const DecimalLiteral = createToken({ name: 'DecimalLiteral', pattern: /\d+\.\d*|\.\d+/, label: 'number' });
/** `1R`: ksqlDB's DIGIT_IDENTIFIER, a name that starts with digits (after doubles: `1E5` is a number). */
export const DigitIdentifier = createToken({
  name: 'DigitIdentifier',
  pattern: /\d+[A-Za-z_@][A-Za-z0-9_@]*/,
  categories: [Ident],
  label: 'identifier',
});
export const IntegerLiteral = createToken({ name: 'IntegerLiteral', pattern: /\d+/, label: 'integer' });

// ---------------------------------------------------------------- keywords

const keywordTokens: TokenType[] = [];

function keyword(word: string, categories: TokenType[]): TokenType {
  const token = createToken({
    name: word,
    pattern: new RegExp(word, 'i'),
    longer_alt: Identifier,
    categories,
    label: word,
  });
  keywordTokens.push(token);
  return token;
}
const reserved = (word: string) => keyword(word, [ReservedWord]);
const nonReserved = (word: string) => keyword(word, [Ident]);
const timeUnit = (word: string) => keyword(word, [Ident, TimeUnitWord]);

// Reserved: these can never be bare identifiers, which keeps expressions and clause
// boundaries decidable with a few tokens of lookahead.
export const SELECT = reserved('SELECT');
export const FROM = reserved('FROM');
export const WHERE = reserved('WHERE');
export const GROUP = reserved('GROUP');
export const BY = reserved('BY');
export const HAVING = reserved('HAVING');
export const LIMIT = reserved('LIMIT');
// ORDER is reserved so `FROM t ORDER BY ...` can't read ORDER as t's alias.
export const ORDER = reserved('ORDER');
export const AS = reserved('AS');
export const AND = reserved('AND');
export const OR = reserved('OR');
export const NOT = reserved('NOT');
export const IS = reserved('IS');
export const IN = reserved('IN');
export const BETWEEN = reserved('BETWEEN');
export const LIKE = reserved('LIKE');
export const NULL = reserved('NULL');
export const TRUE = reserved('TRUE');
export const FALSE = reserved('FALSE');
export const CASE = reserved('CASE');
export const WHEN = reserved('WHEN');
export const THEN = reserved('THEN');
export const ELSE = reserved('ELSE');
export const END = reserved('END');
export const CAST = reserved('CAST');
export const ON = reserved('ON');
export const JOIN = reserved('JOIN');
export const INNER = reserved('INNER');
export const LEFT = reserved('LEFT');
export const RIGHT = reserved('RIGHT');
export const FULL = reserved('FULL');
export const OUTER = reserved('OUTER');
export const WITHIN = reserved('WITHIN');
export const WITH = reserved('WITH');
export const DISTINCT = reserved('DISTINCT');
export const ALL = reserved('ALL');

// Non-reserved: usable as identifiers wherever the grammar is not ambiguous.
export const CREATE = nonReserved('CREATE');
export const REPLACE = nonReserved('REPLACE');
export const SOURCE = nonReserved('SOURCE');
export const STREAM = nonReserved('STREAM');
export const STREAMS = nonReserved('STREAMS');
export const TABLE = nonReserved('TABLE');
export const TABLES = nonReserved('TABLES');
export const TYPE = nonReserved('TYPE');
export const TYPES = nonReserved('TYPES');
export const DROP = nonReserved('DROP');
export const DELETE = nonReserved('DELETE');
export const TOPIC = nonReserved('TOPIC');
export const TOPICS = nonReserved('TOPICS');
export const IF = nonReserved('IF');
export const EXISTS = nonReserved('EXISTS');
export const INSERT = nonReserved('INSERT');
export const INTO = nonReserved('INTO');
export const VALUES = nonReserved('VALUES');
export const ALTER = nonReserved('ALTER');
export const ADD = nonReserved('ADD');
export const COLUMN = nonReserved('COLUMN');
export const SHOW = nonReserved('SHOW');
export const LIST = nonReserved('LIST');
export const QUERIES = nonReserved('QUERIES');
export const PROPERTIES = nonReserved('PROPERTIES');
export const FUNCTIONS = nonReserved('FUNCTIONS');
export const FUNCTION = nonReserved('FUNCTION');
export const VARIABLES = nonReserved('VARIABLES');
export const EXTENDED = nonReserved('EXTENDED');
export const DESCRIBE = nonReserved('DESCRIBE');
export const EXPLAIN = nonReserved('EXPLAIN');
export const TERMINATE = nonReserved('TERMINATE');
export const PRINT = nonReserved('PRINT');
export const BEGINNING = nonReserved('BEGINNING');
export const INTERVAL = nonReserved('INTERVAL');
export const SAMPLE = nonReserved('SAMPLE');
export const SET = nonReserved('SET');
export const UNSET = nonReserved('UNSET');
export const DEFINE = nonReserved('DEFINE');
export const UNDEFINE = nonReserved('UNDEFINE');
export const RUN = nonReserved('RUN');
export const SCRIPT = nonReserved('SCRIPT');
export const WINDOW = nonReserved('WINDOW');
export const TUMBLING = nonReserved('TUMBLING');
export const HOPPING = nonReserved('HOPPING');
export const SESSION = nonReserved('SESSION');
export const SIZE = nonReserved('SIZE');
export const ADVANCE = nonReserved('ADVANCE');
export const RETENTION = nonReserved('RETENTION');
export const GRACE = nonReserved('GRACE');
export const PERIOD = nonReserved('PERIOD');
export const EMIT = nonReserved('EMIT');
export const OFFSET = nonReserved('OFFSET');
export const ASC = nonReserved('ASC');
export const DESC = nonReserved('DESC');
export const CHANGES = nonReserved('CHANGES');
export const FINAL = nonReserved('FINAL');
export const PARTITION = nonReserved('PARTITION');
export const ESCAPE = nonReserved('ESCAPE');
export const ARRAY = nonReserved('ARRAY');
export const MAP = nonReserved('MAP');
export const STRUCT = nonReserved('STRUCT');
export const DECIMAL = nonReserved('DECIMAL');
export const KEY = nonReserved('KEY');
export const PRIMARY = nonReserved('PRIMARY');
export const HEADERS = nonReserved('HEADERS');
export const HEADER = nonReserved('HEADER');

// The parser only consumes these through the TimeUnitWord category.
for (const unit of ['NANOSECOND', 'MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR']) {
  timeUnit(`${unit}S`);
  timeUnit(unit);
}

// ---------------------------------------------------------------- punctuation

function punct(name: string, pattern: RegExp, label: string): TokenType {
  return createToken({ name, pattern, label });
}
export const Semicolon = punct('Semicolon', /;/, "';'");
export const Comma = punct('Comma', /,/, "','");
export const Dot = punct('Dot', /\./, "'.'");
export const LParen = punct('LParen', /\(/, "'('");
export const RParen = punct('RParen', /\)/, "')'");
export const LBracket = punct('LBracket', /\[/, "'['");
export const RBracket = punct('RBracket', /]/, "']'");
export const Arrow = punct('Arrow', /->/, "'->'");
export const LambdaArrow = punct('LambdaArrow', /=>/, "'=>'");
export const Assign = punct('Assign', /:=/, "':='");
export const Concat = punct('Concat', /\|\|/, "'||'");
export const LtEq = punct('LtEq', /<=/, "'<='");
export const GtEq = punct('GtEq', />=/, "'>='");
export const NotEq = punct('NotEq', /<>|!=/, "'<>'");
export const Lt = punct('Lt', /</, "'<'");
export const Gt = punct('Gt', />/, "'>'");
export const Eq = punct('Eq', /=/, "'='");
export const Plus = punct('Plus', /\+/, "'+'");
export const Minus = punct('Minus', /-/, "'-'");
export const Star = punct('Star', /\*/, "'*'");
export const Slash = punct('Slash', /\//, "'/'");
export const Percent = punct('Percent', /%/, "'%'");

// Longest keyword first: `IN` also matches the start of `INNER`, and longer_alt would then
// turn `INNER` into an Identifier instead of trying the INNER keyword.
const keywordsLongestFirst = [...keywordTokens].sort((a, b) => b.name.length - a.name.length);

// The order is the lexer's priority: comments before the operators they start with, and
// the keywords before `Identifier` because every keyword also matches the identifier
// pattern (longer_alt then lets `SELECTED` lex as an identifier).
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  QuotedIdentifier,
  BackQuotedIdentifier,
  DoubleLiteral,
  DecimalLiteral,
  DigitIdentifier,
  IntegerLiteral,
  ...keywordsLongestFirst,
  Identifier,
  Semicolon,
  Comma,
  Dot,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Arrow,
  LambdaArrow,
  Assign,
  Concat,
  LtEq,
  GtEq,
  NotEq,
  Lt,
  Gt,
  Eq,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  AnyWord,
  Ident,
  ReservedWord,
  TimeUnitWord,
];

export const sqlLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });
