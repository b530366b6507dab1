// Runs one ksqlDB test case on a fresh Engine, reproducing ksqlDB's harness:
// topics first, statements one by one, inputs piped one at a time in file order with the
// engine drained after each, then outputs compared topic by topic and post-conditions checked.
// Whatever the engine throws becomes a failed case; the runner itself never crashes.
//
// The engine is embedded and in memory, or (--log kafka) on a Kafka broker with its local state
// in memory. Cases name fixed topics ('test_topic', 'OUTPUT'), so on Kafka each case's log gets
// a namespace of its own (a prefix on every topic and group it touches, invisible to it), and
// its topics are deleted once it is done.

import { Engine } from '../../runtime/engine/engine.js';
import type { EngineOptions, SourceInfo } from '../../runtime/engine/api.js';
import { KafkaLog } from '../../runtime/log/kafka/kafka-log.js';
import { TopicExistsError, type Log, type LogRecord } from '../../runtime/log/log.js';
import { keyColumns, payloadColumns } from '../../planner/catalog.js';
import { decodeOutput, encodeInput } from './codec.js';
import { diffTopic, rowType, show, type ActualRecord } from './compare.js';
import type { QttCase } from './loader.js';
import { checkPost } from './post.js';
import { topicsToCreate } from './topics.js';

export interface CaseOutcome {
  readonly status: 'passed' | 'failed';
  /** Why it failed: one short line. */
  readonly reason?: string;
  /** Longer context for --verbose: the records of the failing topic, side by side. */
  readonly detail?: readonly string[];
  /** Passed, but worth knowing (e.g. rejected with a different message than ksqlDB's). */
  readonly note?: string;
}

export const DEFAULT_CASE_TIMEOUT_MS = 10_000;

const UNSUPPORTED_YET = /\bnot supported yet\b/i;

const TIMED_OUT: CaseOutcome = { status: 'failed', reason: 'timeout' };

/** Thrown (as the TIMED_OUT value itself) when a case runs past its deadline. */
export function checkDeadline(deadline: number): void {
  if (Date.now() >= deadline) throw TIMED_OUT;
}

/**
 * Settings of ksqlDB's harness (TestExecutor.BASE_CONFIG) that change results: queries read
 * from the earliest offset, and record caching is off so every intermediate update is emitted.
 */
export const HARNESS_PROPERTIES: Readonly<Record<string, string>> = {
  'auto.offset.reset': 'earliest',
  'cache.max.bytes.buffering': '0',
};

/** Where a case's engine runs. */
export type LogTarget =
  | { readonly kind: 'embedded'; readonly repartitionTopics?: boolean }
  | { readonly kind: 'kafka'; readonly brokers: readonly string[]; readonly guarantee?: 'at_least_once' | 'exactly_once_v2' };

export const EMBEDDED: LogTarget = { kind: 'embedded' };

/** Kafka round trips make a case slower than in memory. */
export const KAFKA_CASE_TIMEOUT_MS = 30_000;

export async function runCase(c: QttCase, timeoutMs = DEFAULT_CASE_TIMEOUT_MS, target: LogTarget = EMBEDDED): Promise<CaseOutcome> {
  return runWithEngine(
    { ...HARNESS_PROPERTIES, ...c.properties },
    timeoutMs,
    (engine, deadline) => execute(engine, c, deadline),
    target,
  );
}

let namespaces = 0;
const RUN_ID = `${process.pid.toString(36)}${Date.now().toString(36)}`;

function engineOptions(target: LogTarget, properties: Readonly<Record<string, string>>): { options: EngineOptions; namespace?: string } {
  switch (target.kind) {
    case 'embedded':
      return { options: { memory: true, properties, ...(target.repartitionTopics ? { repartitionTopics: true } : {}) } };
    case 'kafka': {
      const namespace = `qtt-${RUN_ID}-${namespaces++}.`;
      const withGuarantee = target.guarantee ? { ...properties, 'processing.guarantee': target.guarantee } : properties;
      return { options: { kafka: { brokers: target.brokers, namespace }, memory: true, properties: withGuarantee }, namespace };
    }
  }
}

/**
 * Runs `body` on a fresh in-memory Engine with the given properties, within `timeoutMs`.
 * Whatever the engine throws becomes a failed outcome.
 */
