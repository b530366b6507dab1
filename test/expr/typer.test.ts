import { describe, expect, it } from 'vitest';
import { parseExpression, type FunctionCall } from '../../grammar/index.js';
import { SemanticError } from '../../planner/errors.js';
import { isAggregateCall, typeAggregateCall, typeExpression, typeTableFunctionCall } from '../../planner/expressions/typer.js';
import { compileExpression } from '../../runtime/expr/compile.js';
import type { TypedExpr } from '../../planner/expressions/typed.js';
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INT,
  STRING,
  TIME,
  TIMESTAMP,
  arrayType,
  decimalType,
  formatType,
  mapType,
  structType,
} from '../../planner/types.js';
import { TestScope, env, thrown, typeSql, type TestColumn } from './fixtures.js';

const t = (text: string, columns: readonly TestColumn[] = []): string => {
  const typed = typeSql(text, columns);
  return typed.type === null ? 'NULL' : formatType(typed.type);
};
const error = (text: string, columns: readonly TestColumn[] = []): string => thrown(() => typeSql(text, columns)).message;

const COLS: TestColumn[] = [
  { name: 'I', type: INT },
  { name: 'L', type: BIGINT },
  { name: 'D', type: DOUBLE },
  { name: 'S', type: STRING },
  { name: 'B', type: BOOLEAN },
  { name: 'DEC', type: decimalType(4, 2) },
  { name: 'DEC2', type: decimalType(5, 3) },
  { name: 'TS', type: TIMESTAMP },
  { name: 'DT', type: DATE },
  { name: 'TM', type: TIME },
  { name: 'ARR', type: arrayType(INT) },
  { name: 'LARR', type: arrayType(BIGINT) },
  { name: 'M', type: mapType(STRING, BIGINT) },
  { name: 'ST', type: structType([{ name: 'F0', type: INT }, { name: 'f1', type: STRING }]) },
];

/** The kinds of the nodes along the first operand chain, to see where casts went. */
function shape(e: TypedExpr): string {
  switch (e.kind) {
    case 'Cast':
      return `CAST(${shape(e.operand)} AS ${formatType(e.type)}${e.implicit ? ' implicit' : ''})`;
    case 'Column':
      return e.name;
    case 'Literal':
      return JSON.stringify(e.value);
    case 'Arithmetic':
    case 'Comparison':
      return `(${shape(e.left)} ${e.op} ${shape(e.right)})`;
    default:
      return e.kind;
  }
}

describe('literals', () => {
  it('types integers by range, decimals by their digits and exponents as DOUBLE', () => {
    expect(t('1')).toBe('INTEGER');
    expect(t('2147483647')).toBe('INTEGER');
    expect(t('2147483648')).toBe('BIGINT');
    expect(t('-2147483648')).toBe('INTEGER');
    expect(t('-9223372036854775808')).toBe('BIGINT');
    expect(t('2.345')).toBe('DECIMAL(4, 3)');
    expect(t('0.05')).toBe('DECIMAL(3, 2)');
    expect(t('-10.5')).toBe('DECIMAL(3, 1)');
    expect(t('1.5E3')).toBe('DOUBLE');
    expect(t("'x'")).toBe('STRING');
    expect(t('true')).toBe('BOOLEAN');
    expect(t('NULL')).toBe('NULL');
  });

  it('rejects numbers no type holds, with ksqlDB wording', () => {
    expect(error('9223372036854775808')).toBe('Invalid numeric literal: 9223372036854775808');
    expect(error('-9223372036854775809')).toBe('Invalid numeric literal: -9223372036854775809');
    expect(error('-1.7976931348623160E309')).toBe('Number overflows DOUBLE: -1.7976931348623160E309');
  });

  it('parses typed literals while planning', () => {
    expect(typeSql("DATE '2020-01-01'")).toMatchObject({ kind: 'Literal', type: DATE, value: 18262 });
    expect(typeSql("TIMESTAMP '1970-01-01T00:00:00.010'")).toMatchObject({ kind: 'Literal', type: TIMESTAMP, value: 10 });
    expect(typeSql("BYTES 'aGk='")).toMatchObject({ kind: 'Literal', value: 'aGk=' });
    expect(error("DATE '2020-13-01'")).toBe('invalid input syntax for type DATE: "2020-13-01".');
  });

  it('folds a minus into the literal', () => {
    const typed = typeSql('-5');
    expect(typed).toMatchObject({ kind: 'Literal', value: -5, type: INT });
  });
});

