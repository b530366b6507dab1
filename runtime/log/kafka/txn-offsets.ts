// Transactional offset commits that carry the committing member's generation (KIP-447).
//
// kafkajs's sendOffsets speaks TxnOffsetCommit v0/v1, which name no member, and a group
// coordinator accepts those from anyone: a member whose partitions have moved on could still
// commit positions over its successor's. Version 3 adds generation_id and member_id, and the
// coordinator then rejects a stale member (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID) inside the
// transaction, which then aborts. kafkajs keeps the producer id and epoch that request needs
// inside its transaction manager, so instead of replacing sendOffsets we take over the one
// request it sends: every group coordinator our Cluster hands out gets a txnOffsetCommit that
// sends v3 for a transactional id registered here (and kafkajs's own request otherwise).
// kafkajs asks `cluster.findGroupCoordinator` for the coordinator on every sendOffsets, so
// wrapping that method reaches the Broker it uses even after the coordinator moved.
import { createRequire } from 'node:module';
import type { GroupMember } from '../log.js';
import type { KBroker, KCluster } from './kafkajs-internals.js';

const require = createRequire(import.meta.url);

interface Encoder {
  writeInt16(v: number): Encoder;
  writeInt32(v: number): Encoder;
  writeInt64(v: number | string): Encoder;
  writeUVarIntString(v: string | null): Encoder;
  writeUVarIntBytes(v?: Buffer): Encoder;
  writeUVarIntArray(items: Encoder[]): Encoder;
}
interface Decoder {
  readInt16(): number;
  readInt32(): number;
  readUVarIntString(): string;
  readUVarIntArray<T>(read: (d: Decoder) => T): T[];
  readTaggedFields(): void;
}
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => Encoder;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (data: Buffer) => Decoder;
const { failure, createErrorFromCode } = require('kafkajs/src/protocol/error.js') as {
  failure: (code: number) => boolean;
  createErrorFromCode: (code: number) => Error;
};

const TXN_OFFSET_COMMIT = 28;
const MEMBER_VERSION = 3;

interface TxnOffsetCommitRequest {
  readonly transactionalId: string;
  readonly groupId: string;
  readonly producerId: number | string;
  readonly producerEpoch: number;
  readonly topics: readonly { topic: string; partitions: readonly { partition: number; offset: string }[] }[];
}

/** The Broker's parts used here, beside KBroker's typed ones. */
interface PatchableBroker extends KBroker {
  versions?: Record<number, { minVersion: number; maxVersion: number }>;
  connectionPool: { send(request: unknown): Promise<unknown> };
  txnOffsetCommit(request: TxnOffsetCommitRequest): Promise<unknown>;
}

export class MemberOffsets {
  /** The member whose transaction a transactional id is running, while it runs. */
  private readonly members = new Map<string, GroupMember>();
  private readonly patched = new WeakSet<object>();

  constructor(cluster: KCluster) {
    const find = cluster.findGroupCoordinator.bind(cluster);
    cluster.findGroupCoordinator = async (query) => this.patch((await find(query)) as PatchableBroker);
  }

  /** Whether the group's coordinator speaks v3 (Kafka 2.5 and later). */
  static supported(broker: KBroker): boolean {
    const version = (broker as PatchableBroker).versions?.[TXN_OFFSET_COMMIT];
    return version !== undefined && version.maxVersion >= MEMBER_VERSION;
  }

  /** Runs `send` (a sendOffsets) with the member's generation on its TxnOffsetCommit. */
  async as<T>(transactionalId: string, member: GroupMember, send: () => Promise<T>): Promise<T> {
    this.members.set(transactionalId, member);
    try {
      return await send();
    } finally {
      this.members.delete(transactionalId);
    }
  }

  private patch(broker: PatchableBroker): PatchableBroker {
    if (this.patched.has(broker)) return broker;
    this.patched.add(broker);
    const original = broker.txnOffsetCommit.bind(broker);
    broker.txnOffsetCommit = (request) => {
      const member = this.members.get(request.transactionalId);
      if (member === undefined || !MemberOffsets.supported(broker)) return original(request);
      return broker.connectionPool.send({ request: encodeV3(request, member), response: { decode: decodeV3, parse: parseV3 } });
    };
    return broker;
  }
}

// TxnOffsetCommit v3 => transactional_id group_id producer_id producer_epoch generation_id
//   member_id group_instance_id [topics: name [partitions: partition_index committed_offset
//   committed_leader_epoch committed_metadata TAG_BUFFER] TAG_BUFFER] TAG_BUFFER
// A flexible version: compact strings and arrays, tagged fields, and request header v2, whose
// one extra field (empty tagged fields) is the body's first byte, as kafkajs's own flexible
// requests write it.
function encodeV3(request: TxnOffsetCommitRequest, member: GroupMember) {
  return {
    apiKey: TXN_OFFSET_COMMIT,
    apiVersion: MEMBER_VERSION,
    apiName: 'TxnOffsetCommit',
    encode: async () =>
      new Encoder()
        .writeUVarIntBytes()
        .writeUVarIntString(request.transactionalId)
        .writeUVarIntString(request.groupId)
        .writeInt64(request.producerId)
        .writeInt16(request.producerEpoch)
        .writeInt32(member.generationId)
        .writeUVarIntString(member.memberId)
        .writeUVarIntString(null) // group_instance_id: dynamic members only
        .writeUVarIntArray(
          request.topics.map(({ topic, partitions }) =>
            new Encoder()
              .writeUVarIntString(topic)
              .writeUVarIntArray(
                partitions.map(({ partition, offset }) =>
                  new Encoder()
                    .writeInt32(partition)
                    .writeInt64(offset)
                    .writeInt32(-1) // committed_leader_epoch: unknown
                    .writeUVarIntString(null)
                    .writeUVarIntBytes(),
                ),
              )
              .writeUVarIntBytes(),
          ),
        )
        .writeUVarIntBytes(),
  };
}

interface V3Response {
  readonly topics: readonly { topic: string; partitions: readonly { partition: number; errorCode: number }[] }[];
}

// Response header v1 (tagged fields after the correlation id) then: throttle_time_ms
// [topics: name [partitions: partition_index error_code TAG_BUFFER] TAG_BUFFER] TAG_BUFFER.
async function decodeV3(data: Buffer): Promise<V3Response> {
  const decoder = new Decoder(data);
  decoder.readTaggedFields();
  decoder.readInt32();
  const topics = decoder.readUVarIntArray((d) => {
    const topic = d.readUVarIntString();
    const partitions = d.readUVarIntArray((p) => {
      const partition = { partition: p.readInt32(), errorCode: p.readInt16() };
      p.readTaggedFields();
      return partition;
    });
    d.readTaggedFields();
    return { topic, partitions };
  });
  return { topics };
}

async function parseV3(data: V3Response): Promise<V3Response> {
  for (const { partitions } of data.topics) {
    for (const { errorCode } of partitions) if (failure(errorCode)) throw createErrorFromCode(errorCode);
  }
  return data;
}
