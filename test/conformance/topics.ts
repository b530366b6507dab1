// The topics a case needs before its statements run. ksqlDB's harness creates them up front:
// the case's `topics` entries, then the topic of every plain CREATE STREAM/TABLE statement
// (so those statements find it, as they would on a real cluster), then every topic an input
// record goes to. Topics only named by outputs are left to the queries that write them.
//
// Partition counts: a `topics` entry defaults to 1, like ksqlDB's TopicNode. Where ksqlDB's
// harness gives other topics 4 partitions, we give them 1 (or the statement's PARTITIONS):
// ksqlDB runs every case on a TopologyTestDriver, which sees one partition per topic, so
// ROWPARTITION is 0 and ROWOFFSET counts 0, 1, 2… in its expected outputs. One partition
// reproduces that, and keeps output order equal to production order.

import type { QttCase } from './loader.js';

const CREATE_SOURCE = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:SOURCE\s+)?(?:STREAM|TABLE)\b/i;
const AS_SELECT = /\bAS\s+SELECT\b/i;
const KAFKA_TOPIC = /\bKAFKA_TOPIC\s*=\s*'((?:[^']|'')*)'/i;
const PARTITIONS = /\bPARTITIONS\s*=\s*(\d+)/i;

/**
 * Topic name → partition count, in creation order. `defaultPartitions` is what a topic gets
 * when neither a `topics` entry nor a PARTITIONS property says: 1 for QTT (see above); RQTT
 * runs on a real cluster in ksqlDB, where such topics have 4.
 */
export function topicsToCreate(c: QttCase, defaultPartitions = 1): Map<string, number> {
  const topics = new Map<string, number>();
  const add = (name: string, partitions: number): void => {
    if (name !== '' && !topics.has(name)) topics.set(name, partitions);
  };
  for (const t of c.topics) add(t.name, t.partitions ?? 1);
  for (const s of c.statements) {
    if (!CREATE_SOURCE.test(s) || AS_SELECT.test(s)) continue;
    const topic = KAFKA_TOPIC.exec(s);
    if (topic === null) continue;
    const partitions = PARTITIONS.exec(s);
    add(topic[1]!.replace(/''/g, "'"), partitions === null ? defaultPartitions : Number(partitions[1]));
  }
  for (const r of c.inputs) add(r.topic, defaultPartitions);
  return topics;
}
