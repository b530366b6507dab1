// EXPLAIN: the logical plan as an indented tree of steps, ksqlDB style.

import type { Step } from './steps.js';
import { stepInputs } from './steps.js';
import { formatExpression } from './format-expression.js';
import { formatType } from './types.js';

function describe(step: Step): string {
  const schema = step.schema.columns
    .filter((c) => c.role !== 'PSEUDO' && c.role !== 'WINDOW')
    .map((c) => `${c.name} ${formatType(c.type)}${c.role === 'KEY' ? ' KEY' : ''}`)
    .join(', ');
  switch (step.kind) {
    case 'StreamSource':
    case 'TableSource':
      return `${step.kind} [${step.source}${step.alias !== step.source ? ' AS ' + step.alias : ''}] topic=${step.topic} key=${step.formats.keyFormat} value=${step.formats.valueFormat} | ${schema}`;
    case 'StreamFilter':
    case 'TableFilter':
      return `${step.kind} [${formatExpression(step.predicate)}]`;
    case 'StreamSelectKey':
      return `StreamSelectKey [${step.keyExpressions.length ? step.keyExpressions.map(formatExpression).join(', ') : 'NULL'}]`;
    case 'StreamFlatMap':
      return `StreamFlatMap [${step.tableFunctions.map((t) => `${formatExpression(t.call)} AS ${t.name}`).join(', ')}]`;
    case 'StreamAggregate':
    case 'TableAggregate':
      return `${step.kind} [GROUP BY ${step.groupBy.map(formatExpression).join(', ')}; ${step.aggregates.map((a) => `${formatExpression(a.call)} AS ${a.name}`).join(', ')}${step.window ? `; WINDOW ${step.window.kind} SIZE ${step.window.size} ms` : ''}${step.emitFinal ? '; EMIT FINAL' : ''}]`;
    case 'StreamSelect':
    case 'TableSelect':
      return `${step.kind} [${step.items.map((i) => `${formatExpression(i.expr)} AS ${i.name}${i.key ? ' (KEY)' : ''}`).join(', ')}]`;
    case 'StreamStreamJoin':
    case 'StreamTableJoin':
    case 'TableTableJoin': {
      const within = step.kind === 'StreamStreamJoin' ? `; WITHIN (${step.before} ms, ${step.after} ms)${step.grace !== undefined ? ` GRACE ${step.grace} ms` : ''}` : '';
      const rekey = [step.repartitionLeft ? 'left' : '', step.repartitionRight ? 'right' : ''].filter(Boolean).join(', ');
      return `${step.kind} [${step.joinType} ON ${formatExpression(step.leftExpression)} = ${formatExpression(step.rightExpression)}${within}; KEY ${step.keyName}${rekey ? `; REPARTITION ${rekey}` : ''}]`;
    }
    case 'ForeignKeyTableTableJoin':
      return `ForeignKeyTableTableJoin [${step.joinType} ON ${formatExpression(step.leftExpression)}]`;
    case 'StreamSink':
    case 'TableSink':
      return `${step.kind} [${step.sink}] topic=${step.topic} key=${step.formats.keyFormat} value=${step.formats.valueFormat} | ${schema}`;
  }
}

export function explainPlan(step: Step, indent = 0): string {
  const line = `${' '.repeat(indent)}${indent ? '> ' : ''}${describe(step)}`;
  return [line, ...stepInputs(step).map((s) => explainPlan(s, indent + 2))].join('\n');
}
