// Consumer-group membership (scale-out): several processes join one group per query and share
// its partitions; when one leaves or dies, the coordinator moves its partitions to the others.
//
// Why the classic group protocol by hand (JoinGroup, SyncGroup, Heartbeat, LeaveGroup through
// kafkajs's Broker layer) rather than a kafkajs Consumer used only for membership:
// - a kafkajs Consumer joins only from run(), which starts its own fetch loop over the
//   assigned partitions (we read with our own fetcher: it would fetch everything twice);
// - it has no revocation callback (only a REBALANCING event that does not wait for us), so a
//   member could not commit its last batch before its partitions move;
// - it does not expose the generation id, which every member commit must carry.
// The protocol itself is small: join (the leader computes the assignment, assign.ts), sync,
// heartbeat until the coordinator asks for a rebalance, revoke everything (eager), rejoin.
//
// Each membership has a Cluster (connections) of its own: a JoinGroup blocks at the coordinator
// for up to the rebalance timeout, and a broker answers a connection's requests in order, so
// on a shared connection it would hold up every read and commit behind it.
import { AssignerProtocol } from 'kafkajs';
import type { GroupListener, GroupMember, GroupMembership, GroupOptions, TopicPartition } from '../log.js';
import { assignByPartition, ownersOf, type Subscription } from './assign.js';
import { errorType, isRetriable } from './errors.js';
import type { Connection, KBroker } from './kafkajs-internals.js';
import { PartitionMetadata } from './metadata.js';

