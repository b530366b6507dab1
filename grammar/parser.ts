// The concrete-syntax parser: ksqlDB's SqlBase.g4 rewritten for chevrotain's LL(k).
// It only recognises; grammar/ast-builder.ts turns the CST into the typed AST.
//
// ANTLR resolves some of ksqlDB's ambiguities by unbounded lookahead. Here the same
// decisions are explicit gates that look a few tokens ahead (see the helpers at the end).
import { CstParser, EOF, tokenMatcher, type IToken, type TokenType } from 'chevrotain';
import * as T from './lexer.js';

export class SqlParser extends CstParser {
  constructor() {
    // Two tokens of lookahead suffice: deeper decisions are explicit gates below, and each
    // extra token multiplies the time chevrotain spends analysing the grammar at start-up.
    super(T.allTokens, { maxLookahead: 2, nodeLocationTracking: 'full' });
    this.performSelfAnalysis();
  }

  // ------------------------------------------------------------ statements

  public readonly singleStatement = this.RULE('singleStatement', () => {
    this.SUBRULE(this.statement);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  public readonly statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.query) },
      { ALT: () => this.SUBRULE(this.createStatement) },
      { ALT: () => this.SUBRULE(this.insertStatement) },
      { ALT: () => this.SUBRULE(this.dropStatement) },
      { ALT: () => this.SUBRULE(this.alterStatement) },
      { ALT: () => this.SUBRULE(this.showStatement) },
      { ALT: () => this.SUBRULE(this.describeStatement) },
      { ALT: () => this.SUBRULE(this.explainStatement) },
      { ALT: () => this.SUBRULE(this.terminateStatement) },
      { ALT: () => this.SUBRULE(this.printStatement) },
      { ALT: () => this.SUBRULE(this.setStatement) },
      { ALT: () => this.SUBRULE(this.unsetStatement) },
      { ALT: () => this.SUBRULE(this.defineStatement) },
      { ALT: () => this.SUBRULE(this.undefineStatement) },
      { ALT: () => this.SUBRULE(this.runScriptStatement) },
    ]);
  });

  public readonly createStatement = this.RULE('createStatement', () => {
    this.CONSUME(T.CREATE);
    this.OR([
      { ALT: () => this.SUBRULE(this.createType) },
      { ALT: () => this.SUBRULE(this.createSource) },
    ]);
  });

  /** CREATE [OR REPLACE] [SOURCE] STREAM|TABLE ..., with or without AS SELECT. */
  public readonly createSource = this.RULE('createSource', () => {
    this.OPTION(() => {
      this.CONSUME(T.OR);
      this.CONSUME(T.REPLACE);
    });
    this.OPTION2(() => this.CONSUME(T.SOURCE));
    this.SUBRULE(this.sourceType);
    this.OPTION3(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    this.OPTION4(() =>
      this.OR([
        {
          ALT: () => {
            this.SUBRULE(this.tableElements);
            this.OPTION5(() => this.SUBRULE(this.withProperties));
          },
        },
        {
          ALT: () => {
            this.SUBRULE2(this.withProperties);
            this.OPTION6(() => {
              this.CONSUME(T.AS);
              this.SUBRULE(this.query);
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME2(T.AS);
            this.SUBRULE2(this.query);
          },
        },
      ]),
    );
  });

  public readonly createType = this.RULE('createType', () => {
    this.CONSUME(T.TYPE);
    this.OPTION(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    this.CONSUME(T.AS);
    this.SUBRULE(this.type);
  });

  public readonly sourceType = this.RULE('sourceType', () => {
    this.OR([{ ALT: () => this.CONSUME(T.STREAM) }, { ALT: () => this.CONSUME(T.TABLE) }]);
  });

  public readonly ifNotExists = this.RULE('ifNotExists', () => {
    this.CONSUME(T.IF);
    this.CONSUME(T.NOT);
    this.CONSUME(T.EXISTS);
  });

  public readonly ifExists = this.RULE('ifExists', () => {
    this.CONSUME(T.IF);
    this.CONSUME(T.EXISTS);
  });

  public readonly tableElements = this.RULE('tableElements', () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.tableElement) });
    this.CONSUME(T.RParen);
  });

  public readonly tableElement = this.RULE('tableElement', () => {
    this.SUBRULE(this.anyWord, { LABEL: 'name' });
    this.SUBRULE(this.type);
    this.OPTION(() => this.SUBRULE(this.columnConstraint));
  });

  public readonly columnConstraint = this.RULE('columnConstraint', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.PRIMARY);
          this.CONSUME(T.KEY);
        },
      },
      { ALT: () => this.CONSUME2(T.KEY) },
      { ALT: () => this.CONSUME(T.HEADERS) },
      {
        ALT: () => {
          this.CONSUME(T.HEADER);
          this.CONSUME(T.LParen);
          this.CONSUME(T.StringLiteral);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  public readonly withProperties = this.RULE('withProperties', () => {
    this.CONSUME(T.WITH);
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.property) });
    this.CONSUME(T.RParen);
  });

  public readonly property = this.RULE('property', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.anyWord, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'quotedName' }) },
    ]);
    this.CONSUME(T.Eq);
    this.SUBRULE(this.propertyValue);
  });

  public readonly propertyValue = this.RULE('propertyValue', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.TRUE) },
      { ALT: () => this.CONSUME(T.FALSE) },
      { ALT: () => this.CONSUME(T.NULL) },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.Minus));
          this.SUBRULE(this.numberLiteral);
        },
      },
    ]);
  });

  public readonly numberLiteral = this.RULE('numberLiteral', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.IntegerLiteral) },
      { ALT: () => this.CONSUME(T.DecimalLiteral) },
      { ALT: () => this.CONSUME(T.DoubleLiteral) },
    ]);
  });

  public readonly insertStatement = this.RULE('insertStatement', () => {
    this.CONSUME(T.INSERT);
    this.CONSUME(T.INTO);
    this.SUBRULE(this.identifier, { LABEL: 'target' });
    this.OR([
      {
        ALT: () => {
          this.OPTION(() => this.SUBRULE(this.withProperties));
          this.SUBRULE(this.query);
        },
      },
      {
        ALT: () => {
          this.OPTION2(() => this.SUBRULE(this.columnList));
          this.CONSUME(T.VALUES);
          this.SUBRULE(this.valuesList);
        },
      },
    ]);
  });

  public readonly columnList = this.RULE('columnList', () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.identifier) });
    this.CONSUME(T.RParen);
  });

  public readonly valuesList = this.RULE('valuesList', () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RParen);
  });

  public readonly dropStatement = this.RULE('dropStatement', () => {
    this.CONSUME(T.DROP);
    this.OR([
      {
        ALT: () => {
          this.SUBRULE(this.sourceType);
          this.OPTION(() => this.SUBRULE(this.ifExists));
          this.SUBRULE(this.identifier, { LABEL: 'name' });
          this.OPTION2(() => {
            this.CONSUME(T.DELETE);
            this.CONSUME(T.TOPIC);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.TYPE);
          this.OPTION3(() => this.SUBRULE2(this.ifExists));
          this.SUBRULE2(this.identifier, { LABEL: 'name' });
        },
      },
    ]);
  });

  public readonly alterStatement = this.RULE('alterStatement', () => {
    this.CONSUME(T.ALTER);
    this.SUBRULE(this.sourceType);
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.alterOption) });
  });

  public readonly alterOption = this.RULE('alterOption', () => {
    this.CONSUME(T.ADD);
    // `ADD COLUMN INT` adds a column named COLUMN: the keyword is only optional noise
    // when a name and a type follow it.
    this.OPTION({
      GATE: () => tokenMatcher(this.LA(2), T.AnyWord) && !this.isStatementEnd(3) && !this.is(3, T.Comma),
      DEF: () => this.CONSUME(T.COLUMN),
    });
    this.SUBRULE(this.anyWord, { LABEL: 'name' });
    this.SUBRULE(this.type);
  });

  public readonly showStatement = this.RULE('showStatement', () => {
    this.OR([{ ALT: () => this.CONSUME(T.SHOW) }, { ALT: () => this.CONSUME(T.LIST) }]);
    this.OR2([
      { ALT: () => this.CONSUME(T.STREAMS) },
      { ALT: () => this.CONSUME(T.TABLES) },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.ALL));
          this.CONSUME(T.TOPICS);
        },
      },
      { ALT: () => this.CONSUME(T.QUERIES) },
      { ALT: () => this.CONSUME(T.PROPERTIES) },
      { ALT: () => this.CONSUME(T.FUNCTIONS) },
      { ALT: () => this.CONSUME(T.TYPES) },
      { ALT: () => this.CONSUME(T.VARIABLES) },
    ]);
    this.OPTION2(() => this.CONSUME(T.EXTENDED));
  });

  public readonly describeStatement = this.RULE('describeStatement', () => {
    this.CONSUME(T.DESCRIBE);
    // DESCRIBE FUNCTION f and DESCRIBE STREAMS win over describing a source with that name.
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => tokenMatcher(this.LA(2), T.Ident),
          ALT: () => {
            this.CONSUME(T.FUNCTION);
            this.SUBRULE(this.identifier, { LABEL: 'functionName' });
          },
        },
        {
          ALT: () => {
            this.OR2([{ ALT: () => this.CONSUME(T.STREAMS) }, { ALT: () => this.CONSUME(T.TABLES) }]);
            this.OPTION(() => this.CONSUME(T.EXTENDED));
          },
        },
        {
          ALT: () => {
            this.SUBRULE2(this.identifier, { LABEL: 'name' });
            this.OPTION2(() => this.CONSUME2(T.EXTENDED));
          },
        },
      ],
    });
  });

  public readonly explainStatement = this.RULE('explainStatement', () => {
    this.CONSUME(T.EXPLAIN);
    // A lone identifier is a query id; anything longer is a statement to explain.
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => !(tokenMatcher(this.LA(1), T.Ident) && this.isStatementEnd(2)),
          ALT: () => this.SUBRULE(this.statement),
        },
        { ALT: () => this.SUBRULE(this.identifier, { LABEL: 'queryId' }) },
      ],
    });
  });

  public readonly terminateStatement = this.RULE('terminateStatement', () => {
    this.CONSUME(T.TERMINATE);
    this.OR([
      { ALT: () => this.CONSUME(T.ALL) },
      { ALT: () => this.SUBRULE(this.identifier, { LABEL: 'queryId' }) },
    ]);
  });

  public readonly printStatement = this.RULE('printStatement', () => {
    this.CONSUME(T.PRINT);
    this.OR([
      { ALT: () => this.SUBRULE(this.identifier, { LABEL: 'topic' }) },
      { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'quotedTopic' }) },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.FROM);
      this.CONSUME(T.BEGINNING);
    });
    this.OPTION2(() => {
      this.OR2([{ ALT: () => this.CONSUME(T.INTERVAL) }, { ALT: () => this.CONSUME(T.SAMPLE) }]);
      this.CONSUME(T.IntegerLiteral, { LABEL: 'interval' });
    });
    this.OPTION3(() => this.SUBRULE(this.limitClause));
  });

  public readonly setStatement = this.RULE('setStatement', () => {
    this.CONSUME(T.SET);
    this.CONSUME(T.StringLiteral, { LABEL: 'name' });
    this.CONSUME(T.Eq);
    this.CONSUME2(T.StringLiteral, { LABEL: 'value' });
  });

  public readonly unsetStatement = this.RULE('unsetStatement', () => {
    this.CONSUME(T.UNSET);
    this.CONSUME(T.StringLiteral, { LABEL: 'name' });
  });

  public readonly defineStatement = this.RULE('defineStatement', () => {
    this.CONSUME(T.DEFINE);
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    this.CONSUME(T.Eq);
    this.CONSUME(T.StringLiteral, { LABEL: 'value' });
  });

  public readonly undefineStatement = this.RULE('undefineStatement', () => {
    this.CONSUME(T.UNDEFINE);
    this.SUBRULE(this.identifier, { LABEL: 'name' });
  });

  public readonly runScriptStatement = this.RULE('runScriptStatement', () => {
    this.CONSUME(T.RUN);
    this.CONSUME(T.SCRIPT);
    this.CONSUME(T.StringLiteral, { LABEL: 'path' });
  });

  // ------------------------------------------------------------ queries

  public readonly query = this.RULE('query', () => {
    this.CONSUME(T.SELECT);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.selectItem) });
    this.CONSUME(T.FROM);
    this.SUBRULE(this.relation);
    this.OPTION(() => {
      this.CONSUME(T.WINDOW);
      this.SUBRULE(this.windowExpression);
    });
    this.OPTION2(() => {
      this.CONSUME(T.WHERE);
      this.SUBRULE(this.expression, { LABEL: 'where' });
    });
    this.OPTION3(() => {
      this.CONSUME(T.GROUP);
      this.CONSUME(T.BY);
      this.SUBRULE(this.groupingList, { LABEL: 'groupBy' });
    });
    this.OPTION4(() => {
      this.CONSUME(T.PARTITION);
      this.CONSUME2(T.BY);
      this.SUBRULE2(this.groupingList, { LABEL: 'partitionBy' });
    });
    this.OPTION5(() => {
      this.CONSUME(T.HAVING);
      this.SUBRULE2(this.expression, { LABEL: 'having' });
    });
    this.OPTION8(() => {
      this.CONSUME(T.ORDER);
      this.CONSUME3(T.BY);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => this.SUBRULE(this.orderItem) });
    });
    this.OPTION6(() => {
      this.CONSUME(T.EMIT);
      this.OR([{ ALT: () => this.CONSUME(T.CHANGES) }, { ALT: () => this.CONSUME(T.FINAL) }]);
    });
    this.OPTION7(() => {
      this.SUBRULE(this.limitClause);
      this.OPTION9(() => {
        this.CONSUME(T.OFFSET);
        this.CONSUME(T.IntegerLiteral, { LABEL: 'offset' });
      });
    });
  });

  public readonly orderItem = this.RULE('orderItem', () => {
    this.SUBRULE(this.expression);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.ASC) }, { ALT: () => this.CONSUME(T.DESC) }]));
  });

  public readonly limitClause = this.RULE('limitClause', () => {
    this.CONSUME(T.LIMIT);
    this.CONSUME(T.IntegerLiteral);
  });

  public readonly selectItem = this.RULE('selectItem', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.CONSUME(T.Star) },
        {
          GATE: () => this.is(2, T.Dot) && this.is(3, T.Star),
          ALT: () => {
            this.SUBRULE(this.identifier, { LABEL: 'source' });
            this.CONSUME(T.Dot);
            this.CONSUME2(T.Star);
          },
        },
        {
          ALT: () => {
            this.SUBRULE(this.expression);
            this.OPTION(() =>
              this.OR2([
                {
                  ALT: () => {
                    this.CONSUME(T.Arrow, { LABEL: 'structAll' });
                    this.CONSUME3(T.Star);
                  },
                },
                {
                  ALT: () => {
                    this.OPTION2(() => this.CONSUME(T.AS));
                    this.SUBRULE2(this.identifier, { LABEL: 'alias' });
                  },
                },
              ]),
            );
          },
        },
      ],
    });
  });

  public readonly relation = this.RULE('relation', () => {
    this.SUBRULE(this.aliasedRelation);
    this.MANY(() => this.SUBRULE(this.joinedSource));
  });

  public readonly aliasedRelation = this.RULE('aliasedRelation', () => {
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    // Without AS, a following non-reserved clause keyword starts the next clause rather
    // than naming an alias: `FROM s EMIT CHANGES`, `FROM s WINDOW TUMBLING (...)`.
    this.OPTION({
      GATE: () => this.is(1, T.AS) || !(this.is(1, T.WINDOW) || this.is(1, T.PARTITION) || this.is(1, T.EMIT)),
      DEF: () => {
        this.OPTION2(() => this.CONSUME(T.AS));
        this.SUBRULE2(this.identifier, { LABEL: 'alias' });
      },
    });
  });

  public readonly joinedSource = this.RULE('joinedSource', () => {
    this.OPTION(() => this.SUBRULE(this.joinType));
    this.CONSUME(T.JOIN);
    this.SUBRULE(this.aliasedRelation);
    this.OPTION2(() => this.SUBRULE(this.joinWithin));
    this.CONSUME(T.ON);
    this.SUBRULE(this.expression);
  });

  public readonly joinType = this.RULE('joinType', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.INNER) },
      { ALT: () => this.CONSUME(T.LEFT) },
      { ALT: () => this.CONSUME(T.RIGHT) },
      { ALT: () => this.CONSUME(T.FULL) },
    ]);
    this.OPTION(() => this.CONSUME(T.OUTER));
  });

  public readonly joinWithin = this.RULE('joinWithin', () => {
    this.CONSUME(T.WITHIN);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.duration, { LABEL: 'before' });
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.duration, { LABEL: 'after' });
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE3(this.duration, { LABEL: 'single' }) },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.GRACE);
      this.CONSUME(T.PERIOD);
      this.SUBRULE4(this.duration, { LABEL: 'grace' });
    });
  });

  public readonly duration = this.RULE('duration', () => {
    this.CONSUME(T.IntegerLiteral);
    this.CONSUME(T.TimeUnitWord);
  });

  public readonly windowExpression = this.RULE('windowExpression', () => {
    // ksqlDB accepts (and ignores) a window name: `WINDOW w TUMBLING (...)`.
    this.OPTION({
      GATE: () => this.is(2, T.TUMBLING) || this.is(2, T.HOPPING) || this.is(2, T.SESSION),
      DEF: () => this.SUBRULE(this.identifier, { LABEL: 'windowName' }),
    });
    this.OR([
      { ALT: () => this.SUBRULE(this.tumblingWindow) },
      { ALT: () => this.SUBRULE(this.hoppingWindow) },
      { ALT: () => this.SUBRULE(this.sessionWindow) },
    ]);
  });

  public readonly tumblingWindow = this.RULE('tumblingWindow', () => {
    this.CONSUME(T.TUMBLING);
    this.CONSUME(T.LParen);
    this.CONSUME(T.SIZE);
    this.SUBRULE(this.duration, { LABEL: 'size' });
    this.SUBRULE(this.windowOptions);
    this.CONSUME(T.RParen);
  });

  public readonly hoppingWindow = this.RULE('hoppingWindow', () => {
    this.CONSUME(T.HOPPING);
    this.CONSUME(T.LParen);
    this.CONSUME(T.SIZE);
    this.SUBRULE(this.duration, { LABEL: 'size' });
    this.CONSUME(T.Comma);
    this.CONSUME(T.ADVANCE);
    this.CONSUME(T.BY);
    this.SUBRULE2(this.duration, { LABEL: 'advance' });
    this.SUBRULE(this.windowOptions);
    this.CONSUME(T.RParen);
  });

  public readonly sessionWindow = this.RULE('sessionWindow', () => {
    this.CONSUME(T.SESSION);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.duration, { LABEL: 'gap' });
    this.SUBRULE(this.windowOptions);
    this.CONSUME(T.RParen);
  });

  /** `, RETENTION n UNIT` then `, GRACE PERIOD n UNIT`, each optional, in that order. */
  public readonly windowOptions = this.RULE('windowOptions', () => {
    this.OPTION(() => {
      this.CONSUME(T.Comma);
      this.CONSUME(T.RETENTION);
      this.SUBRULE(this.duration, { LABEL: 'retention' });
    });
    this.OPTION2(() => {
      this.CONSUME2(T.Comma);
      this.CONSUME(T.GRACE);
      this.CONSUME(T.PERIOD);
      this.SUBRULE2(this.duration, { LABEL: 'grace' });
    });
  });

  /** GROUP BY / PARTITION BY: `a, b` or `(a, b)`. */
  public readonly groupingList = this.RULE('groupingList', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.isParenthesizedList(),
          ALT: () => {
            this.CONSUME(T.LParen);
            this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.valueExpression) });
            this.CONSUME(T.RParen);
          },
        },
        { ALT: () => this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.valueExpression) }) },
      ],
    });
  });

  // ------------------------------------------------------------ expressions
  // Precedence, loosest first: OR, AND, NOT, predicates (comparison, BETWEEN, IN, LIKE,
  // IS), `||`, `+ -`, `* / %`, unary minus, postfix `[i]` and `->f`. As in ksqlDB,
  // `||` binds looser than `+`, and a predicate takes no second predicate (`a = b = c`).

  public readonly expression = this.RULE('expression', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.OR, DEF: () => this.SUBRULE(this.andExpression) });
  });

  public readonly andExpression = this.RULE('andExpression', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.AND, DEF: () => this.SUBRULE(this.notExpression) });
  });

  public readonly notExpression = this.RULE('notExpression', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NOT);
          this.SUBRULE(this.notExpression);
        },
      },
      { ALT: () => this.SUBRULE(this.predicated) },
    ]);
  });

  public readonly predicated = this.RULE('predicated', () => {
    this.SUBRULE(this.valueExpression);
    this.OPTION(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.comparisonPredicate) },
        { ALT: () => this.SUBRULE(this.betweenPredicate) },
        { ALT: () => this.SUBRULE(this.inPredicate) },
        { ALT: () => this.SUBRULE(this.likePredicate) },
        { ALT: () => this.SUBRULE(this.isPredicate) },
      ]),
    );
  });

  public readonly comparisonPredicate = this.RULE('comparisonPredicate', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Eq) },
      { ALT: () => this.CONSUME(T.NotEq) },
      { ALT: () => this.CONSUME(T.Lt) },
      { ALT: () => this.CONSUME(T.LtEq) },
      { ALT: () => this.CONSUME(T.Gt) },
      { ALT: () => this.CONSUME(T.GtEq) },
    ]);
    this.SUBRULE(this.valueExpression);
  });

  public readonly betweenPredicate = this.RULE('betweenPredicate', () => {
    this.OPTION(() => this.CONSUME(T.NOT));
    this.CONSUME(T.BETWEEN);
    this.SUBRULE(this.valueExpression, { LABEL: 'low' });
    this.CONSUME(T.AND);
    this.SUBRULE2(this.valueExpression, { LABEL: 'high' });
  });

  public readonly inPredicate = this.RULE('inPredicate', () => {
    this.OPTION(() => this.CONSUME(T.NOT));
    this.CONSUME(T.IN);
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RParen);
  });

  public readonly likePredicate = this.RULE('likePredicate', () => {
    this.OPTION(() => this.CONSUME(T.NOT));
    this.CONSUME(T.LIKE);
    this.SUBRULE(this.valueExpression, { LABEL: 'pattern' });
    this.OPTION2(() => {
      this.CONSUME(T.ESCAPE);
      this.CONSUME(T.StringLiteral, { LABEL: 'escape' });
    });
  });

  public readonly isPredicate = this.RULE('isPredicate', () => {
    this.CONSUME(T.IS);
    this.OPTION(() => this.CONSUME(T.NOT));
    this.OR([
      { ALT: () => this.CONSUME(T.NULL) },
      {
        ALT: () => {
          this.CONSUME(T.DISTINCT);
          this.CONSUME(T.FROM);
          this.SUBRULE(this.valueExpression);
        },
      },
    ]);
  });

  /** `||` over additive expressions. */
  public readonly valueExpression = this.RULE('valueExpression', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Concat, DEF: () => this.SUBRULE(this.additiveExpression) });
  });

  public readonly additiveExpression = this.RULE('additiveExpression', () => {
    this.SUBRULE(this.multiplicativeExpression);
    this.MANY(() => {
      this.SUBRULE(this.additiveOperator);
      this.SUBRULE2(this.multiplicativeExpression);
    });
  });

  public readonly additiveOperator = this.RULE('additiveOperator', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
  });

  public readonly multiplicativeExpression = this.RULE('multiplicativeExpression', () => {
    this.SUBRULE(this.unaryExpression);
    this.MANY(() => {
      this.SUBRULE(this.multiplicativeOperator);
      this.SUBRULE2(this.unaryExpression);
    });
  });

  public readonly multiplicativeOperator = this.RULE('multiplicativeOperator', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Star) },
      { ALT: () => this.CONSUME(T.Slash) },
      { ALT: () => this.CONSUME(T.Percent) },
    ]);
  });

  public readonly unaryExpression = this.RULE('unaryExpression', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Minus) }, { ALT: () => this.CONSUME(T.Plus) }]);
          this.SUBRULE(this.unaryExpression);
        },
      },
      { ALT: () => this.SUBRULE(this.postfixExpression) },
    ]);
  });

  public readonly postfixExpression = this.RULE('postfixExpression', () => {
    this.SUBRULE(this.primaryExpression);
    // `s->*` is not a dereference: it is the select item StructAll, consumed by selectItem.
    this.MANY({
      GATE: () => !(this.is(1, T.Arrow) && this.is(2, T.Star)),
      DEF: () => this.SUBRULE(this.postfixOperator),
    });
  });

  public readonly postfixOperator = this.RULE('postfixOperator', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.valueExpression, { LABEL: 'index' });
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Arrow);
          this.SUBRULE(this.anyWord, { LABEL: 'field' });
        },
      },
    ]);
  });

  public readonly primaryExpression = this.RULE('primaryExpression', () => {
    // ARRAY, MAP and STRUCT are non-reserved, so `ARRAY[` must be tried as a constructor
    // before the same tokens are read as a column and a subscript.
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.literal) },
        { ALT: () => this.SUBRULE(this.caseExpression) },
        { ALT: () => this.SUBRULE(this.castExpression) },
        { GATE: () => this.is(2, T.LBracket), ALT: () => this.SUBRULE(this.arrayConstructor) },
        { GATE: () => this.is(2, T.LParen), ALT: () => this.SUBRULE(this.mapConstructor) },
        { GATE: () => this.is(2, T.LParen), ALT: () => this.SUBRULE(this.structConstructor) },
        { GATE: () => this.is(2, T.StringLiteral), ALT: () => this.SUBRULE(this.typedLiteral) },
        { GATE: () => this.is(2, T.LParen), ALT: () => this.SUBRULE(this.functionCall) },
        { ALT: () => this.SUBRULE(this.columnReference) },
        { ALT: () => this.SUBRULE(this.parenthesizedExpression) },
      ],
    });
  });

  public readonly literal = this.RULE('literal', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NULL) },
      { ALT: () => this.CONSUME(T.TRUE) },
      { ALT: () => this.CONSUME(T.FALSE) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.SUBRULE(this.numberLiteral) },
    ]);
  });

  public readonly caseExpression = this.RULE('caseExpression', () => {
    this.CONSUME(T.CASE);
    this.OPTION(() => this.SUBRULE(this.valueExpression, { LABEL: 'operand' }));
    this.AT_LEAST_ONE(() => this.SUBRULE(this.whenClause));
    this.OPTION2(() => {
      this.CONSUME(T.ELSE);
      this.SUBRULE(this.expression, { LABEL: 'otherwise' });
    });
    this.CONSUME(T.END);
  });

  public readonly whenClause = this.RULE('whenClause', () => {
    this.CONSUME(T.WHEN);
    this.SUBRULE(this.expression, { LABEL: 'when' });
    this.CONSUME(T.THEN);
    this.SUBRULE2(this.expression, { LABEL: 'then' });
  });

  public readonly castExpression = this.RULE('castExpression', () => {
    this.CONSUME(T.CAST);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.AS);
    this.SUBRULE(this.type);
    this.CONSUME(T.RParen);
  });

  public readonly arrayConstructor = this.RULE('arrayConstructor', () => {
    this.CONSUME(T.ARRAY);
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RBracket);
  });

  public readonly mapConstructor = this.RULE('mapConstructor', () => {
    this.CONSUME(T.MAP);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.mapEntry) });
    this.CONSUME(T.RParen);
  });

  public readonly mapEntry = this.RULE('mapEntry', () => {
    this.SUBRULE(this.expression, { LABEL: 'key' });
    this.CONSUME(T.Assign);
    this.SUBRULE2(this.expression, { LABEL: 'value' });
  });

  public readonly structConstructor = this.RULE('structConstructor', () => {
    this.CONSUME(T.STRUCT);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.structEntry) });
    this.CONSUME(T.RParen);
  });

  public readonly structEntry = this.RULE('structEntry', () => {
    this.SUBRULE(this.anyWord, { LABEL: 'name' });
    this.CONSUME(T.Assign);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  /** `DATE '2020-01-01'`, `DECIMAL '1.50'`: a type name followed by a string. */
  public readonly typedLiteral = this.RULE('typedLiteral', () => {
    this.SUBRULE(this.identifier, { LABEL: 'typeName' });
    this.CONSUME(T.StringLiteral);
  });

  public readonly functionCall = this.RULE('functionCall', () => {
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.OPTION(() =>
      this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(T.DISTINCT));
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.functionArgument) });
          },
        },
      ]),
    );
    this.CONSUME(T.RParen);
  });

  public readonly functionArgument = this.RULE('functionArgument', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.isLambdaAhead(), ALT: () => this.SUBRULE(this.lambdaExpression) },
        {
          // A bare time unit is an interval unit (TIMESTAMPADD(MINUTES, 5, ts)); anywhere
          // else the same word is an ordinary identifier.
          GATE: () => this.is(2, T.Comma) || this.is(2, T.RParen),
          ALT: () => this.CONSUME(T.TimeUnitWord),
        },
        { ALT: () => this.SUBRULE(this.expression) },
      ],
    });
  });

  public readonly lambdaExpression = this.RULE('lambdaExpression', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.identifier, { LABEL: 'param' }) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.identifier, { LABEL: 'param' }) });
          this.CONSUME(T.RParen);
        },
      },
    ]);
    this.CONSUME(T.LambdaArrow);
    this.SUBRULE(this.expression, { LABEL: 'body' });
  });

  public readonly columnReference = this.RULE('columnReference', () => {
    this.SUBRULE(this.identifier);
    this.OPTION(() => {
      this.CONSUME(T.Dot);
      this.SUBRULE2(this.identifier);
    });
  });

  public readonly parenthesizedExpression = this.RULE('parenthesizedExpression', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  // ------------------------------------------------------------ types

  public readonly type = this.RULE('type', () => {
    // ARRAY, MAP, STRUCT and DECIMAL are non-reserved: followed by anything but their
    // bracket they name a custom type.
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.is(2, T.Lt), ALT: () => this.SUBRULE(this.arrayType) },
        { GATE: () => this.is(2, T.Lt), ALT: () => this.SUBRULE(this.mapType) },
        { GATE: () => this.is(2, T.Lt) || this.is(2, T.NotEq), ALT: () => this.SUBRULE(this.structType) },
        { GATE: () => this.is(2, T.LParen), ALT: () => this.SUBRULE(this.decimalType) },
        {
          ALT: () => {
            this.SUBRULE(this.identifier, { LABEL: 'baseType' });
            this.OPTION(() => this.SUBRULE(this.typeParameters));
          },
        },
      ],
    });
  });

  /** `VARCHAR(STRING)`: accepted, as in ksqlDB, and without effect on the type. */
  public readonly typeParameters = this.RULE('typeParameters', () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () =>
        this.OR([
          { ALT: () => this.CONSUME(T.IntegerLiteral) },
          { ALT: () => this.SUBRULE(this.identifier) },
        ]),
    });
    this.CONSUME(T.RParen);
  });

  public readonly arrayType = this.RULE('arrayType', () => {
    this.CONSUME(T.ARRAY);
    this.CONSUME(T.Lt);
    this.SUBRULE(this.type);
    this.CONSUME(T.Gt);
  });

  public readonly mapType = this.RULE('mapType', () => {
    this.CONSUME(T.MAP);
    this.CONSUME(T.Lt);
    this.SUBRULE(this.type, { LABEL: 'key' });
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.type, { LABEL: 'value' });
    this.CONSUME(T.Gt);
  });

  public readonly structType = this.RULE('structType', () => {
    this.CONSUME(T.STRUCT);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Lt);
          this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.structTypeField) });
          this.CONSUME(T.Gt);
        },
      },
      // `STRUCT<>` lexes as STRUCT followed by the `<>` operator.
      { ALT: () => this.CONSUME(T.NotEq, { LABEL: 'empty' }) },
    ]);
  });

  public readonly structTypeField = this.RULE('structTypeField', () => {
    this.SUBRULE(this.anyWord, { LABEL: 'name' });
    this.SUBRULE(this.type);
  });

  public readonly decimalType = this.RULE('decimalType', () => {
    this.CONSUME(T.DECIMAL);
    this.CONSUME(T.LParen);
    this.CONSUME(T.IntegerLiteral, { LABEL: 'precision' });
    this.CONSUME(T.Comma);
    this.CONSUME2(T.IntegerLiteral, { LABEL: 'scale' });
    this.CONSUME(T.RParen);
  });

  // ------------------------------------------------------------ names

  /** A name that may be a non-reserved keyword. */
  public readonly identifier = this.RULE('identifier', () => {
    this.CONSUME(T.Ident);
  });

  /** Any word, reserved keywords included, where nothing else could follow (`x->FROM`). */
  public readonly anyWord = this.RULE('anyWord', () => {
    this.CONSUME(T.AnyWord);
  });

  // ------------------------------------------------------------ lookahead helpers

  private is(i: number, type: TokenType): boolean {
    return tokenMatcher(this.LA(i), type);
  }

  private isStatementEnd(i: number): boolean {
    return this.is(i, EOF) || this.is(i, T.Semicolon);
  }

  /** `x =>` or `(x, y) =>`. */
  private isLambdaAhead(): boolean {
    if (this.is(1, T.Ident)) return this.is(2, T.LambdaArrow);
    if (!this.is(1, T.LParen)) return false;
    let i = 2;
    for (;;) {
      if (!this.is(i, T.Ident)) return false;
      if (this.is(i + 1, T.RParen)) return this.is(i + 2, T.LambdaArrow);
      if (!this.is(i + 1, T.Comma)) return false;
      i += 2;
    }
  }

  /**
   * `GROUP BY (a, b)` lists expressions in parentheses, while `GROUP BY (a + b) * 2` and
   * `GROUP BY (a IS NULL)` start with a parenthesised expression. It is a list when the
   * parentheses are empty or hold a top-level comma, and nothing continues after them.
   */
  private isParenthesizedList(): boolean {
    if (!this.is(1, T.LParen)) return false;
    if (this.is(2, T.RParen)) return !this.continuesExpression(3);
    let depth = 0;
    let comma = false;
    for (let i = 1; ; i++) {
      const token: IToken = this.LA(i);
      if (tokenMatcher(token, EOF)) return false;
      if (tokenMatcher(token, T.LParen) || tokenMatcher(token, T.LBracket)) depth++;
      else if (tokenMatcher(token, T.RParen) || tokenMatcher(token, T.RBracket)) depth--;
      else if (depth === 1 && tokenMatcher(token, T.Comma)) comma = true;
      if (depth === 0) return comma && !this.continuesExpression(i + 1);
    }
  }

  private continuesExpression(i: number): boolean {
    return continuesExpression.some((t) => this.is(i, t));
  }
}

const continuesExpression: TokenType[] = [
  T.Plus,
  T.Minus,
  T.Star,
  T.Slash,
  T.Percent,
  T.Concat,
  T.LBracket,
  T.Arrow,
  T.Comma,
];

/** Built once: chevrotain's grammar analysis is costly, the parser itself is reusable. */
export const sqlParser = new SqlParser();
