// The typed AST. Every node is a readonly interface told apart by `kind`, with a source span.
// Identifiers are already normalised the way ksqlDB does it: unquoted identifiers are
// upper-cased, back-quoted (or double-quoted) identifiers keep their case.
// This file imports nothing from the rest of the project (grammar → planner → runtime).

export interface Position {
  readonly offset: number; // 0-based character offset in the original text
  readonly line: number; // 1-based
  readonly column: number; // 1-based
}

export interface Span {
  readonly start: Position;
  readonly end: Position;
}

// ---------------------------------------------------------------- types

export type PrimitiveTypeName =
  | 'BOOLEAN'
  | 'INT'
  | 'BIGINT'
  | 'DOUBLE'
  | 'STRING'
  | 'BYTES'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP';

export interface PrimitiveTypeNode {
  readonly kind: 'PrimitiveType';
  readonly name: PrimitiveTypeName; // INTEGER → INT, VARCHAR → STRING are mapped by the parser
  readonly span: Span;
}
export interface DecimalTypeNode {
  readonly kind: 'DecimalType';
  readonly precision: number;
  readonly scale: number;
  readonly span: Span;
}
export interface ArrayTypeNode {
  readonly kind: 'ArrayType';
  readonly element: TypeNode;
  readonly span: Span;
}
export interface MapTypeNode {
  readonly kind: 'MapType';
  readonly key: TypeNode;
  readonly value: TypeNode;
  readonly span: Span;
}
export interface StructTypeNode {
  readonly kind: 'StructType';
  readonly fields: readonly { readonly name: string; readonly type: TypeNode }[];
  readonly span: Span;
}
/** A name declared with CREATE TYPE. */
export interface CustomTypeNode {
  readonly kind: 'CustomType';
  readonly name: string;
  readonly span: Span;
}
export type TypeNode =
  | PrimitiveTypeNode
  | DecimalTypeNode
  | ArrayTypeNode
  | MapTypeNode
  | StructTypeNode
  | CustomTypeNode;

// ---------------------------------------------------------------- expressions

