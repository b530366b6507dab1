// The group leader's partition assignment. Partition p of every subscribed topic goes to the
// same member (the p-th modulo the members, in member-id order): a query's task is one
// partition number across its co-partitioned inputs (a join reads partition p of both sides),
// so the unit that moves between members is the task, never half of one.
import type { TopicPartition } from '../log.js';

export interface Subscription {
  readonly memberId: string;
  readonly topics: readonly string[];
}

export function assignByPartition(
  members: readonly Subscription[],
  partitionCounts: ReadonlyMap<string, number>,
): ReadonlyMap<string, readonly TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  for (const topic of topics) {
    // Only members that subscribe to a topic get its partitions.
    const eligible = sorted.filter((m) => m.topics.includes(topic));
    const count = partitionCounts.get(topic) ?? 0;
    for (let partition = 0; partition < count; partition++) {
      out.get(eligible[partition % eligible.length]!.memberId)!.push({ topic, partition });
    }
  }
  return out;
}