describe('arithmetic', () => {
  it('widens INT → BIGINT → DECIMAL → DOUBLE with explicit cast nodes', () => {
    expect(shape(typeSql('I + L', COLS))).toBe('(CAST(I AS BIGINT implicit) + L)');
    expect(shape(typeSql('L * D', COLS))).toBe('(CAST(L AS DOUBLE implicit) * D)');
    expect(shape(typeSql('DEC + D', COLS))).toBe('(CAST(DEC AS DOUBLE implicit) + D)');
    expect(shape(typeSql('I + DEC', COLS))).toBe('(CAST(I AS DECIMAL(10, 0) implicit) + DEC)');
    expect(t('I + I', COLS)).toBe('INTEGER');
  });

  it("applies ksqlDB's DECIMAL precision and scale rules", () => {
    expect(t('DEC + DEC', COLS)).toBe('DECIMAL(5, 2)');
    expect(t('DEC - DEC2', COLS)).toBe('DECIMAL(6, 3)');
    expect(t('1.234567 * 5.678')).toBe('DECIMAL(12, 9)');
    expect(t('3.4 / 2.0')).toBe('DECIMAL(8, 6)');
    expect(t('DEC / DEC2', COLS)).toBe('DECIMAL(13, 8)');
    expect(t('DEC % DEC2', COLS)).toBe('DECIMAL(5, 3)');
    expect(t('I + DEC', COLS)).toBe('DECIMAL(13, 2)');
    expect(t('L * DEC', COLS)).toBe('DECIMAL(24, 2)');
    // No cap at 38 digits: ksqlDB's SqlDecimal has none.
    expect(t('L * DEC * L', COLS)).toBe('DECIMAL(44, 2)');
  });

  it('concatenates strings with + and rejects other mixes', () => {
    expect(t('S + S', COLS)).toBe('STRING');
    expect(error('true + 1.5')).toBe('Error processing expression: (true + 1.5). Unsupported arithmetic types. BOOLEAN DECIMAL');
    expect(error('S - S', COLS)).toBe('Error processing expression: (S - S). Unsupported arithmetic types. STRING STRING');
    expect(error('1 + NULL')).toBe('Error processing expression: (1 + null). Arithmetic on types INTEGER and null are not supported.');
  });

  it('types || as CONCAT', () => {
    expect(typeSql("S || 'x'", COLS)).toMatchObject({ kind: 'FunctionCall', name: 'CONCAT', type: STRING });
  });
});

describe('comparisons', () => {
  it('brings both sides to a common type', () => {
    expect(shape(typeSql('I = L', COLS))).toBe('(CAST(I AS BIGINT implicit) = L)');
    expect(shape(typeSql('DEC < DEC2', COLS))).toBe('(DEC < DEC2)');
    expect(shape(typeSql("TS > '2020-01-01'", COLS))).toBe('(TS > CAST("2020-01-01" AS TIMESTAMP implicit))');
    expect(shape(typeSql('TS > DT', COLS))).toBe('(TS > CAST(DT AS TIMESTAMP implicit))');
    expect(shape(typeSql("TM = '10:00'", COLS))).toBe('(TM = CAST("10:00" AS TIME implicit))');
    expect(shape(typeSql('ARR = LARR', COLS))).toBe('(CAST(ARR AS ARRAY<BIGINT> implicit) = LARR)');
  });

  it("words mismatches as ksqlDB does", () => {
    expect(error("I >= 'not an int'", COLS)).toBe(
      "Cannot compare I (INTEGER) to 'not an int' (STRING) with GREATER_THAN_OR_EQUAL.",
    );
    expect(error('ARR < ARR', COLS)).toBe('Cannot compare ARR (ARRAY<INTEGER>) to ARR (ARRAY<INTEGER>) with LESS_THAN.');
    expect(error('TS = TM', COLS)).toBe('Cannot compare TS (TIMESTAMP) to TM (TIME) with EQUAL.');
    expect(error('B < B', COLS)).toBe('Cannot compare B (BOOLEAN) to B (BOOLEAN) with LESS_THAN.');
    expect(error('NULL <> NULL')).toMatch(/^Comparison with NULL not supported: NULL <> NULL/);
    expect(error('I = NULL', COLS)).toMatch(/^Comparison with NULL not supported: INTEGER = NULL/);
  });

  it('parses string literals compared with dates while planning', () => {
    expect(error("DT = 'yesterday'", COLS)).toBe('invalid input syntax for type DATE: "yesterday".');
  });

  it('lets IS DISTINCT FROM take NULL on either side', () => {
    expect(typeSql('I IS DISTINCT FROM NULL', COLS)).toMatchObject({ kind: 'IsDistinctFrom', right: { type: INT } });
    expect(error('I IS NOT DISTINCT FROM S', COLS)).toBe('Cannot compare I (INTEGER) to S (STRING) with IS_NOT_DISTINCT_FROM.');
  });

  it('types BETWEEN over the common type of all three', () => {
    const typed = typeSql('I BETWEEN 1 AND L', COLS);
    expect(typed).toMatchObject({ kind: 'Between', value: { type: BIGINT }, low: { type: BIGINT }, high: { type: BIGINT } });
  });
});

