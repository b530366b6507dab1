// Co-partitioning: a join whose inputs are both keyed by the join key (so neither is re-keyed)
// joins partition i of one with partition i of the other, which needs equal partition counts.
// ksqlDB refuses such a join otherwise; so does Sluice, although embedded mode runs every
// partition in one task, so that a query's meaning does not change with the deployment.

import { sourceSteps, stepInputs, type Step } from '../../planner/steps.js';
import type { Log } from '../log/log.js';

/** Why the plan's joins are not co-partitioned, or undefined when they are. */
export async function copartitionError(root: Step, log: Log): Promise<string | undefined> {
  for (const step of allSteps(root)) {
    if (step.kind !== 'StreamStreamJoin' && step.kind !== 'StreamTableJoin' && step.kind !== 'TableTableJoin') continue;
    if (step.repartitionLeft || step.repartitionRight) continue;
    const l = sourceSteps(step.left)[0]!;
    const r = sourceSteps(step.right)[0]!;
    const lp = (await log.describeTopic(l.topic))?.partitions;
    const rp = (await log.describeTopic(r.topic))?.partitions;
    if (lp !== undefined && rp !== undefined && lp !== rp) {
      return `Can't join \`${l.alias}\` with \`${r.alias}\` since the number of partitions don't match. \`${l.alias}\` partitions = ${lp}; \`${r.alias}\` partitions = ${rp}. Please repartition either one so that the number of partitions match.`;
    }
  }
  return undefined;
}

function allSteps(step: Step): Step[] {
  return [step, ...stepInputs(step).flatMap(allSteps)];
}
