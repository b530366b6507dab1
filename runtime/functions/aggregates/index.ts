// Every built-in aggregate function.

import type { AggregateFunction } from '../../../planner/functions.js';
import { basicAggregates } from './basic.js';
import { collectionAggregates } from './collections.js';
import { offsetAggregates } from './offset.js';
import { statsAggregates } from './stats.js';

export const aggregateFunctions: readonly AggregateFunction[] = [
  ...basicAggregates,
  ...collectionAggregates,
  ...offsetAggregates,
  ...statsAggregates,
];