describe('IN lists', () => {
  const inValue = (text: string, cols = COLS): string => {
    const typed = typeSql(text, cols);
    if (typed.kind !== 'InList') throw new Error('not an IN');
    return formatType(typed.value.type!);
  };

  it("finds ksqlDB's common type, coercing string literals by their text", () => {
    expect(inValue("I IN (1, 2.0, 3.00, '4.000', 5.10, L, D, DEC)")).toBe('DOUBLE');
    expect(inValue("I IN (1, '2147483648')")).toBe('BIGINT');
    expect(inValue("S IN (true, 10, '10.1', 10.30, S)")).toBe('STRING');
    expect(inValue("B IN (true, 'TrUe', 'tr', 'Y', B)")).toBe('BOOLEAN');
    expect(inValue('LARR IN (ARR)')).toBe('ARRAY<BIGINT>');
    expect(inValue("M IN (MAP('a' := 1), MAP('c' := CAST(NULL AS BIGINT)))")).toBe('MAP<STRING, BIGINT>');
  });

  it('drops NULL items', () => {
    const typed = typeSql('I IN (11, NULL, I)', COLS);
    expect(typed).toMatchObject({ kind: 'InList', items: [{ kind: 'Literal' }, { kind: 'Column' }] });
  });

  it('reports what cannot meet', () => {
    expect(error("I IN (10, '10 - not a number')", COLS)).toBe('invalid input syntax for type INTEGER: "10 - not a number".');
    expect(error("B IN (true, 'Not a boolean')", COLS)).toBe('invalid input syntax for type BOOLEAN: "Not a boolean".');
    expect(error('I IN (10, S)', COLS)).toBe('operator does not exist: INTEGER = STRING (S)\nHint: You might need to add explicit type casts.');
    expect(error('B IN (true, 10)', COLS)).toMatch(/^operator does not exist: BOOLEAN = INTEGER \(10\)/);
    expect(error('LARR IN (LARR, ARRAY[B])', COLS)).toMatch(/^operator does not exist: ARRAY<BIGINT> = ARRAY<BOOLEAN> \(ARRAY\[B\]\)/);
    expect(error("M IN (M, MAP('10' := 'not 10'))", COLS)).toBe('invalid input syntax for type BIGINT: "not 10".');
    expect(error('M IN (10)', COLS)).toMatch(/^operator does not exist: MAP<STRING, BIGINT> = INTEGER \(10\)/);
  });
});