/** Our assignor's name: members of one group must all speak it (the coordinator checks). */
const PROTOCOL = 'sluice-tasks';
const DEFAULT_SESSION_MS = 10_000;
const DEFAULT_REBALANCE_MS = 30_000;
/** Errors after which the member's id is unknown to the coordinator: join as a new member. */
const MEMBER_GONE = new Set(['UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);
/** Errors after which the generation is over: revoke, then rejoin under the same id. */
const GENERATION_OVER = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION']);

export interface GroupMapping {
  /** The cluster's names of a caller's group and topics, and back (the log's namespace). */
  readonly outer: (name: string) => string;
  readonly inner: (name: string) => string;
}

export class KafkaGroupMember implements GroupMembership {
  private readonly sessionMs: number;
  private readonly rebalanceMs: number;
  private readonly heartbeatMs: number;
  private readonly metadata: PartitionMetadata;
  private memberId = '';
  private current: GroupMember | undefined;
  private assigned: readonly TopicPartition[] = [];
  private owned: ReadonlyMap<number, string> = new Map();
  private readonly endpoint: string;
  private readonly oneTask: boolean;
  private coordinator: KBroker | undefined;
  private stopped = false;
  private wake: () => void = () => undefined;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: Connection,
    private readonly groupId: string, // the caller's name
    private readonly topics: readonly string[], // the cluster's names
    private readonly listener: GroupListener,
    private readonly mapping: GroupMapping,
    options: GroupOptions = {},
  ) {
    this.sessionMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_MS;
    this.rebalanceMs = options.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_MS;
    this.heartbeatMs = options.heartbeatIntervalMs ?? Math.max(100, Math.floor(this.sessionMs / 3));
    this.metadata = new PartitionMetadata(connection.cluster);
    this.endpoint = options.endpoint ?? '';
    this.oneTask = options.oneTask ?? false;
  }

  /** Connects, joins, and resolves after the first assignment has been handed to onAssigned. */
  async start(): Promise<void> {
    await this.connection.cluster.connect();
    let first!: () => void;
    let failed!: (e: unknown) => void;
    const joined = new Promise<void>((resolve, reject) => ((first = resolve), (failed = reject)));
    this.loop = this.run(first, failed);
    try {
      await joined;
    } catch (e) {
      await this.connection.cluster.disconnect().catch(() => undefined);
      throw e;
    }
  }

  member(): GroupMember | undefined {
    return this.current;
  }

  assignment(): readonly TopicPartition[] {
    return this.assigned;
  }

  owners(): ReadonlyMap<number, string> {
    return this.owned;
  }

  async leave(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake();
    await this.loop;
    await this.revoke();
    if (this.memberId !== '' && this.coordinator !== undefined) {
      // Best effort: without it the coordinator drops us after the session timeout instead.
      await this.coordinator.leaveGroup({ groupId: this.outerGroup, memberId: this.memberId }).catch(() => undefined);
    }
    await this.connection.cluster.disconnect().catch(() => undefined);
  }

  private get outerGroup(): string {
    return this.mapping.outer(this.groupId);
  }

  private async run(joined: () => void, failed: (e: unknown) => void): Promise<void> {
    let first = true;
    for (let failures = 0; !this.stopped; ) {
      try {
        await this.join();
        if (first) joined();
        first = false;
        failures = 0;
        await this.heartbeatUntilOver();
      } catch (e) {
        // Also a listener that threw: its partitions are revoked and the member rejoins, so
        // that the group moves on rather than waiting for a member that stopped working.
        const type = errorType(e) ?? '';
        if (MEMBER_GONE.has(type)) this.memberId = '';
        await this.revoke().catch(() => undefined);
        if (GENERATION_OVER.has(type) || MEMBER_GONE.has(type)) continue;
        this.coordinator = undefined;
        failures++;
        // The first join fails fast on what retrying won't cure (no broker, an unknown topic).
        if (first && (!isRetriable(e) || failures > 8)) {
          this.stopped = true;
          failed(e);
          return;
        }
        await this.pause(Math.min(100 * 2 ** failures, 2_000));
      }
    }
  }

  private async join(): Promise<void> {
    this.coordinator ??= await this.connection.cluster.findGroupCoordinator({ groupId: this.outerGroup });
    const coordinator = this.coordinator;
    // Our user data: what the leader needs besides the topics (see assign.ts).
    const userData = Buffer.from(JSON.stringify({ endpoint: this.endpoint, oneTask: this.oneTask }), 'utf8');
    const metadata = AssignerProtocol.MemberMetadata.encode({ version: 0, topics: [...this.topics], userData });
    const joined = await coordinator.joinGroup({
      groupId: this.outerGroup,
      sessionTimeout: this.sessionMs,
      rebalanceTimeout: this.rebalanceMs,
      memberId: this.memberId,
      protocolType: 'consumer',
      groupProtocols: [{ name: PROTOCOL, metadata }],
    });
    this.memberId = joined.memberId;
    const groupAssignment = joined.leaderId === joined.memberId ? await this.assign(joined.members) : [];
    const { memberAssignment } = await coordinator.syncGroup({
      groupId: this.outerGroup,
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupAssignment,
    });
    const decoded = AssignerProtocol.MemberAssignment.decode(memberAssignment);
    const partitions: TopicPartition[] = [];
    for (const [topic, numbers] of Object.entries(decoded?.assignment ?? {})) {
      for (const partition of numbers) partitions.push({ topic: this.mapping.inner(topic), partition });
    }
    partitions.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    this.current = { groupId: this.groupId, memberId: joined.memberId, generationId: joined.generationId };
    this.assigned = partitions;
    this.owned = decodeOwners(decoded?.userData);
    await this.listener.onAssigned(partitions, this.current);
  }

  /** The leader's part: every member's assignment, from their subscriptions and the topics' sizes. */
  private async assign(members: readonly { memberId: string; memberMetadata: Buffer }[]) {
    const subscriptions: Subscription[] = members.map((m) => {
      const decoded = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
      const user = parseUserData(decoded?.userData);
      return { memberId: m.memberId, topics: decoded?.topics ?? [], endpoint: user.endpoint, oneTask: user.oneTask };
    });
    await this.metadata.refresh();
    const counts = new Map<string, number>();
    for (const topic of new Set(subscriptions.flatMap((s) => s.topics))) counts.set(topic, await this.metadata.partitionCount(topic));
    const assignment = assignByPartition(subscriptions, counts);
    // Every member learns who owns which partition number, to forward pull queries.
    const userData = Buffer.from(JSON.stringify([...ownersOf(assignment, subscriptions)]), 'utf8');
    return [...assignment].map(([memberId, partitions]) => {
      const byTopic: Record<string, number[]> = {};
      for (const { topic, partition } of partitions) (byTopic[topic] ??= []).push(partition);
      const memberAssignment = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: byTopic, userData });
      return { memberId, memberAssignment };
    });
  }

  /**
   * Heartbeats until the coordinator ends the generation (it throws then), or until leave().
   * Failing heartbeats past the session timeout mean the coordinator has dropped us: the
   * partitions are lost (another member may own them already), so they are revoked.
   */
  private async heartbeatUntilOver(): Promise<void> {
    let lastOk = Date.now();
    while (!this.stopped) {
      await this.pause(this.heartbeatMs);
      if (this.stopped) return;
      const member = this.current!;
      try {
        await this.coordinator!.heartbeat({ groupId: this.outerGroup, groupGenerationId: member.generationId, memberId: member.memberId });
        lastOk = Date.now();
      } catch (e) {
        const type = errorType(e) ?? '';
        if (GENERATION_OVER.has(type) || MEMBER_GONE.has(type)) throw e;
        if (Date.now() - lastOk > this.sessionMs) throw e;
        // A moved coordinator or a broken connection: find it again and keep heartbeating.
        this.coordinator = await this.connection.cluster
          .findGroupCoordinator({ groupId: this.outerGroup })
          .catch(() => this.coordinator);
      }
    }
  }

  /** Eager revocation: everything, before rejoining, awaiting the listener. */
  private async revoke(): Promise<void> {
    const partitions = this.assigned;
    this.assigned = [];
    this.owned = new Map();
    this.current = undefined;
    if (partitions.length > 0) await this.listener.onRevoked(partitions);
  }

  /** Sleeps, or less when leave() is called. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** A member's subscription user data; other clients' (or none) read as no endpoint. */
function parseUserData(data: Buffer | undefined | null): { endpoint: string; oneTask: boolean } {
  try {
    const v = JSON.parse((data ?? Buffer.alloc(0)).toString('utf8')) as { endpoint?: unknown; oneTask?: unknown };
    return { endpoint: typeof v.endpoint === 'string' ? v.endpoint : '', oneTask: v.oneTask === true };
  } catch {
    return { endpoint: '', oneTask: false };
  }
}

function decodeOwners(data: Buffer | undefined | null): ReadonlyMap<number, string> {
  try {
    const pairs = JSON.parse((data ?? Buffer.alloc(0)).toString('utf8')) as [number, string][];
    return new Map(pairs.filter(([p, e]) => Number.isInteger(p) && typeof e === 'string'));
  } catch {
    return new Map();
  }
}