/** Integer literal without a decimal point or exponent: INT if it fits 32 bits, else BIGINT. */
export interface IntegerLiteral {
  readonly kind: 'IntegerLiteral';
  readonly text: string; // digits only; a leading minus is a Negate node
  readonly span: Span;
}
/** `1.5`: ksqlDB types a literal with a point and no exponent as DECIMAL. */
export interface DecimalLiteral {
  readonly kind: 'DecimalLiteral';
  readonly text: string;
  readonly span: Span;
}
/** `1.5E3`: a literal with an exponent is a DOUBLE. */
export interface DoubleLiteral {
  readonly kind: 'DoubleLiteral';
  readonly text: string;
  readonly span: Span;
}
export interface StringLiteral {
  readonly kind: 'StringLiteral';
  readonly value: string; // unescaped ('' → ')
  readonly span: Span;
}
export interface BooleanLiteral {
  readonly kind: 'BooleanLiteral';
  readonly value: boolean;
  readonly span: Span;
}
export interface NullLiteral {
  readonly kind: 'NullLiteral';
  readonly span: Span;
}
/** `DATE '2020-01-01'`, `TIME '10:00'`, `TIMESTAMP '2020-01-01T00:00:00'`, `BYTES 'aGk='`? */
export interface TypedLiteral {
  readonly kind: 'TypedLiteral';
  readonly type: TypeNode;
  readonly value: string;
  readonly span: Span;
}
/** A column, optionally qualified by a source name or alias: `a.col`. */
export interface ColumnRef {
  readonly kind: 'ColumnRef';
  readonly source: string | undefined;
  readonly name: string;
  readonly span: Span;
}
/** `base->field` */
export interface Dereference {
  readonly kind: 'Dereference';
  readonly base: Expression;
  readonly field: string;
  readonly span: Span;
}
/** `base[index]` on arrays (1-based, negative from the end) and maps (by key). */
export interface Subscript {
  readonly kind: 'Subscript';
  readonly base: Expression;
  readonly index: Expression;
  readonly span: Span;
}
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export interface Arithmetic {
  readonly kind: 'Arithmetic';
  readonly op: ArithmeticOp;
  readonly left: Expression;
  readonly right: Expression;
  readonly span: Span;
}
/** Unary minus. Unary plus is dropped by the parser. */
export interface Negate {
  readonly kind: 'Negate';
  readonly operand: Expression;
  readonly span: Span;
}
/** `a || b` */
export interface Concat {
  readonly kind: 'Concat';
  readonly left: Expression;
  readonly right: Expression;
  readonly span: Span;
}
export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>='; // `!=` is parsed as '<>'
export interface Comparison {
  readonly kind: 'Comparison';
  readonly op: ComparisonOp;
  readonly left: Expression;
  readonly right: Expression;
  readonly span: Span;
}
export interface Logical {
  readonly kind: 'Logical';
  readonly op: 'AND' | 'OR';
  readonly left: Expression;
  readonly right: Expression;
  readonly span: Span;
}
export interface Not {
  readonly kind: 'Not';
  readonly operand: Expression;
  readonly span: Span;
}
export interface IsNull {
  readonly kind: 'IsNull';
  readonly negated: boolean; // IS NOT NULL
  readonly operand: Expression;
  readonly span: Span;
}
export interface IsDistinctFrom {
  readonly kind: 'IsDistinctFrom';
  readonly negated: boolean; // IS NOT DISTINCT FROM
  readonly left: Expression;
  readonly right: Expression;
  readonly span: Span;
}
export interface Between {
  readonly kind: 'Between';
  readonly negated: boolean;
  readonly value: Expression;
  readonly low: Expression;
  readonly high: Expression;
  readonly span: Span;
}
export interface InList {
  readonly kind: 'InList';
  readonly negated: boolean;
  readonly value: Expression;
  readonly list: readonly Expression[];
  readonly span: Span;
}
export interface Like {
  readonly kind: 'Like';
  readonly negated: boolean;
  readonly value: Expression;
  readonly pattern: Expression;
  readonly escape: string | undefined; // single character
  readonly span: Span;
}
export interface WhenClause {
  readonly when: Expression;
  readonly then: Expression;
}
export interface SimpleCase {
  readonly kind: 'SimpleCase';
  readonly operand: Expression;
  readonly whens: readonly WhenClause[];
  readonly otherwise: Expression | undefined;
  readonly span: Span;
}
export interface SearchedCase {
  readonly kind: 'SearchedCase';
  readonly whens: readonly WhenClause[];
  readonly otherwise: Expression | undefined;
  readonly span: Span;
}
export interface Cast {
  readonly kind: 'Cast';
  readonly operand: Expression;
  readonly type: TypeNode;
  readonly span: Span;
}
/**
 * A function call. `COUNT(*)` has `star: true` and no args. Time-unit keywords used as
 * arguments (`TIMESTAMPADD(MINUTES, 5, ts)`) arrive as `IntervalUnit` expressions.
 */
export interface FunctionCall {
  readonly kind: 'FunctionCall';
  readonly name: string; // upper-cased
  readonly args: readonly Expression[];
  readonly distinct: boolean;
  readonly star: boolean;
  readonly span: Span;
}
export type TimeUnit =
  | 'NANOSECONDS'
  | 'MICROSECONDS'
  | 'MILLISECONDS'
  | 'SECONDS'
  | 'MINUTES'
  | 'HOURS'
  | 'DAYS'
  | 'WEEKS'
  | 'MONTHS'
  | 'YEARS';
export interface IntervalUnit {
  readonly kind: 'IntervalUnit';
  readonly unit: TimeUnit; // singular forms (MINUTE) are normalised to plural
  readonly span: Span;
}
export interface ArrayConstructor {
  readonly kind: 'ArrayConstructor';
  readonly items: readonly Expression[];
  readonly span: Span;
}
export interface MapConstructor {
  readonly kind: 'MapConstructor';
  readonly entries: readonly { readonly key: Expression; readonly value: Expression }[];
  readonly span: Span;
}
export interface StructConstructor {
  readonly kind: 'StructConstructor';
  readonly fields: readonly { readonly name: string; readonly value: Expression }[];
  readonly span: Span;
}
/** `x => x + 1`, `(k, v) => k || v`. Parameters are referenced in the body as ColumnRefs. */
export interface Lambda {
  readonly kind: 'Lambda';
  readonly params: readonly string[];
  readonly body: Expression;
  readonly span: Span;
}

export type Expression =
  | IntegerLiteral
  | DecimalLiteral
  | DoubleLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | TypedLiteral
  | ColumnRef
  | Dereference
  | Subscript
  | Arithmetic
  | Negate
  | Concat
  | Comparison
  | Logical
  | Not
  | IsNull
  | IsDistinctFrom
  | Between
  | InList
  | Like
  | SimpleCase
  | SearchedCase
  | Cast
  | FunctionCall
  | IntervalUnit
  | ArrayConstructor
  | MapConstructor
  | StructConstructor
  | Lambda;