describe('constructors', () => {
  it('types ARRAY elements to their common type', () => {
    expect(t("ARRAY[NULL, 10, '2e1', I, L]", COLS)).toBe('ARRAY<DECIMAL(19, 0)>');
    // ksqlDB merges struct fields with the newer element's fields first.
    expect(t('ARRAY[STRUCT(X := I, Y := L), STRUCT(Y := I, Z := L)]', COLS)).toBe('ARRAY<STRUCT<Y BIGINT, Z BIGINT, X INTEGER>>');
    expect(error('ARRAY[1, \'not a number\']')).toBe('invalid input syntax for type INTEGER: "not a number".');
    expect(error('ARRAY[NULL]')).toMatch(/^Cannot construct an array with all NULL elements/);
  });

  it('types MAP keys and values separately', () => {
    expect(t("MAP(S := B, 'k' := 'true', 10 := 'no')", COLS)).toBe('MAP<STRING, BOOLEAN>');
    expect(error('MAP(NULL := 1)')).toMatch(/^Cannot construct a map with all NULL keys/);
    expect(error("MAP('a' := NULL)")).toMatch(/^Cannot construct a map with all NULL values/);
  });

  it('types STRUCT fields and refuses duplicates', () => {
    expect(t('STRUCT(A := I, `a` := S)', COLS)).toBe('STRUCT<A INTEGER, `a` STRING>');
    expect(error('STRUCT(A := 1, A := 2)')).toBe('Duplicate field names found in STRUCT');
  });
});

describe('CASE', () => {
  it('takes the common type of the branches', () => {
    expect(t("CASE WHEN B THEN 'a' WHEN I > 1 THEN NULL ELSE 'c' END", COLS)).toBe('STRING');
    expect(t('CASE WHEN B THEN I ELSE L END', COLS)).toBe('BIGINT');
    expect(t('CASE I WHEN 1 THEN D WHEN 2 THEN 1.5 END', COLS)).toBe('DOUBLE');
  });

  it('rejects branches of unrelated types, and all-NULL branches', () => {
    expect(error("CASE WHEN B THEN 1 ELSE 'x' END", COLS)).toMatch(
      /^Invalid Case expression\. Type for the default clause should be the same as for 'THEN' clauses\./,
    );
    expect(error('CASE WHEN B THEN NULL ELSE NULL END', COLS)).toBe('Invalid Case expression. All case branches have NULL type');
    expect(error('CASE WHEN I THEN 1 END', COLS)).toBe("WHEN operand type should be boolean.\nType for 'I' is INTEGER");
  });
});

describe('casts, subscripts and fields', () => {
  it("knows ksqlDB's cast table", () => {
    expect(t('CAST(S AS DECIMAL(5, 1))', COLS)).toBe('DECIMAL(5, 1)');
    expect(t('CAST(NULL AS ARRAY<INT>)')).toBe('ARRAY<INTEGER>');
    expect(error('CAST(S AS ARRAY<INT>)', COLS)).toBe('Cast of STRING to ARRAY<INTEGER> is not supported');
    expect(error('CAST(TM AS TIMESTAMP)', COLS)).toBe('Cast of TIME to TIMESTAMP is not supported');
  });

  it('types subscripts and dereferences', () => {
    expect(t('ARR[1]', COLS)).toBe('INTEGER');
    expect(t("M['k']", COLS)).toBe('BIGINT');
    expect(t('ST->F0', COLS)).toBe('INTEGER');
    expect(t('ST->`f1`', COLS)).toBe('STRING');
    expect(error('ST->F1', COLS)).toBe("Could not find field 'F1' in 'ST'.");
    expect(error('I[1]', COLS)).toBe('Subscript expression (I[1]) do not apply to INTEGER.');
  });
});

describe('names and spans', () => {
  it('reports an unknown column at its position', () => {
    const e = thrown(() => typeExpression(parseExpression('I + nope'), new TestScope(COLS), env));
    expect(e).toBeInstanceOf(SemanticError);
    expect(e.message).toBe("Column 'NOPE' cannot be resolved.");
    expect((e as SemanticError).span?.start).toMatchObject({ line: 1, column: 5 });
  });

  it('reports a type mismatch at the comparison', () => {
    const e = thrown(() => typeExpression(parseExpression("I = 1 AND S > 5"), new TestScope(COLS), env)) as SemanticError;
    expect(e.message).toBe('Cannot compare S (STRING) to 5 (INTEGER) with GREATER_THAN.');
    expect(e.span?.start).toMatchObject({ line: 1, column: 11 });
  });

  it('names the qualified column that is missing', () => {
    expect(error('X.I', COLS)).toBe("Column 'X.I' cannot be resolved.");
    expect(t('Q.I', [{ name: 'I', type: INT, source: 'Q' }])).toBe('INTEGER');
  });

  it('lets lambda parameters shadow columns', () => {
    expect(t('TRANSFORM(ARRAY[S], I => I)', COLS)).toBe('ARRAY<STRING>');
    expect(t('TRANSFORM(ARR, X => X + D)', COLS)).toBe('ARRAY<DOUBLE>');
  });
});

