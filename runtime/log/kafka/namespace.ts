// A KafkaLog's namespace: a prefix on every topic and consumer group it touches, invisible to
// its callers. Several logical logs then share one cluster without seeing each other's topics
// (the conformance runner gives each case one, so cases that all name their topic 'test_topic'
// can run against the same broker). Without a prefix every mapping is the identity.
import { TopicExistsError, UnknownTopicError, type LogRecord, type Position, type TopicInfo } from '../log.js';

export class Namespace {
  constructor(private readonly prefix: string) {}

  get empty(): boolean {
    return this.prefix === '';
  }

  /** The cluster's name for a caller's topic or group. */
  outer(name: string): string {
    return this.prefix + name;
  }

  owns(outerName: string): boolean {
    return outerName.startsWith(this.prefix);
  }

  inner(outerName: string): string {
    return outerName.slice(this.prefix.length);
  }

  records(records: readonly LogRecord[]): readonly LogRecord[] {
    if (this.empty) return records;
    return records.map((r) => ({ ...r, topic: this.inner(r.topic) }));
  }

  info(info: TopicInfo): TopicInfo {
    return this.empty ? info : { ...info, name: this.inner(info.name) };
  }

  outerPositions(positions: readonly Position[]): readonly Position[] {
    return this.empty ? positions : positions.map((p) => ({ ...p, topic: this.outer(p.topic) }));
  }

  innerPositions(positions: readonly Position[]): readonly Position[] {
    return this.empty ? positions : positions.filter((p) => this.owns(p.topic)).map((p) => ({ ...p, topic: this.inner(p.topic) }));
  }

  /** Errors name topics as the caller knows them. */
  error(e: unknown): unknown {
    if (this.empty || !(e instanceof UnknownTopicError || e instanceof TopicExistsError || e instanceof RangeError)) return e;
    e.message = e.message.split(this.prefix).join('');
    return e;
  }
}
