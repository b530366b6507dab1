// A single-source plan taken apart for the fused pipelines: the source, the filters before
// any aggregation, PARTITION BY, table functions, the aggregation and its HAVING, and the
// projection. Joins are assembled by the join pipeline instead.

import { assertNever, type Expression } from '../../grammar/ast.js';
import { sourceSteps } from '../../planner/steps.js';
import type {
  JoinStep,
  SelectItem,
  Step,
  StepSchema,
  StreamAggregate,
  StreamFlatMap,
  StreamSource,
  TableAggregate,
  TableSource,
} from '../../planner/steps.js';

export interface PlanParts {
  /** The source (a join's first source, when the rows come from a join). */
  readonly source: StreamSource | TableSource;
  /** Set when the rows come from a join instead of a source. */
  readonly join: JoinStep | undefined;
  /** WHERE predicates, on source rows. */
  readonly predicates: readonly Expression[];
  readonly tableFunctions: StreamFlatMap['tableFunctions'];
  /** The rows the projection reads when a flat-map adds columns. */
  readonly selectSchema: StepSchema | undefined;
  /** PARTITION BY: the key is computed, so a null input key doesn't stay null. */
  readonly rekeyed: boolean;
  readonly aggregate: StreamAggregate | TableAggregate | undefined;
  /** HAVING, on aggregate rows. */
  readonly having: Expression | undefined;
  readonly items: readonly SelectItem[];
  readonly schema: StepSchema;
}

export function planParts(root: Step): PlanParts {
  let source: StreamSource | TableSource | undefined;
  let join: JoinStep | undefined;
  const predicates: Expression[] = [];
  let tableFunctions: StreamFlatMap['tableFunctions'] = [];
  let selectSchema: StepSchema | undefined;
  let rekeyed = false;
  let aggregate: StreamAggregate | TableAggregate | undefined;
  let having: Expression | undefined;
  let items: readonly SelectItem[] | undefined;
  let schema: StepSchema | undefined;

  const walk = (step: Step): void => {
    switch (step.kind) {
      case 'StreamSource':
      case 'TableSource':
        source = step;
        return;
      case 'StreamFilter':
      case 'TableFilter':
        walk(step.input);
        // A filter above the aggregation is its HAVING.
        if (aggregate) having = step.predicate;
        else predicates.push(step.predicate);
        return;
      case 'StreamFlatMap':
        walk(step.input);
        tableFunctions = step.tableFunctions;
        selectSchema = step.schema;
        return;
      case 'StreamSelectKey':
        // The projection marks which items form the new key; nothing to compute here.
        walk(step.input);
        rekeyed = true;
        return;
      case 'StreamAggregate':
      case 'TableAggregate':
        walk(step.input);
        aggregate = step;
        return;
      case 'StreamSelect':
      case 'TableSelect':
        walk(step.input);
        items = step.items;
        schema = step.schema;
        return;
      case 'StreamSink':
      case 'TableSink':
        walk(step.input);
        return;
      case 'StreamStreamJoin':
      case 'StreamTableJoin':
      case 'TableTableJoin':
      case 'ForeignKeyTableTableJoin':
        // The join's own operators are wired by the join pipeline; the parts are what reads its rows.
        join = step;
        source = sourceSteps(step)[0];
        return;
      default:
        assertNever(step, 'step');
    }
  };
  walk(root);
  if (!source || !items || !schema) throw new Error('a plan needs a source and a projection');
  return { source, join, predicates, tableFunctions, selectSchema, rekeyed, aggregate, having, items, schema };
}