describe('functions', () => {
  it('casts arguments to the overload it picks', () => {
    const typed = typeSql('ABS(I)', COLS);
    expect(typed).toMatchObject({ kind: 'FunctionCall', type: BIGINT, args: [{ kind: 'Cast', implicit: true, type: BIGINT }] });
    expect(t('ABS(D)', COLS)).toBe('DOUBLE');
  });

  it('types lambda bodies with the parameter types the overload implies', () => {
    const typed = typeSql('TRANSFORM(ARR, X => X > 1)', COLS);
    expect(typed).toMatchObject({
      type: arrayType(BOOLEAN),
      args: [{ kind: 'Column' }, { kind: 'Lambda', params: ['X'], paramTypes: [INT], body: { kind: 'Comparison' } }],
    });
  });

  it('passes time units through and records literal arguments', () => {
    const typed = typeSql('TIMESTAMPADD(MINUTES, 5, TS)', COLS);
    expect(typed).toMatchObject({
      args: [{ kind: 'IntervalUnit', unit: 'MINUTES' }, { kind: 'Literal' }, { kind: 'Column' }],
      literals: [{ type: null, value: 'MINUTES' }, { type: INT, value: 5 }, null],
    });
  });

  it('refuses aggregates, unknown functions and calls no overload takes', () => {
    expect(error('SUM(I) + 1', COLS)).toBe('Aggregate functions are not allowed here: SUM(I)');
    expect(error('WONT_FIND_ME(1)')).toBe("Can't find any functions with the name 'WONT_FIND_ME'");
    expect(error('ABS(S)', COLS)).toBe("Function 'abs' does not accept parameters (STRING).");
  });
});

describe('aggregate and table-function calls', () => {
  const scope = new TestScope(COLS);
  const call = (text: string): FunctionCall => parseExpression(text) as FunctionCall;

  it('are typed on request, for the planner to evaluate', () => {
    expect(isAggregateCall(parseExpression('SUM(I)'), env.functions)).toBe(true);
    expect(isAggregateCall(parseExpression('ABS(I)'), env.functions)).toBe(false);
    expect(typeAggregateCall(call('SUM(I)'), scope, env)).toMatchObject({ functionKind: 'aggregate', type: INT, overload: 0 });
    expect(typeTableFunctionCall(call('EXPLODE(ARR)'), scope, env)).toMatchObject({ functionKind: 'table', type: INT });
    expect(thrown(() => typeAggregateCall(call('ABS(I)'), scope, env)).message).toBe('ABS is a scalar function, not an aggregate function');
  });

  it('are not compiled as scalar expressions', () => {
    expect(() => compileExpression(typeAggregateCall(call('SUM(I)'), scope, env), { functions: env.functions })).toThrow(
      /SUM is not a scalar function/,
    );
  });

  it('can stand in for subexpressions through substitute', () => {
    // The planner maps SUM(I) to a column of the aggregated row.
    const sum: TypedExpr = { kind: 'Column', name: 'KSQL_AGG_0', index: 0, type: INT, span: parseExpression('1').span };
    const typed = typeExpression(parseExpression('SUM(I) * 2 > 10'), scope, {
      ...env,
      substitute: (e) => (isAggregateCall(e, env.functions) ? sum : undefined),
    });
    expect(compileExpression(typed, { functions: env.functions })([6])).toBe(true);
  });
});

describe('the typed tree', () => {
  it('is plain JSON and survives a round trip', () => {
    const typed = typeSql("CASE WHEN I IN (1, 2) THEN CAST(L AS DECIMAL(20, 2)) * 1.5 ELSE NULL END", COLS);
    expect(JSON.parse(JSON.stringify(typed))).toEqual(typed);
  });
});
