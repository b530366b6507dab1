// The scale-out tests' shop: orders keyed by customer id and a customers table keyed by id,
// both on six partitions, so that a per-customer count (CTAS) and an orders-customers join
// (CSAS) need no repartition and every task is one partition number of both topics. Input is
// produced by a plain kafkajs producer (Kafka's default murmur2 partitioner), as an outside
// application would; statements and pull queries go over REST; outputs are read from the topics.
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { KafkaLog } from '../../runtime/log/kafka/kafka-log.js';
import type { ProcessingGuarantee } from '../../runtime/log/kafka/options.js';
import { seededRandom } from '../crash/harness.js';
import { client } from '../server/client.js';
import { Instances } from './instances.js';

export const PARTITIONS = 6;
export const CUSTOMERS = 48;

export const DDL = `
  CREATE STREAM orders (cid INT KEY, oid INT) WITH (kafka_topic='orders', partitions=${PARTITIONS}, value_format='JSON');
  CREATE TABLE customers (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', partitions=${PARTITIONS}, value_format='JSON');
  CREATE TABLE order_counts AS SELECT cid, COUNT(*) AS n FROM orders GROUP BY cid;
  CREATE STREAM enriched AS SELECT o.cid AS cid, o.oid AS oid, c.name AS name FROM orders o JOIN customers c ON o.cid = c.id;`;

/** Customer `id`'s name, as produced and as the join must copy it. */
export const customerName = (id: number): string => `customer-${id}`;

/** Which customer each of `count` orders (oid 0..count-1) is for: seeded, so uneven but reproducible. */
export function orderCustomers(count: number, seed: number): readonly number[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, () => Math.floor(rand() * CUSTOMERS));
}

/** Orders per customer id. */
export function expectedCounts(customers: readonly number[]): ReadonlyMap<number, number> {
  const counts = new Map<number, number>();
  for (const c of customers) counts.set(c, (counts.get(c) ?? 0) + 1);
  return counts;
}

