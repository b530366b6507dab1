// The group leader's partition assignment. Partition p of every subscribed topic goes to the
// same member (the p-th modulo the members, in member-id order): a query's task is one
// partition number across its co-partitioned inputs (a join reads partition p of both sides),
// so the unit that moves between members is the task, never half of one.
import type { TopicPartition } from '../log.js';

export interface Subscription {
  readonly memberId: string;
  readonly topics: readonly string[];
  /** The member's REST URL (empty when it has none). */
  readonly endpoint?: string;
  /** Asks for every partition to go to one member (GroupOptions.oneTask). */
  readonly oneTask?: boolean;
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
    const subscribed = sorted.filter((m) => m.topics.includes(topic));
    // One task: the first member takes everything (members of one query all agree on this).
    const eligible = subscribed.some((m) => m.oneTask) ? subscribed.slice(0, 1) : subscribed;
    const count = partitionCounts.get(topic) ?? 0;
    for (let partition = 0; partition < count; partition++) {
      out.get(eligible[partition % eligible.length]!.memberId)!.push({ topic, partition });
    }
  }
  return out;
}

/** Partition number → the endpoint of the member holding it (a task is one partition number). */
export function ownersOf(
  assignment: ReadonlyMap<string, readonly TopicPartition[]>,
  members: readonly Subscription[],
): ReadonlyMap<number, string> {
  const endpoints = new Map(members.map((m) => [m.memberId, m.endpoint ?? '']));
  const owners = new Map<number, string>();
  for (const [memberId, partitions] of assignment) {
    for (const { partition } of partitions) owners.set(partition, endpoints.get(memberId) ?? '');
  }
  return owners;
}