// ---------------------------------------------------------------- queries

/** `*` or `alias.*` */
export interface AllColumns {
  readonly kind: 'AllColumns';
  readonly source: string | undefined;
  readonly span: Span;
}
/** `struct_col->*` */
export interface StructAll {
  readonly kind: 'StructAll';
  readonly expr: Expression;
  readonly span: Span;
}
export interface SelectExpr {
  readonly kind: 'SelectExpr';
  readonly expr: Expression;
  readonly alias: string | undefined;
  readonly span: Span;
}
export type SelectItem = AllColumns | StructAll | SelectExpr;

export interface Duration {
  readonly value: number;
  readonly unit: TimeUnit;
  readonly span: Span;
}

export interface TableRef {
  readonly kind: 'TableRef';
  readonly name: string;
  readonly alias: string | undefined;
  readonly span: Span;
}
export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
/** `WITHIN 1 HOUR`, `WITHIN (1 HOUR, 2 HOURS)` with optional `GRACE PERIOD`. */
export interface JoinWithin {
  readonly before: Duration;
  readonly after: Duration;
  readonly grace: Duration | undefined;
  readonly span: Span;
}
export interface Join {
  readonly kind: 'Join';
  readonly joinType: JoinType;
  readonly left: Relation;
  readonly right: TableRef;
  readonly within: JoinWithin | undefined;
  readonly on: Expression;
  readonly span: Span;
}
export type Relation = TableRef | Join;

export interface TumblingWindow {
  readonly kind: 'TumblingWindow';
  readonly size: Duration;
  readonly retention: Duration | undefined;
  readonly grace: Duration | undefined;
  readonly span: Span;
}
export interface HoppingWindow {
  readonly kind: 'HoppingWindow';
  readonly size: Duration;
  readonly advance: Duration;
  readonly retention: Duration | undefined;
  readonly grace: Duration | undefined;
  readonly span: Span;
}
export interface SessionWindow {
  readonly kind: 'SessionWindow';
  readonly gap: Duration;
  readonly retention: Duration | undefined;
  readonly grace: Duration | undefined;
  readonly span: Span;
}
export type WindowExpression = TumblingWindow | HoppingWindow | SessionWindow;

export interface Query {
  readonly kind: 'Query';
  readonly select: readonly SelectItem[];
  readonly from: Relation;
  readonly window: WindowExpression | undefined;
  readonly where: Expression | undefined;
  readonly groupBy: readonly Expression[] | undefined;
  readonly partitionBy: readonly Expression[] | undefined; // `PARTITION BY NULL` is [NullLiteral]
  readonly having: Expression | undefined;
  readonly emit: 'CHANGES' | 'FINAL' | undefined;
  readonly limit: number | undefined;
  /** ORDER BY and OFFSET: Sluice's pull queries go beyond ksqlDB here. */
  readonly orderBy?: readonly { readonly expr: Expression; readonly descending: boolean }[] | undefined;
  readonly offset?: number | undefined;
  readonly span: Span;
}

// ---------------------------------------------------------------- statements

/** A WITH (...) property. Names are upper-cased; values are literals. */
export interface Property {
  readonly name: string;
  readonly value: string | number | boolean | null;
  readonly span: Span;
}

export type ColumnConstraint =
  | { readonly kind: 'None' }
  | { readonly kind: 'Key' } // KEY (streams)
  | { readonly kind: 'PrimaryKey' } // PRIMARY KEY (tables)
  | { readonly kind: 'Headers' } // HEADERS: the whole header list, ARRAY<STRUCT<KEY STRING, VALUE BYTES>>
  | { readonly kind: 'Header'; readonly key: string }; // HEADER('k'): one header's BYTES

export interface TableElement {
  readonly name: string;
  readonly type: TypeNode;
  readonly constraint: ColumnConstraint;
  readonly span: Span;
}

export type SourceType = 'STREAM' | 'TABLE';