export interface Shop {
  readonly instances: Instances;
  readonly producer: ShopProducer;
  readonly reader: ShopReader;
  readonly countQuery: string;
  readonly joinQuery: string;
  /** Each query and the input topics whose positions it commits: for ShopReader.waitCaughtUp. */
  readonly inputs: ReadonlyMap<string, readonly string[]>;
  /** Every instance's stderr, for failure messages. */
  logs(): string;
  /** For a stuck run: each running instance's queries (SHOW QUERIES) and query metrics, then logs(). */
  diagnose(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Three (or `count`) instances of one service running the shop's queries, a producer and a
 * reader, on a namespace of their own on the shared broker. The statements go to instance 0 over
 * REST; the others either run already and follow the command topic (`others: 'running'`), or
 * start after the statements and replay the command topic as they start (`'later'`). It
 * resolves once every instance is a member of both queries' groups, so each runs its share.
 */
export async function startShop(options: {
  readonly bootstrap: string;
  readonly dir: string;
  readonly run: string;
  readonly count: number;
  readonly others: 'running' | 'later';
  readonly guarantee?: ProcessingGuarantee;
}): Promise<Shop> {
  const namespace = `scale-${options.run}.`;
  const serviceId = 'shop';
  const brokers = options.bootstrap.split(',');
  const instances = await Instances.create({
    bootstrap: options.bootstrap,
    serviceId,
    namespace,
    count: options.count,
    dir: options.dir,
    ...(options.guarantee !== undefined ? { guarantee: options.guarantee } : {}),
  });
  const opened: { close(): Promise<void> }[] = [];
  // Together: each joining member makes the groups rebalance, and one rebalance can take them all.
  const startOthers = () => Promise.all(Array.from({ length: options.count - 1 }, (_, k) => instances.start(k + 1)));
  try {
    await (options.others === 'running' ? Promise.all([instances.start(0), startOthers()]) : instances.start(0));
    const [countQuery, joinQuery] = await submit(instances.url(0), DDL);
    if (!countQuery?.startsWith('CTAS_ORDER_COUNTS') || !joinQuery?.startsWith('CSAS_ENRICHED')) {
      throw new Error(`the shop's queries did not start: ${countQuery}, ${joinQuery}\n${instances.logs()}`);
    }
    if (options.others === 'later') await startOthers();
    for (let i = 1; i < options.count; i++) await waitQueries(instances.url(i), [countQuery, joinQuery], 30_000, () => instances.logs());
    const producer = await ShopProducer.connect(brokers, namespace);
    opened.push(producer);
    const reader = await ShopReader.connect(brokers, namespace, serviceId, options.guarantee ?? 'at_least_once');
    opened.push(reader);
    await reader.waitMembers([countQuery, joinQuery], options.count, 45_000, () => instances.logs());
    return {
      instances,
      producer,
      reader,
      countQuery,
      joinQuery,
      inputs: new Map([
        [countQuery, ['orders']],
        [joinQuery, ['orders', 'customers']],
      ]),
      logs: () => instances.logs(),
      diagnose: () => diagnose(instances),
      close: async () => {
        await instances.killAll();
        for (const o of opened) await o.close().catch(() => undefined);
      },
    };
  } catch (e) {
    await instances.killAll();
    for (const o of opened) await o.close().catch(() => undefined);
    throw e;
  }
}

async function diagnose(instances: Instances): Promise<string> {
  const parts: string[] = [];
  for (let i = 0; i < instances.count; i++) {
    if (!instances.running(i)) continue;
    const c = client(instances.url(i), 'http1');
    try {
      const queries = await c.call('POST', '/ksql', { ksql: 'SHOW QUERIES;' });
      const states = ((queries.json as { queries?: { id: string; state: string }[] }[])[0]?.queries ?? []).map((q) => `${q.id} ${q.state}`);
      const metrics = (await c.call('GET', '/metrics')).text.split('\n').filter((l) => l.startsWith('sluice_query_'));
      parts.push(`=== instance ${i}: ${states.join(', ')}\n${metrics.join('\n')}`);
    } catch (e) {
      parts.push(`=== instance ${i}: no answer (${(e as Error).message})`);
    } finally {
      c.close();
    }
  }
  return `${parts.join('\n')}\n${instances.logs()}`;
}

/** POST /ksql; the query ids of the persistent queries it started. Throws with the body on a non-200. */
export async function submit(url: string, ksql: string): Promise<string[]> {
  const c = client(url, 'http1');
  try {
    // Earliest: a query must see input produced before its group first joined.
    const r = await c.call('POST', '/ksql', { ksql, streamsProperties: { 'auto.offset.reset': 'earliest' } });
    if (r.status !== 200) throw new Error(`POST /ksql to ${url} answered ${r.status}: ${r.text}`);
    const entities = r.json as { commandStatus?: { queryId?: string | null } }[];
    return entities.flatMap((e) => (e.commandStatus?.queryId ? [e.commandStatus.queryId] : []));
  } finally {
    c.close();
  }
}

/** Rows in one order whatever order they came in: a scan gathered from several instances has none. */
export function sortRows(rows: readonly (readonly unknown[])[]): unknown[][] {
  return rows.map((row) => [...row]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** Waits until the instance lists the queries in SHOW QUERIES (a follower applies commands as they come). */
export async function waitQueries(url: string, queryIds: readonly string[], timeoutMs: number, context: () => string | Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const c = client(url, 'http1');
  try {
    for (;;) {
      const r = await c.call('POST', '/ksql', { ksql: 'SHOW QUERIES;' });
      const listed = r.status === 200 ? ((r.json as { queries?: { id: string }[] }[])[0]?.queries ?? []).map((q) => q.id) : [];
      if (queryIds.every((id) => listed.includes(id))) return;
      if (Date.now() > deadline) {
        throw new Error(`${url} lists queries [${listed.join(', ')}], not all of [${queryIds.join(', ')}], after ${timeoutMs} ms (${r.status}: ${r.text.slice(0, 300)})\n${await context()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    c.close();
  }
}

/** A pull query over POST /query-stream: the rows, sorted so that answers compare whole. */
export async function pull(url: string, sql: string): Promise<unknown[][]> {
  const c = client(url, 'http1');
  try {
    const r = await c.call('POST', '/query-stream', { sql }, { accept: 'application/json' });
    if (r.status !== 200) throw new Error(`pull query '${sql}' on ${url} answered ${r.status}: ${r.text}`);
    const [, ...rows] = r.json as unknown[];
    return sortRows(rows as unknown[][]);
  } finally {
    c.close();
  }
}

/** An instance's committed input records per query, from its /metrics (sluice_query_records_in_total). */
export async function recordsIn(url: string): Promise<ReadonlyMap<string, number>> {
  const c = client(url, 'http1');
  try {
    const r = await c.call('GET', '/metrics');
    if (r.status !== 200) throw new Error(`GET /metrics on ${url} answered ${r.status}: ${r.text}`);
    const out = new Map<string, number>();
    for (const m of r.text.matchAll(/^sluice_query_records_in_total\{query_id="([^"]+)"\} (\d+)$/gm)) out.set(m[1]!, Number(m[2]));
    return out;
  } finally {
    c.close();
  }
}

const intKey = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** The outside application writing the shop's input topics. */
export class ShopProducer {
  private constructor(
    private readonly producer: Producer,
    private readonly namespace: string,
  ) {}

  static async connect(brokers: readonly string[], namespace: string): Promise<ShopProducer> {
    const kafka = new Kafka({ brokers: [...brokers], clientId: 'scale-test-producer', logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return new ShopProducer(producer, namespace);
  }

  /** Every customer, timestamped before any order so that the join finds them. */
  async customers(timestamp: number): Promise<void> {
    await this.producer.send({
      topic: `${this.namespace}customers`,
      acks: -1,
      messages: Array.from({ length: CUSTOMERS }, (_, id) => ({
        key: intKey(id),
        value: JSON.stringify({ NAME: customerName(id) }),
        timestamp: String(timestamp),
      })),
    });
  }

  /** Orders `from` up to (not including) `to`: oid i for customer customers[i], at time base + i. */
  async orders(customers: readonly number[], from: number, to: number, base: number): Promise<void> {
    const messages = [];
    for (let i = from; i < to; i++) {
      messages.push({ key: intKey(customers[i]!), value: JSON.stringify({ OID: i }), timestamp: String(base + i) });
    }
    await this.producer.send({ topic: `${this.namespace}orders`, acks: -1, messages });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** The service's view of the log from outside: committed positions, and sinks read to the end. */
export class ShopReader {
  private constructor(
    /** Reads as the guarantee's consumers do: read_committed under exactly_once_v2. */
    private readonly log: KafkaLog,
    /** read_uncommitted: the end of a partition with any transaction still open. */
    private readonly raw: KafkaLog,
    /** The broker's view of the queries' consumer groups. */
    private readonly admin: Admin,
    private readonly namespace: string,
    private readonly serviceId: string,
  ) {}

  static async connect(brokers: readonly string[], namespace: string, serviceId: string, guarantee: ProcessingGuarantee): Promise<ShopReader> {
    const log = await KafkaLog.connect({ brokers, namespace, processingGuarantee: guarantee });
    const raw = await KafkaLog.connect({ brokers, namespace, processingGuarantee: 'at_least_once' });
    const admin = new Kafka({ brokers: [...brokers], clientId: 'scale-test-admin', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    return new ShopReader(log, raw, admin, namespace, serviceId);
  }

  private groupId(queryId: string): string {
    return `_sluice_${this.serviceId}_query_${queryId}`;
  }

  /**
   * Waits until each query's consumer group is stable with `members` members, as the broker
   * sees it: every instance then runs its share of the tasks.
   */
  async waitMembers(queryIds: readonly string[], members: number, timeoutMs: number, context: () => string | Promise<string>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { groups } = await this.admin.describeGroups(queryIds.map((id) => this.namespace + this.groupId(id)));
      const unready = groups.filter((g) => g.state !== 'Stable' || g.members.length !== members);
      if (unready.length === 0) return;
      if (Date.now() > deadline) {
        const states = unready.map((g) => `${g.groupId}: ${g.state}, ${g.members.length} members`).join('; ');
        throw new Error(`the queries' groups are not stable with ${members} members after ${timeoutMs} ms (${states})\n${await context()}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Per query, topic and partition: how many input records its group has not committed yet. */
  async lags(inputs: ReadonlyMap<string, readonly string[]>): Promise<{ query: string; topic: string; partition: number; lag: number }[]> {
    const out: { query: string; topic: string; partition: number; lag: number }[] = [];
    for (const [query, topics] of inputs) {
      const committed = await this.log.committed(this.groupId(query));
      for (const topic of topics) {
        for (let partition = 0; partition < PARTITIONS; partition++) {
          const at = committed.find((c) => c.topic === topic && c.partition === partition)?.offset ?? 0;
          out.push({ query, topic, partition, lag: Math.max(0, (await this.raw.endOffset(topic, partition)) - at) });
        }
      }
    }
    return out;
  }

  /** How many input records the queries' groups have not committed yet, in all. */
  async lag(inputs: ReadonlyMap<string, readonly string[]>): Promise<number> {
    return (await this.lags(inputs)).reduce((n, l) => n + l.lag, 0);
  }

  /** The broker's view of the queries' groups, for failure messages. */
  async describeGroups(queryIds: readonly string[]): Promise<string> {
    const { groups } = await this.admin.describeGroups(queryIds.map((id) => this.namespace + this.groupId(id)));
    return groups.map((g) => `${g.groupId}: ${g.state}, members ${g.members.map((m) => `${m.clientId}@${m.clientHost}`).join(' ')}`).join('\n');
  }

  /**
   * Waits until the queries have committed every record of their input topics, polling; throws
   * with the partitions still behind, the groups' state and `context()` (the instances' stderr)
   * when time runs out.
   */
  async waitCaughtUp(inputs: ReadonlyMap<string, readonly string[]>, timeoutMs: number, context: () => string | Promise<string>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lags = await this.lags(inputs);
      if (lags.every((l) => l.lag === 0)) return;
      if (Date.now() > deadline) {
        const behind = lags.filter((l) => l.lag > 0).map((l) => `${l.query} ${l.topic}/${l.partition}: ${l.lag}`);
        throw new Error(
          `the queries still lag after ${timeoutMs} ms:\n${behind.join('\n')}\n${await this.describeGroups([...inputs.keys()])}\n${await context()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * Waits until no transaction is open on the topic: a read_committed reader then sees it to
   * its end. A killed instance's open transaction stays open until the next owner of its task
   * fences it (or the broker times it out), and holds every later record back until then.
   */
  async waitNoOpenTransaction(topic: string, timeoutMs: number, context: () => string | Promise<string>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const open: number[] = [];
      for (let p = 0; p < PARTITIONS; p++) {
        if ((await this.log.endOffset(topic, p)) !== (await this.raw.endOffset(topic, p))) open.push(p);
      }
      if (open.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`${topic}: partitions ${open.join(', ')} still have an open transaction after ${timeoutMs} ms\n${await context()}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Every record of the topic a reader with the guarantee sees, as parsed JSON values with their int keys. */
  async readAll(topic: string): Promise<{ key: number; value: Record<string, unknown> }[]> {
    const out: { key: number; value: Record<string, unknown> }[] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const end = await this.log.endOffset(topic, p);
      for (let offset = 0; offset < end; ) {
        const { records, next } = await this.log.read(topic, p, offset, 5000);
        for (const r of records) {
          if (r.offset >= end) break;
          out.push({ key: r.key!.readInt32BE(0), value: JSON.parse(r.value!.toString('utf8')) as Record<string, unknown> });
        }
        if (next === offset) break;
        offset = next;
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await this.log.close();
    await this.raw.close();
    await this.admin.disconnect();
  }
}
