// Consumer-group membership on a real broker (the building block of scale-out): members of one
// group split a topic's partitions, take over those of a member that leaves or is SIGKILLed,
// and commit with their generation, which the coordinator checks.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaLog } from '../../runtime/log/kafka/kafka-log.js';
import type { KafkaLogOptions } from '../../runtime/log/kafka/options.js';
import { assignByPartition } from '../../runtime/log/kafka/assign.js';
import {
  UnknownTopicError,
  type GroupListener,
  type GroupMember,
  type GroupMembership,
  type GroupOptions,
  type TopicPartition,
} from '../../runtime/log/log.js';
import { kafkaSkipReason, reportSkipped, sharedCluster, type KafkaCluster } from '../kafka/broker.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

const ROOT = join(import.meta.dirname, '..', '..');
const PARTITIONS = 6;
// The broker's group.min.session.timeout.ms (default 6 s) is the smallest it accepts.
const GROUP: GroupOptions = { sessionTimeoutMs: 6_000, rebalanceTimeoutMs: 20_000, heartbeatIntervalMs: 300 };
const ALL = Array.from({ length: PARTITIONS }, (_, i) => i);

let sequence = 0;
const unique = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${sequence++}`;

/** Polls until `check` holds; no timing is asserted, the deadline only bounds a hang. */
async function until(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A listener that records what it was told. */
function recorder(): GroupListener & { readonly assigned: TopicPartition[][]; readonly revoked: TopicPartition[][] } {
  const assigned: TopicPartition[][] = [];
  const revoked: TopicPartition[][] = [];
  return {
    assigned,
    revoked,
    onAssigned: (partitions) => void assigned.push([...partitions]),
    onRevoked: (partitions) => void revoked.push([...partitions]),
  };
}

const numbers = (m: GroupMembership): number[] => m.assignment().map((p) => p.partition);

/** Both members hold a non-empty, disjoint share, together every partition. */
function split(a: GroupMembership, b: GroupMembership): boolean {
  const x = numbers(a);
  const y = numbers(b);
  return x.length > 0 && y.length > 0 && [...x, ...y].sort((p, q) => p - q).join() === ALL.join();
}

describe('the group leader\'s assignment', () => {
  it('gives partition p of every topic to one member, and a topic only to its subscribers', () => {
    const counts = new Map([['left', 4], ['right', 4], ['solo', 2]]);
    const assignment = assignByPartition(
      [
        { memberId: 'm2', topics: ['left', 'right'] },
        { memberId: 'm1', topics: ['left', 'right', 'solo'] },
      ],
      counts,
    );
    const show = (id: string) => assignment.get(id)!.map((p) => `${p.topic}/${p.partition}`);
    expect(show('m1')).toEqual(['left/0', 'left/2', 'right/0', 'right/2', 'solo/0', 'solo/1']);
    expect(show('m2')).toEqual(['left/1', 'left/3', 'right/1', 'right/3']);
  });
});

describe.skipIf(skip !== undefined)('Kafka consumer-group membership', () => {
  let cluster: KafkaCluster;
  const logs: KafkaLog[] = [];
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    cluster = await sharedCluster();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.allSettled(logs.map((l) => l.close()));
  });
  const connect = async (options: Partial<KafkaLogOptions> = {}): Promise<KafkaLog> => {
    const log = await KafkaLog.connect({ brokers: cluster.brokers, clientId: unique('group'), ...options });
    logs.push(log);
    return log;
  };
  const topicWith = async (log: KafkaLog): Promise<string> => {
    const topic = unique('tasks');
    await log.createTopic(topic, { partitions: PARTITIONS });
    return topic;
  };

  it('two members split the partitions; the one left takes all when the other leaves', async () => {
    const [one, two] = [await connect(), await connect()];
    const topic = await topicWith(one);
    const group = unique('g');
    const first = recorder();
    const a = await one.joinGroup(group, [topic], first, GROUP);
    expect(numbers(a)).toEqual(ALL); // alone, it has everything
    const b = await two.joinGroup(group, [topic], recorder(), GROUP);
    await until('the two members split the partitions', () => split(a, b));
    // Eager: the first member gave up everything before its share came back.
    expect(first.revoked[0]!.map((p) => p.partition)).toEqual(ALL);
    expect(a.member()!.generationId).toBe(b.member()!.generationId);
    expect(a.member()!.memberId).not.toBe(b.member()!.memberId);

    await b.leave();
    expect(b.assignment()).toEqual([]);
    await until('the remaining member has every partition', () => numbers(a).join() === ALL.join());
    await a.leave();
  }, 120_000);

  it('joining for a topic that does not exist fails', async () => {
    const log = await connect();
    await expect(log.joinGroup(unique('g'), [unique('missing')], recorder(), GROUP)).rejects.toThrow(UnknownTopicError);
  });

  it('a SIGKILLed member loses its partitions to the survivor after the session timeout', async () => {
    const log = await connect();
    const topic = await topicWith(log);
    const group = unique('g');
    const a = await log.joinGroup(group, [topic], recorder(), GROUP);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'test/log/kafka-group-child.ts'),
        JSON.stringify({ brokers: cluster.brokers, group, topic, sessionTimeoutMs: GROUP.sessionTimeoutMs }),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    let childShare: number[] = [];
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      for (const line of out.split('\n').slice(0, -1)) {
        const event = JSON.parse(line) as { assigned?: number[] };
        if (event.assigned) childShare = event.assigned;
      }
      out = out.slice(out.lastIndexOf('\n') + 1);
    });
    await until('the child holds a share', () => {
      const mine = numbers(a);
      return childShare.length > 0 && mine.length > 0 && [...mine, ...childShare].sort((p, q) => p - q).join() === ALL.join();
    });
    child.kill('SIGKILL');
    await until('the survivor has every partition', () => numbers(a).join() === ALL.join());
    await a.leave();
  }, 120_000);

  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`${guarantee}: a member's commits are accepted, a stale member's are rejected`, async () => {
      const [one, two] = [await connect({ processingGuarantee: guarantee }), await connect({ processingGuarantee: guarantee })];
      const topic = await topicWith(one);
      const group = unique('g');
      // onRevoked is the last moment to commit with the generation that is ending.
      let current: GroupMember | undefined;
      const revokeCommits: string[] = [];
      const a = await one.joinGroup(
        group,
        [topic],
        {
          onAssigned: (_, member) => void (current = member),
          onRevoked: async (partitions) => {
            const member = current!;
            const committing = one.commit({ groupId: group, outputs: [], positions: partitions.map((p) => ({ ...p, offset: 5 })), member });
            revokeCommits.push(await committing.then(() => 'ok', (e: Error) => e.message));
          },
        },
        GROUP,
      );
      const firstGeneration: GroupMember = a.member()!;
      const positions = (m: GroupMembership, offset: number) => m.assignment().map((p) => ({ ...p, offset }));

      await one.commit({ groupId: group, outputs: [], positions: positions(a, 1), member: firstGeneration });
      await until('the member commit is visible', async () => (await one.committed(group)).length === PARTITIONS);
      expect(await one.committed(group)).toEqual(ALL.map((partition) => ({ topic, partition, offset: 1 })));

      const b = await two.joinGroup(group, [topic], recorder(), GROUP);
      await until('the two members split the partitions', () => split(a, b));
      expect(revokeCommits).toEqual(['ok']);
      expect(await one.committed(group)).toEqual(ALL.map((partition) => ({ topic, partition, offset: 5 })));
      // The first generation is over: the coordinator (or the generation check) rejects it.
      const everything = ALL.map((partition) => ({ topic, partition, offset: 99 }));
      await expect(one.commit({ groupId: group, outputs: [], positions: everything, member: firstGeneration })).rejects.toThrow(
        /generation|member/i,
      );
      // The current members commit their own shares.
      await one.commit({ groupId: group, outputs: [], positions: positions(a, 2), member: a.member()! });
      await two.commit({ groupId: group, outputs: [], positions: positions(b, 3), member: b.member()! });
      const expected = ALL.map((partition) => ({ topic, partition, offset: numbers(a).includes(partition) ? 2 : 3 }));
      await until('both members commits are visible', async () => JSON.stringify(await one.committed(group)) === JSON.stringify(expected));
      expect((await one.committed(group)).some((p) => p.offset === 99)).toBe(false);
      await b.leave();
      await a.leave();
    }, 120_000);
  }

  it('exactly_once_v2 with per-task transactional ids: the task\'s next owner fences the old one', async () => {
    const [one, two] = [
      await connect({ processingGuarantee: 'exactly_once_v2', transactionalIdPrefix: 'shared-' }),
      await connect({ processingGuarantee: 'exactly_once_v2', transactionalIdPrefix: 'shared-' }),
    ];
    const topic = await topicWith(one);
    const out = await topicWith(one);
    const group = unique('g');
    const record = (v: string) => ({ partition: 0, timestamp: 0, key: null, value: Buffer.from(v) });
    const commitFor = (log: KafkaLog, task: string, v: string) =>
      log.commit({ groupId: group, outputs: [{ topic: out, records: [record(v)] }], positions: [{ topic, partition: 0, offset: 1 }], task });
    await commitFor(one, '0', 'old owner');
    await commitFor(two, '1', 'other task'); // another task's id: no fencing
    await commitFor(one, '0', 'old owner again');
    await commitFor(two, '0', 'new owner'); // InitProducerId for task 0 bumps its epoch
    await expect(commitFor(one, '0', 'zombie')).rejects.toThrow();
    const values = (await one.fetch(out, 0, 0, 100)).map((r) => r.value!.toString());
    expect(values).toEqual(['old owner', 'other task', 'old owner again', 'new owner']);
  }, 120_000);
});