export interface CreateSource {
  readonly kind: 'CreateSource';
  readonly sourceType: SourceType;
  readonly orReplace: boolean;
  readonly isSource: boolean; // CREATE SOURCE STREAM|TABLE (read-only)
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly elements: readonly TableElement[];
  readonly properties: readonly Property[];
  readonly span: Span;
}
export interface CreateAsSelect {
  readonly kind: 'CreateAsSelect';
  readonly sourceType: SourceType;
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly properties: readonly Property[];
  readonly query: Query;
  readonly span: Span;
}
/** INSERT INTO target [WITH (...)] SELECT ... */
export interface InsertInto {
  readonly kind: 'InsertInto';
  readonly target: string;
  readonly properties: readonly Property[];
  readonly query: Query;
  readonly span: Span;
}
export interface InsertValues {
  readonly kind: 'InsertValues';
  readonly target: string;
  readonly columns: readonly string[] | undefined;
  readonly values: readonly Expression[];
  readonly span: Span;
}
/** A pull or push query submitted on its own. */
export interface QueryStatement {
  readonly kind: 'QueryStatement';
  readonly query: Query;
  readonly span: Span;
}
export interface DropSource {
  readonly kind: 'DropSource';
  readonly sourceType: SourceType;
  readonly ifExists: boolean;
  readonly name: string;
  readonly deleteTopic: boolean;
  readonly span: Span;
}
export interface CreateType {
  readonly kind: 'CreateType';
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly type: TypeNode;
  readonly span: Span;
}
export interface DropType {
  readonly kind: 'DropType';
  readonly ifExists: boolean;
  readonly name: string;
  readonly span: Span;
}
export interface AlterSource {
  readonly kind: 'AlterSource';
  readonly sourceType: SourceType;
  readonly name: string;
  readonly addColumns: readonly { readonly name: string; readonly type: TypeNode; readonly span: Span }[];
  readonly span: Span;
}
export type ShowTarget =
  | 'STREAMS'
  | 'TABLES'
  | 'TOPICS'
  | 'QUERIES'
  | 'PROPERTIES'
  | 'FUNCTIONS'
  | 'TYPES'
  | 'VARIABLES';
/** SHOW | LIST ... [EXTENDED]. `SHOW ALL TOPICS` sets `all`. */
export interface Show {
  readonly kind: 'Show';
  readonly target: ShowTarget;
  readonly extended: boolean;
  readonly all: boolean;
  readonly span: Span;
}
/** DESCRIBE name [EXTENDED]; DESCRIBE STREAMS|TABLES [EXTENDED] has `name` undefined. */
export interface Describe {
  readonly kind: 'Describe';
  readonly name: string | undefined;
  readonly listOf: 'STREAMS' | 'TABLES' | undefined;
  readonly extended: boolean;
  readonly span: Span;
}
export interface DescribeFunction {
  readonly kind: 'DescribeFunction';
  readonly name: string;
  readonly span: Span;
}
export interface Explain {
  readonly kind: 'Explain';
  readonly target:
    | { readonly kind: 'QueryId'; readonly id: string }
    | { readonly kind: 'Statement'; readonly statement: Statement };
  readonly span: Span;
}
export interface Terminate {
  readonly kind: 'Terminate';
  readonly queryId: string | undefined; // undefined means TERMINATE ALL
  readonly span: Span;
}
export interface Print {
  readonly kind: 'Print';
  readonly topic: string; // as written (topics are case-sensitive; quoted or not)
  readonly fromBeginning: boolean;
  readonly interval: number | undefined;
  readonly limit: number | undefined;
  readonly span: Span;
}
export interface SetProperty {
  readonly kind: 'SetProperty';
  readonly name: string; // as written, e.g. 'auto.offset.reset'
  readonly value: string;
  readonly span: Span;
}
export interface UnsetProperty {
  readonly kind: 'UnsetProperty';
  readonly name: string;
  readonly span: Span;
}
export interface DefineVariable {
  readonly kind: 'DefineVariable';
  readonly name: string; // case-insensitive; stored upper-cased? No: ksqlDB keeps variables case-insensitive
  readonly value: string;
  readonly span: Span;
}
export interface UndefineVariable {
  readonly kind: 'UndefineVariable';
  readonly name: string;
  readonly span: Span;
}
export interface RunScript {
  readonly kind: 'RunScript';
  readonly path: string;
  readonly span: Span;
}

export type Statement =
  | CreateSource
  | CreateAsSelect
  | InsertInto
  | InsertValues
  | QueryStatement
  | DropSource
  | CreateType
  | DropType
  | AlterSource
  | Show
  | Describe
  | DescribeFunction
  | Explain
  | Terminate
  | Print
  | SetProperty
  | UnsetProperty
  | DefineVariable
  | UndefineVariable
  | RunScript;

export function assertNever(x: never, what = 'node'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