export async function runWithEngine(
  properties: Readonly<Record<string, string>>,
  timeoutMs: number,
  body: (engine: Engine, deadline: number) => Promise<CaseOutcome>,
  target: LogTarget = EMBEDDED,
): Promise<CaseOutcome> {
  let engine: Engine;
  const { options, namespace } = engineOptions(target, properties);
  try {
    engine = new Engine(options);
  } catch (e) {
    return { status: 'failed', reason: `engine failed to start: ${message(e)}` };
  }
  // Two guards: the timer catches an engine that waits forever, and the deadline checked
  // between steps catches one that keeps the event loop busy, which starves the timer. An
  // engine that spins inside one call can't be stopped in-process.
  const deadline = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CaseOutcome>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  try {
    const run = body(engine, deadline).catch((e: unknown): CaseOutcome =>
      e === TIMED_OUT
        ? TIMED_OUT
        : { status: 'failed', reason: `engine error: ${message(e)}`, ...(e instanceof Error && e.stack ? { detail: e.stack.split('\n') } : {}) },
    );
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
    // Closing waits for each query's poll loop to notice, so engines close in the background
    // while the next case runs; a hung or broken engine is given up on after 2 s.
    const closed = Promise.race([engine.close().catch(() => undefined), delay(2_000)]);
    const done: Promise<void> = closed
      .then(() => (namespace !== undefined && target.kind === 'kafka' ? deleteNamespace(target.brokers, namespace) : undefined))
      .catch(() => undefined)
      .then(() => {
        closing.delete(done);
      });
    closing.add(done);
  }
}

const closing = new Set<Promise<void>>();

/** Resolves once every engine that runCase started has closed (or been given up on). */
export async function closeEngines(): Promise<void> {
  await Promise.all([...closing]);
  const admin = admins;
  admins = undefined;
  await (await admin)?.close();
}

/** One connection per run, outside any namespace, for deleting the cases' topics. */
let admins: Promise<KafkaLog> | undefined;

async function deleteNamespace(brokers: readonly string[], namespace: string): Promise<void> {
  admins ??= KafkaLog.connect({ brokers, clientId: 'sluice-conformance-admin' });
  const admin = await admins;
  const topics = (await admin.listTopics()).filter((t) => t.name.startsWith(namespace));
  await Promise.all(topics.map((t) => admin.deleteTopic(t.name).catch(() => undefined)));
}

/** Creates the topics the case needs before its statements run (see topics.ts). */
export async function createCaseTopics(log: Log, c: QttCase, defaultPartitions = 1): Promise<void> {
  for (const [name, partitions] of topicsToCreate(c, defaultPartitions)) {
    try {
      await log.createTopic(name, { partitions });
    } catch (e) {
      if (!(e instanceof TopicExistsError)) throw e;
    }
  }
}

/**
 * The outcome of a case that expects statement `index` (0-based) to be rejected, given the
 * error it was rejected with.
 */
export function judgeRejection(expectedMessage: string | undefined, e: unknown, index: number): CaseOutcome {
  const actual = message(e);
  // Sluice says "… is not supported yet" for a feature it lacks (ksqlDB never does): that
  // is not the rejection the case expects, so it must not count as conformance.
  if (UNSUPPORTED_YET.test(actual)) {
    return { status: 'failed', reason: `statement ${index + 1} rejected as unsupported: ${firstLine(actual)}` };
  }
  // ksqlDB's harness checks the message too, but Sluice's wording may differ; the README
  // makes the message optional, so a different one is only noted.
  const note =
    expectedMessage !== undefined && !actual.includes(expectedMessage)
      ? `rejected by statement ${index + 1} with: ${firstLine(actual)}; ksqlDB says: ${firstLine(expectedMessage)}`
      : undefined;
  return note === undefined ? { status: 'passed' } : { status: 'passed', note };
}

async function execute(engine: Engine, c: QttCase, deadline: number): Promise<CaseOutcome> {
  const log = await engine.log();
  await createCaseTopics(log, c);

  for (let i = 0; i < c.statements.length; i++) {
    checkDeadline(deadline);
    try {
      await engine.execute(c.statements[i]!);
    } catch (e) {
      if (c.expectedException === undefined) {
        return { status: 'failed', reason: `statement ${i + 1} rejected: ${firstLine(message(e))}` };
      }
      return judgeRejection(c.expectedException.message, e, i);
    }
  }
  if (c.expectedException !== undefined) {
    return { status: 'failed', reason: 'expected exception, but all statements succeeded' };
  }

  const outputTopics = [...new Set(c.outputs.map((r) => r.topic))];
  const collector = new OutputCollector(log, outputTopics);
  // INSERT ... VALUES statements may already have produced records.
  await engine.drain();
  await collector.collect();

  const sources = engine.sources();
  for (let i = 0; i < c.inputs.length; i++) {
    checkDeadline(deadline);
    const failure = await produceInput(log, c, i, sources);
    if (failure !== undefined) return { status: 'failed', reason: failure };
    await engine.drain();
    await collector.collect();
  }

  checkDeadline(deadline);
  const latestSources = engine.sources();
  for (const topic of outputTopics) {
    const outcome = compareTopic(c, topic, collector.records(topic), latestSources);
    if (outcome !== undefined) return outcome;
  }

  if (c.post !== undefined) {
    const postFailure = await checkPost(c.post, latestSources, log);
    if (postFailure !== undefined) return { status: 'failed', reason: postFailure };
  }
  return { status: 'passed' };
}

