// CST → AST. The parser has already checked the token order; this step normalises names,
// unescapes literals, folds operator chains into left-associative trees, and rejects what
// the grammar lets through but ksqlDB does not (CREATE SOURCE ... AS SELECT, a two-character
// ESCAPE), always with a position.
import type { CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import type * as C from './cst-types.js';
import { SqlSyntaxError } from './errors.js';
import * as T from './lexer.js';
import { relocate } from './positions.js';

const primitiveTypes: ReadonlyMap<string, A.PrimitiveTypeName> = new Map([
  ['BOOLEAN', 'BOOLEAN'],
  ['INT', 'INT'],
  ['INTEGER', 'INT'],
  ['BIGINT', 'BIGINT'],
  ['DOUBLE', 'DOUBLE'],
  ['STRING', 'STRING'],
  ['VARCHAR', 'STRING'],
  ['BYTES', 'BYTES'],
  ['DATE', 'DATE'],
  ['TIME', 'TIME'],
  ['TIMESTAMP', 'TIMESTAMP'],
]);

const timeUnits: ReadonlyMap<string, A.TimeUnit> = new Map(
  (
    [
      'NANOSECONDS',
      'MICROSECONDS',
      'MILLISECONDS',
      'SECONDS',
      'MINUTES',
      'HOURS',
      'DAYS',
      'WEEKS',
      'MONTHS',
      'YEARS',
    ] as const
  ).flatMap((plural) => [
    [plural, plural],
    [plural.slice(0, -1), plural],
  ]),
);

const showTargets: readonly A.ShowTarget[] = [
  'STREAMS',
  'TABLES',
  'TOPICS',
  'QUERIES',
  'PROPERTIES',
  'FUNCTIONS',
  'TYPES',
  'VARIABLES',
];

/** Builds AST nodes for one parsed piece of text that starts at `base` in the script. */
export class AstBuilder {
  constructor(private readonly base: A.Position) {}

  // ------------------------------------------------------------ statements

  statement(node: C.StatementCstNode): A.Statement {
    const c = node.children;
    const span = this.nodeSpan(node);
    if (c.query) return { kind: 'QueryStatement', query: this.query(c.query[0]), span };
    if (c.createStatement) return this.createStatement(c.createStatement[0], span);
    if (c.insertStatement) return this.insertStatement(c.insertStatement[0], span);
    if (c.dropStatement) return this.dropStatement(c.dropStatement[0], span);
    if (c.alterStatement) return this.alterStatement(c.alterStatement[0], span);
    if (c.showStatement) return this.showStatement(c.showStatement[0], span);
    if (c.describeStatement) return this.describeStatement(c.describeStatement[0], span);
    if (c.explainStatement) {
      const e = c.explainStatement[0].children;
      const target: A.Explain['target'] = e.queryId
        ? { kind: 'QueryId', id: this.identifier(e.queryId[0]) }
        : { kind: 'Statement', statement: this.statement(only(e.statement)) };
      return { kind: 'Explain', target, span };
    }
    if (c.terminateStatement) {
      const t = c.terminateStatement[0].children;
      return { kind: 'Terminate', queryId: t.queryId ? this.identifier(t.queryId[0]) : undefined, span };
    }
    if (c.printStatement) return this.printStatement(c.printStatement[0], span);
    if (c.setStatement) {
      const s = c.setStatement[0].children;
      return { kind: 'SetProperty', name: stringValue(s.name[0]), value: stringValue(s.value[0]), span };
    }
    if (c.unsetStatement) {
      return { kind: 'UnsetProperty', name: stringValue(c.unsetStatement[0].children.name[0]), span };
    }
    if (c.defineStatement) {
      const d = c.defineStatement[0].children;
      return { kind: 'DefineVariable', name: asWritten(d.name[0]), value: stringValue(d.value[0]), span };
    }
    if (c.undefineStatement) {
      return { kind: 'UndefineVariable', name: asWritten(c.undefineStatement[0].children.name[0]), span };
    }
    if (c.runScriptStatement) {
      return { kind: 'RunScript', path: stringValue(c.runScriptStatement[0].children.path[0]), span };
    }
    throw this.unexpected(node);
  }

  private createStatement(node: C.CreateStatementCstNode, span: A.Span): A.Statement {
    const c = node.children;
    if (c.createType) {
      const t = c.createType[0].children;
      return {
        kind: 'CreateType',
        ifNotExists: t.ifNotExists !== undefined,
        name: this.identifier(t.name[0]),
        type: this.type(t.type[0]),
        span,
      };
    }
    const s = only(c.createSource).children;
    const sourceType = this.sourceType(s.sourceType[0]);
    const orReplace = s.OR !== undefined;
    const ifNotExists = s.ifNotExists !== undefined;
    const name = this.identifier(s.name[0]);
    const properties = s.withProperties ? this.properties(s.withProperties[0]) : [];
    if (s.query) {
      if (s.SOURCE) {
        throw new SqlSyntaxError(
          `CREATE SOURCE ${sourceType} cannot be used with AS SELECT`,
          this.tokenStart(s.SOURCE[0]),
        );
      }
      const query = this.query(s.query[0]);
      return { kind: 'CreateAsSelect', sourceType, orReplace, ifNotExists, name, properties, query, span };
    }
    return {
      kind: 'CreateSource',
      sourceType,
      orReplace,
      isSource: s.SOURCE !== undefined,
      ifNotExists,
      name,
      elements: s.tableElements ? s.tableElements[0].children.tableElement.map((e) => this.tableElement(e)) : [],
      properties,
      span,
    };
  }

  private tableElement(node: C.TableElementCstNode): A.TableElement {
    const c = node.children;
    return {
      name: this.anyWord(c.name[0]),
      type: this.type(c.type[0]),
      constraint: c.columnConstraint ? this.columnConstraint(c.columnConstraint[0]) : { kind: 'None' },
      span: this.nodeSpan(node),
    };
  }

  private columnConstraint(node: C.ColumnConstraintCstNode): A.ColumnConstraint {
    const c = node.children;
    if (c.PRIMARY) return { kind: 'PrimaryKey' };
    if (c.KEY) return { kind: 'Key' };
    if (c.HEADERS) return { kind: 'Headers' };
    if (c.StringLiteral) return { kind: 'Header', key: stringValue(c.StringLiteral[0]) };
    throw this.unexpected(node);
  }

  private properties(node: C.WithPropertiesCstNode): A.Property[] {
    return node.children.property.map((p) => {
      const c = p.children;
      const name = c.name ? this.anyWord(c.name[0]) : stringValue(only(c.quotedName));
      return { name: name.toUpperCase(), value: this.propertyValue(c.propertyValue[0]), span: this.nodeSpan(p) };
    });
  }

  private propertyValue(node: C.PropertyValueCstNode): A.Property['value'] {
    const c = node.children;
    if (c.StringLiteral) return stringValue(c.StringLiteral[0]);
    if (c.TRUE) return true;
    if (c.FALSE) return false;
    if (c.NULL) return null;
    const value = Number(this.numberToken(only(c.numberLiteral)).image);
    return c.Minus ? -value : value;
  }

  private insertStatement(node: C.InsertStatementCstNode, span: A.Span): A.Statement {
    const c = node.children;
    const target = this.identifier(c.target[0]);
    if (c.query) {
      const properties = c.withProperties ? this.properties(c.withProperties[0]) : [];
      return { kind: 'InsertInto', target, properties, query: this.query(c.query[0]), span };
    }
    return {
      kind: 'InsertValues',
      target,
      columns: c.columnList ? c.columnList[0].children.identifier.map((i) => this.identifier(i)) : undefined,
      values: (only(c.valuesList).children.expression ?? []).map((e) => this.expression(e)),
      span,
    };
  }

  private dropStatement(node: C.DropStatementCstNode, span: A.Span): A.Statement {
    const c = node.children;
    const ifExists = c.ifExists !== undefined;
    const name = this.identifier(only(c.name));
    if (c.TYPE) return { kind: 'DropType', ifExists, name, span };
    return {
      kind: 'DropSource',
      sourceType: this.sourceType(only(c.sourceType)),
      ifExists,
      name,
      deleteTopic: c.DELETE !== undefined,
      span,
    };
  }

  private alterStatement(node: C.AlterStatementCstNode, span: A.Span): A.AlterSource {
    const c = node.children;
    return {
      kind: 'AlterSource',
      sourceType: this.sourceType(c.sourceType[0]),
      name: this.identifier(c.name[0]),
      addColumns: c.alterOption.map((o) => ({
        name: this.anyWord(o.children.name[0]),
        type: this.type(o.children.type[0]),
        span: this.nodeSpan(o),
      })),
      span,
    };
  }

  private showStatement(node: C.ShowStatementCstNode, span: A.Span): A.Show {
    const c = node.children;
    const target = showTargets.find((t) => c[t] !== undefined);
    if (target === undefined) throw this.unexpected(node);
    return { kind: 'Show', target, extended: c.EXTENDED !== undefined, all: c.ALL !== undefined, span };
  }

  private describeStatement(node: C.DescribeStatementCstNode, span: A.Span): A.Statement {
    const c = node.children;
    if (c.functionName) {
      return { kind: 'DescribeFunction', name: this.identifier(c.functionName[0]).toUpperCase(), span };
    }
    const extended = c.EXTENDED !== undefined;
    if (c.name) return { kind: 'Describe', name: this.identifier(c.name[0]), listOf: undefined, extended, span };
    return { kind: 'Describe', name: undefined, listOf: c.STREAMS ? 'STREAMS' : 'TABLES', extended, span };
  }

  private printStatement(node: C.PrintStatementCstNode, span: A.Span): A.Print {
    const c = node.children;
    // Topic names are case-sensitive, so an unquoted topic keeps the case it was written in.
    const topic = c.topic ? asWritten(c.topic[0]) : stringValue(only(c.quotedTopic));
    return {
      kind: 'Print',
      topic,
      fromBeginning: c.BEGINNING !== undefined,
      interval: c.interval ? this.integer(c.interval[0]) : undefined,
      limit: c.limitClause ? this.integer(c.limitClause[0].children.IntegerLiteral[0]) : undefined,
      span,
    };
  }

  private sourceType(node: C.SourceTypeCstNode): A.SourceType {
    return node.children.STREAM ? 'STREAM' : 'TABLE';
  }

  // ------------------------------------------------------------ queries

  query(node: C.QueryCstNode): A.Query {
    const c = node.children;
    const emit = c.CHANGES ? 'CHANGES' : c.FINAL ? 'FINAL' : undefined;
    return {
      kind: 'Query',
      select: c.selectItem.map((s) => this.selectItem(s)),
      from: this.relation(c.relation[0]),
      window: c.windowExpression ? this.windowExpression(c.windowExpression[0]) : undefined,
      where: c.where ? this.expression(c.where[0]) : undefined,
      groupBy: c.groupBy ? this.groupingList(c.groupBy[0]) : undefined,
      partitionBy: c.partitionBy ? this.groupingList(c.partitionBy[0]) : undefined,
      having: c.having ? this.expression(c.having[0]) : undefined,
      emit,
      limit: c.limitClause ? this.integer(c.limitClause[0].children.IntegerLiteral[0]) : undefined,
      orderBy: c.orderItem?.map((o) => ({ expr: this.expression(o.children.expression[0]), descending: o.children.DESC !== undefined })),
      offset: c.offset ? this.integer(c.offset[0]) : undefined,
      span: this.nodeSpan(node),
    };
  }

  private selectItem(node: C.SelectItemCstNode): A.SelectItem {
    const c = node.children;
    const span = this.nodeSpan(node);
    if (c.expression) {
      const expr = this.expression(c.expression[0]);
      if (c.structAll) return { kind: 'StructAll', expr, span };
      return { kind: 'SelectExpr', expr, alias: c.alias ? this.identifier(c.alias[0]) : undefined, span };
    }
    return { kind: 'AllColumns', source: c.source ? this.identifier(c.source[0]) : undefined, span };
  }

  private relation(node: C.RelationCstNode): A.Relation {
    const c = node.children;
    let relation: A.Relation = this.tableRef(c.aliasedRelation[0]);
    for (const j of c.joinedSource ?? []) {
      const jc = j.children;
      const on = this.expression(jc.expression[0]);
      relation = {
        kind: 'Join',
        joinType: jc.joinType ? this.joinType(jc.joinType[0]) : 'INNER',
        left: relation,
        right: this.tableRef(jc.aliasedRelation[0]),
        within: jc.joinWithin ? this.joinWithin(jc.joinWithin[0]) : undefined,
        on,
        span: { start: relation.span.start, end: on.span.end },
      };
    }
    return relation;
  }

  private tableRef(node: C.AliasedRelationCstNode): A.TableRef {
    const c = node.children;
    return {
      kind: 'TableRef',
      name: this.identifier(c.name[0]),
      alias: c.alias ? this.identifier(c.alias[0]) : undefined,
      span: this.nodeSpan(node),
    };
  }

  private joinType(node: C.JoinTypeCstNode): A.JoinType {
    const c = node.children;
    return c.LEFT ? 'LEFT' : c.RIGHT ? 'RIGHT' : c.FULL ? 'FULL' : 'INNER';
  }

  private joinWithin(node: C.JoinWithinCstNode): A.JoinWithin {
    const c = node.children;
    const before = this.duration(c.single?.[0] ?? only(c.before));
    const after = c.single ? before : this.duration(only(c.after));
    return { before, after, grace: c.grace ? this.duration(c.grace[0]) : undefined, span: this.nodeSpan(node) };
  }

  private duration(node: C.DurationCstNode): A.Duration {
    const c = node.children;
    return {
      value: this.integer(c.IntegerLiteral[0]),
      unit: this.timeUnit(c.TimeUnitWord[0]),
      span: this.nodeSpan(node),
    };
  }

  private windowExpression(node: C.WindowExpressionCstNode): A.WindowExpression {
    const c = node.children;
    if (c.tumblingWindow) {
      const w = c.tumblingWindow[0];
      return {
        kind: 'TumblingWindow',
        size: this.duration(w.children.size[0]),
        ...this.windowOptions(w.children.windowOptions[0]),
        span: this.nodeSpan(w),
      };
    }
    if (c.hoppingWindow) {
      const w = c.hoppingWindow[0];
      return {
        kind: 'HoppingWindow',
        size: this.duration(w.children.size[0]),
        advance: this.duration(w.children.advance[0]),
        ...this.windowOptions(w.children.windowOptions[0]),
        span: this.nodeSpan(w),
      };
    }
    const w = only(c.sessionWindow);
    return {
      kind: 'SessionWindow',
      gap: this.duration(w.children.gap[0]),
      ...this.windowOptions(w.children.windowOptions[0]),
      span: this.nodeSpan(w),
    };
  }

  private windowOptions(node: C.WindowOptionsCstNode): Pick<A.TumblingWindow, 'retention' | 'grace'> {
    const c = node.children;
    return {
      retention: c.retention ? this.duration(c.retention[0]) : undefined,
      grace: c.grace ? this.duration(c.grace[0]) : undefined,
    };
  }

  private groupingList(node: C.GroupingListCstNode): A.Expression[] {
    return (node.children.valueExpression ?? []).map((e) => this.valueExpression(e));
  }

  // ------------------------------------------------------------ expressions

  expression(node: C.ExpressionCstNode): A.Expression {
    const conjunctions = node.children.andExpression.map((a) =>
      this.foldLogical('AND', a.children.notExpression.map((n) => this.notExpression(n))),
    );
    return this.foldLogical('OR', conjunctions);
  }

  private foldLogical(op: 'AND' | 'OR', operands: A.Expression[]): A.Expression {
    return operands.reduce((left, right) => ({ kind: 'Logical', op, left, right, span: join(left.span, right.span) }));
  }

  private notExpression(node: C.NotExpressionCstNode): A.Expression {
    const c = node.children;
    if (c.NOT) {
      const operand = this.notExpression(only(c.notExpression));
      return { kind: 'Not', operand, span: { start: this.tokenStart(c.NOT[0]), end: operand.span.end } };
    }
    return this.predicated(only(c.predicated));
  }

  private predicated(node: C.PredicatedCstNode): A.Expression {
    const c = node.children;
    const value = this.valueExpression(c.valueExpression[0]);
    const span = this.nodeSpan(node);
    if (c.comparisonPredicate) {
      const p = c.comparisonPredicate[0].children;
      const op: A.ComparisonOp = p.Eq ? '=' : p.NotEq ? '<>' : p.Lt ? '<' : p.LtEq ? '<=' : p.Gt ? '>' : '>=';
      return { kind: 'Comparison', op, left: value, right: this.valueExpression(p.valueExpression[0]), span };
    }
    if (c.betweenPredicate) {
      const p = c.betweenPredicate[0].children;
      return {
        kind: 'Between',
        negated: p.NOT !== undefined,
        value,
        low: this.valueExpression(p.low[0]),
        high: this.valueExpression(p.high[0]),
        span,
      };
    }
    if (c.inPredicate) {
      const p = c.inPredicate[0].children;
      return { kind: 'InList', negated: p.NOT !== undefined, value, list: p.expression.map((e) => this.expression(e)), span };
    }
    if (c.likePredicate) {
      const p = c.likePredicate[0].children;
      return {
        kind: 'Like',
        negated: p.NOT !== undefined,
        value,
        pattern: this.valueExpression(p.pattern[0]),
        escape: p.escape ? this.escapeCharacter(p.escape[0]) : undefined,
        span,
      };
    }
    if (c.isPredicate) {
      const p = c.isPredicate[0].children;
      const negated = p.NOT !== undefined;
      if (p.NULL) return { kind: 'IsNull', negated, operand: value, span };
      return { kind: 'IsDistinctFrom', negated, left: value, right: this.valueExpression(only(p.valueExpression)), span };
    }
    return value;
  }

  private escapeCharacter(token: IToken): string {
    const escape = stringValue(token);
    if (escape.length !== 1) {
      throw new SqlSyntaxError(`ESCAPE must be a single character, got '${escape}'`, this.tokenStart(token));
    }
    return escape;
  }

  private valueExpression(node: C.ValueExpressionCstNode): A.Expression {
    return node.children.additiveExpression
      .map((a) => this.additiveExpression(a))
      .reduce((left, right) => ({ kind: 'Concat', left, right, span: join(left.span, right.span) }));
  }

  private additiveExpression(node: C.AdditiveExpressionCstNode): A.Expression {
    const c = node.children;
    const ops = (c.additiveOperator ?? []).map((o): A.ArithmeticOp => (o.children.Plus ? '+' : '-'));
    return this.foldArithmetic(ops, c.multiplicativeExpression.map((m) => this.multiplicativeExpression(m)));
  }

  private multiplicativeExpression(node: C.MultiplicativeExpressionCstNode): A.Expression {
    const c = node.children;
    const ops = (c.multiplicativeOperator ?? []).map(
      (o): A.ArithmeticOp => (o.children.Star ? '*' : o.children.Slash ? '/' : '%'),
    );
    return this.foldArithmetic(ops, c.unaryExpression.map((u) => this.unaryExpression(u)));
  }

  private foldArithmetic(ops: A.ArithmeticOp[], operands: A.Expression[]): A.Expression {
    return operands.reduce((left, right, i) => ({
      kind: 'Arithmetic',
      op: ops[i - 1]!,
      left,
      right,
      span: join(left.span, right.span),
    }));
  }

  private unaryExpression(node: C.UnaryExpressionCstNode): A.Expression {
    const c = node.children;
    if (c.postfixExpression) return this.postfixExpression(c.postfixExpression[0]);
    const operand = this.unaryExpression(only(c.unaryExpression));
    if (c.Plus) return operand;
    return { kind: 'Negate', operand, span: this.nodeSpan(node) };
  }

  private postfixExpression(node: C.PostfixExpressionCstNode): A.Expression {
    const c = node.children;
    let expr = this.primaryExpression(c.primaryExpression[0]);
    for (const op of c.postfixOperator ?? []) {
      const o = op.children;
      const span = { start: expr.span.start, end: this.nodeSpan(op).end };
      expr = o.index
        ? { kind: 'Subscript', base: expr, index: this.valueExpression(o.index[0]), span }
        : { kind: 'Dereference', base: expr, field: this.anyWord(only(o.field)), span };
    }
    return expr;
  }

  private primaryExpression(node: C.PrimaryExpressionCstNode): A.Expression {
    const c = node.children;
    if (c.literal) return this.literal(c.literal[0]);
    if (c.columnReference) return this.columnReference(c.columnReference[0]);
    if (c.functionCall) return this.functionCall(c.functionCall[0]);
    if (c.parenthesizedExpression) return this.expression(c.parenthesizedExpression[0].children.expression[0]);
    if (c.caseExpression) return this.caseExpression(c.caseExpression[0]);
    if (c.castExpression) {
      const x = c.castExpression[0];
      return {
        kind: 'Cast',
        operand: this.expression(x.children.expression[0]),
        type: this.type(x.children.type[0]),
        span: this.nodeSpan(x),
      };
    }
    if (c.arrayConstructor) {
      const x = c.arrayConstructor[0];
      const items = (x.children.expression ?? []).map((e) => this.expression(e));
      return { kind: 'ArrayConstructor', items, span: this.nodeSpan(x) };
    }
    if (c.mapConstructor) {
      const x = c.mapConstructor[0];
      const entries = (x.children.mapEntry ?? []).map((e) => ({
        key: this.expression(e.children.key[0]),
        value: this.expression(e.children.value[0]),
      }));
      return { kind: 'MapConstructor', entries, span: this.nodeSpan(x) };
    }
    if (c.structConstructor) {
      const x = c.structConstructor[0];
      const fields = (x.children.structEntry ?? []).map((e) => ({
        name: this.anyWord(e.children.name[0]),
        value: this.expression(e.children.value[0]),
      }));
      return { kind: 'StructConstructor', fields, span: this.nodeSpan(x) };
    }
    if (c.typedLiteral) return this.typedLiteral(c.typedLiteral[0]);
    throw this.unexpected(node);
  }

  private literal(node: C.LiteralCstNode): A.Expression {
    const c = node.children;
    const span = this.nodeSpan(node);
    if (c.NULL) return { kind: 'NullLiteral', span };
    if (c.TRUE) return { kind: 'BooleanLiteral', value: true, span };
    if (c.FALSE) return { kind: 'BooleanLiteral', value: false, span };
    if (c.StringLiteral) return { kind: 'StringLiteral', value: stringValue(c.StringLiteral[0]), span };
    const token = this.numberToken(only(c.numberLiteral));
    const kind =
      token.tokenType === T.IntegerLiteral
        ? 'IntegerLiteral'
        : token.tokenType === T.DecimalLiteral
          ? 'DecimalLiteral'
          : 'DoubleLiteral';
    return { kind, text: token.image, span };
  }

  private numberToken(node: C.NumberLiteralCstNode): IToken {
    const c = node.children;
    return only(c.IntegerLiteral ?? c.DecimalLiteral ?? c.DoubleLiteral);
  }

  private typedLiteral(node: C.TypedLiteralCstNode): A.Expression {
    const c = node.children;
    const typeName = this.identifier(c.typeName[0]);
    const token = c.StringLiteral[0];
    const value = stringValue(token);
    const span = this.nodeSpan(node);
    if (typeName === 'DECIMAL') {
      // ksqlDB's only typed literal: DECIMAL '1.50' keeps the scale written.
      const match = /^([+-]?)(\d+\.?\d*|\.\d+)$/.exec(value.trim());
      if (!match) throw new SqlSyntaxError(`invalid DECIMAL literal '${value}'`, this.tokenStart(token));
      const literal: A.DecimalLiteral = { kind: 'DecimalLiteral', text: match[2]!, span };
      return match[1] === '-' ? { kind: 'Negate', operand: literal, span } : literal;
    }
    const primitive = primitiveTypes.get(typeName);
    if (primitive === 'DATE' || primitive === 'TIME' || primitive === 'TIMESTAMP' || primitive === 'BYTES') {
      const type: A.PrimitiveTypeNode = { kind: 'PrimitiveType', name: primitive, span: this.nodeSpan(c.typeName[0]) };
      return { kind: 'TypedLiteral', type, value, span };
    }
    throw new SqlSyntaxError(
      `no literal of type '${typeName}': expecting DECIMAL, DATE, TIME, TIMESTAMP or BYTES before a string`,
      this.nodeSpan(c.typeName[0]).start,
    );
  }

  private columnReference(node: C.ColumnReferenceCstNode): A.ColumnRef {
    const [first, second] = node.children.identifier.map((i) => this.identifier(i));
    const span = this.nodeSpan(node);
    if (second === undefined) return { kind: 'ColumnRef', source: undefined, name: first!, span };
    return { kind: 'ColumnRef', source: first, name: second, span };
  }

  private functionCall(node: C.FunctionCallCstNode): A.FunctionCall {
    const c = node.children;
    return {
      kind: 'FunctionCall',
      name: this.identifier(c.name[0]).toUpperCase(),
      args: (c.functionArgument ?? []).map((a) => this.functionArgument(a)),
      distinct: c.DISTINCT !== undefined,
      star: c.Star !== undefined,
      span: this.nodeSpan(node),
    };
  }

  private functionArgument(node: C.FunctionArgumentCstNode): A.Expression {
    const c = node.children;
    if (c.expression) return this.expression(c.expression[0]);
    if (c.TimeUnitWord) {
      const token = c.TimeUnitWord[0];
      return { kind: 'IntervalUnit', unit: this.timeUnit(token), span: this.tokenSpan(token) };
    }
    const lambda = only(c.lambdaExpression);
    return {
      kind: 'Lambda',
      params: (lambda.children.param ?? []).map((p) => this.identifier(p)),
      body: this.expression(lambda.children.body[0]),
      span: this.nodeSpan(lambda),
    };
  }

  private caseExpression(node: C.CaseExpressionCstNode): A.Expression {
    const c = node.children;
    const whens = c.whenClause.map((w) => ({
      when: this.expression(w.children.when[0]),
      then: this.expression(w.children.then[0]),
    }));
    const otherwise = c.otherwise ? this.expression(c.otherwise[0]) : undefined;
    const span = this.nodeSpan(node);
    if (c.operand) return { kind: 'SimpleCase', operand: this.valueExpression(c.operand[0]), whens, otherwise, span };
    return { kind: 'SearchedCase', whens, otherwise, span };
  }

  // ------------------------------------------------------------ types

  type(node: C.TypeCstNode): A.TypeNode {
    const c = node.children;
    const span = this.nodeSpan(node);
    if (c.baseType) {
      const name = this.identifier(c.baseType[0]);
      const primitive = primitiveTypes.get(name);
      if (c.typeParameters) this.checkTypeParameters(c.typeParameters[0], primitive);
      return primitive ? { kind: 'PrimitiveType', name: primitive, span } : { kind: 'CustomType', name, span };
    }
    if (c.arrayType) return { kind: 'ArrayType', element: this.type(c.arrayType[0].children.type[0]), span };
    if (c.mapType) {
      const m = c.mapType[0].children;
      return { kind: 'MapType', key: this.type(m.key[0]), value: this.type(m.value[0]), span };
    }
    if (c.structType) {
      const empty = c.structType[0].children.empty?.[0];
      if (empty !== undefined && empty.image !== '<>') {
        throw new SqlSyntaxError(`mismatched input '${empty.image}' expecting '<'`, this.tokenStart(empty));
      }
      const fields = (c.structType[0].children.structTypeField ?? []).map((f) => ({
        name: this.anyWord(f.children.name[0]),
        type: this.type(f.children.type[0]),
      }));
      return { kind: 'StructType', fields, span };
    }
    const d = only(c.decimalType).children;
    return { kind: 'DecimalType', precision: this.integer(d.precision[0]), scale: this.integer(d.scale[0]), span };
  }

  /** ksqlDB's grammar takes `(n)` or `(STRING)` after a type name; only STRING ignores them. */
  private checkTypeParameters(node: C.TypeParametersCstNode, primitive: A.PrimitiveTypeName | undefined): void {
    const bad = (node.children.identifier ?? []).find((i) => this.identifier(i) !== 'STRING');
    if (primitive !== 'STRING' || bad !== undefined) {
      const at = bad ?? node;
      throw new SqlSyntaxError('unexpected type parameters', this.nodeSpan(at).start);
    }
  }

  // ------------------------------------------------------------ names and tokens

  private identifier(node: C.IdentifierCstNode): string {
    return normalise(node.children.Ident[0]);
  }

  private anyWord(node: C.AnyWordCstNode): string {
    return normalise(node.children.AnyWord[0]);
  }

  private timeUnit(token: IToken): A.TimeUnit {
    const unit = timeUnits.get(token.image.toUpperCase());
    if (unit === undefined) throw new SqlSyntaxError(`unknown time unit '${token.image}'`, this.tokenStart(token));
    return unit;
  }

  private integer(token: IToken): number {
    const value = Number(token.image);
    if (!Number.isSafeInteger(value)) {
      throw new SqlSyntaxError(`integer ${token.image} is too large`, this.tokenStart(token));
    }
    return value;
  }

  // ------------------------------------------------------------ spans

  private nodeSpan(node: CstNode): A.Span {
    const l = node.location;
    if (l === undefined || l.startLine === undefined || l.endOffset === undefined) throw this.unexpected(node);
    return {
      start: relocate(this.base, l.startOffset, l.startLine, l.startColumn!),
      end: relocate(this.base, l.endOffset + 1, l.endLine!, l.endColumn! + 1),
    };
  }

  private tokenSpan(token: IToken): A.Span {
    return {
      start: this.tokenStart(token),
      end: relocate(this.base, token.endOffset! + 1, token.endLine!, token.endColumn! + 1),
    };
  }

  private tokenStart(token: IToken): A.Position {
    return relocate(this.base, token.startOffset, token.startLine!, token.startColumn!);
  }

  /** The CST had a shape the grammar cannot produce: a bug here, reported with a position. */
  private unexpected(node: CstNode): SqlSyntaxError {
    const l = node.location;
    const at = l?.startLine !== undefined ? relocate(this.base, l.startOffset, l.startLine, l.startColumn!) : this.base;
    return new SqlSyntaxError(`internal error: unexpected syntax tree for ${node.name}`, at);
  }
}

/** Unquoted names are upper-cased; back-quoted and double-quoted ones keep their case. */
function normalise(token: IToken): string {
  if (token.tokenType === T.BackQuotedIdentifier) return token.image.slice(1, -1).replaceAll('``', '`');
  if (token.tokenType === T.QuotedIdentifier) return token.image.slice(1, -1).replaceAll('""', '"');
  return token.image.toUpperCase();
}

/** Names whose case matters (topics, variables): quotes are removed, the case is kept. */
function asWritten(node: C.IdentifierCstNode): string {
  const token = node.children.Ident[0];
  if (token.tokenType === T.BackQuotedIdentifier || token.tokenType === T.QuotedIdentifier) return normalise(token);
  return token.image;
}

/** A string literal token's value: the text between the quotes, a doubled quote as one. */
export function stringValue(token: IToken): string {
  return token.image.slice(1, -1).replaceAll("''", "'");
}

function join(a: A.Span, b: A.Span): A.Span {
  return { start: a.start, end: b.end };
}

/** The single element the grammar guarantees in a CST child list. */
function only<X>(items: X[] | undefined): X {
  const item = items?.[0];
  if (item === undefined) throw new Error('grammar invariant: missing CST child');
  return item;
}
