// Whether a query's work can be split into tasks, one per input partition number, each with
// its own state (Kafka Streams' model, and what scale-out shares between instances). It can
// when every stateful operator's key is what its input is partitioned by: then all records of
// one key arrive on one partition, and task t's state never needs another task's records. A
// query that re-keys in-process before a stateful operator (GROUP BY a non-key column, a join
// on a non-key expression, a foreign-key join) needs records from every partition in one
// place, so it runs as a single task unless a repartition topic re-keys it first.

import { assertNever } from '../../grammar/ast.js';
import type { Step, StreamAggregate, TableAggregate } from '../../planner/steps.js';

export function splitsIntoTasks(step: Step): boolean {
  switch (step.kind) {
    case 'StreamSource':
    case 'TableSource':
      return true;
    case 'StreamFilter':
    case 'TableFilter':
    case 'StreamSelect':
    case 'TableSelect':
    case 'StreamFlatMap':
    // PARTITION BY alone keeps no state: the sink's partitioner places the new keys.
    case 'StreamSelectKey':
    case 'StreamSink':
    case 'TableSink':
      return splitsIntoTasks(step.input);
    case 'StreamAggregate':
    case 'TableAggregate':
      return groupsByInputKey(step) && splitsIntoTasks(step.input);
    case 'StreamStreamJoin':
    case 'StreamTableJoin':
    case 'TableTableJoin':
      // Co-partitioned inputs joined on their keys: partition t of each side meets in task t.
      return !step.repartitionLeft && !step.repartitionRight && splitsIntoTasks(step.left) && splitsIntoTasks(step.right);
    case 'ForeignKeyTableTableJoin':
      return false;
    default:
      return assertNever(step, 'step');
  }
}

/** GROUP BY exactly the key columns of the source below, with nothing re-keying in between. */
function groupsByInputKey(agg: StreamAggregate | TableAggregate): boolean {
  let step: Step = agg.input;
  for (;;) {
    switch (step.kind) {
      case 'StreamFilter':
      case 'TableFilter':
      case 'StreamSelect':
      case 'TableSelect':
      case 'StreamFlatMap':
        step = step.input;
        continue;
      case 'StreamSource':
      case 'TableSource': {
        const keys = step.schema.columns.filter((c) => c.role === 'KEY').map((c) => c.name);
        const refs = agg.groupBy.map((e) => (e.kind === 'ColumnRef' ? e.name : undefined));
        return keys.length > 0 && refs.length === keys.length && keys.every((k) => refs.includes(k));
      }
      default:
        return false;
    }
  }
}