/**
 * Produces input `i` of the case, serialised for the first catalog source over its topic;
 * a failure reason when it can't be serialised.
 */
export async function produceInput(log: Log, c: QttCase, i: number, sources: readonly SourceInfo[]): Promise<string | undefined> {
  const rec = c.inputs[i]!;
  const source = sources.find((s) => s.topic === rec.topic);
  let producerRecord;
  try {
    producerRecord = encodeInput(rec, source, c.topics.find((t) => t.name === rec.topic));
  } catch (e) {
    return `input ${i}: cannot serialise: ${message(e)}`;
  }
  await log.produce(rec.topic, [producerRecord]);
  return undefined;
}

export function compareTopic(
  c: QttCase,
  topic: string,
  raw: readonly LogRecord[],
  sources: readonly SourceInfo[],
): CaseOutcome | undefined {
  const expected = c.outputs.filter((r) => r.topic === topic);
  // As ksqlDB's TopicInfoCache: any source over the topic tells how to read it; the first wins.
  const sink = sources.find((s) => s.topic === topic);
  if (sink === undefined) {
    return {
      status: 'failed',
      reason:
        raw.length !== expected.length
          ? `topic ${topic}: expected ${expected.length} records, got ${raw.length}`
          : `topic ${topic}: no source over this topic to decode it`,
    };
  }
  const actual: ActualRecord[] = [];
  for (let i = 0; i < raw.length; i++) {
    try {
      actual.push(decodeOutput(raw[i]!, sink));
    } catch (e) {
      return { status: 'failed', reason: `topic ${topic} record ${i}: cannot decode: ${message(e)}` };
    }
  }
  const types = { key: rowType(keyColumns(sink)), value: rowType(payloadColumns(sink)) };
  const reason = diffTopic(topic, expected, actual, types, c.inputs.length === 0);
  if (reason === undefined) return undefined;
  const detail = [
    `topic ${topic} expected:`,
    ...expected.map((r) => `  ${show(r.key)} ${r.window ? `[${r.window.start},${r.window.end}) ` : ''}=> ${show(r.value)}${r.timestamp !== undefined ? ` @${r.timestamp}` : ''}`),
    `topic ${topic} actual:`,
    ...actual.map((r) => `  ${show(r.key)} ${r.window ? `[${r.window.start},${r.window.end}) ` : ''}=> ${show(r.value)} @${r.timestamp}`),
  ];
  return { status: 'failed', reason, detail };
}

/**
 * Reads the output topics after each drain, so records keep the order they were produced in
 * even when a topic has several partitions (within one drain: partition, then offset).
 */
export class OutputCollector {
  private readonly positions = new Map<string, number[]>();
  private readonly collected = new Map<string, LogRecord[]>();

  constructor(
    private readonly log: Log,
    private readonly topics: readonly string[],
  ) {}

  async collect(): Promise<void> {
    for (const topic of this.topics) {
      const info = await this.log.describeTopic(topic);
      if (info === undefined) continue;
      const positions = this.positions.get(topic) ?? [];
      const records = this.collected.get(topic) ?? [];
      for (let p = 0; p < info.partitions; p++) {
        let offset = positions[p] ?? 0;
        for (;;) {
          const batch = await this.log.fetch(topic, p, offset, 1_000);
          if (batch.length === 0) break;
          records.push(...batch);
          offset = batch[batch.length - 1]!.offset + 1;
        }
        positions[p] = offset;
      }
      this.positions.set(topic, positions);
      this.collected.set(topic, records);
    }
  }

  records(topic: string): readonly LogRecord[] {
    return this.collected.get(topic) ?? [];
  }
}

export function message(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export function firstLine(text: string): string {
  const line = text.split('\n', 1)[0]!;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
