// Kafka's topic name rules (org.apache.kafka.common.internals.Topic.validate), enforced in
// embedded mode too so that a script that works embedded also works against a broker.
const LEGAL = /^[a-zA-Z0-9._-]+$/;
const MAX_LENGTH = 249;

export function checkTopicName(name: string): void {
  if (name === '' || name === '.' || name === '..') throw new Error(`illegal topic name '${name}'`);
  if (name.length > MAX_LENGTH) throw new Error(`topic name '${name}' is longer than ${MAX_LENGTH} characters`);
  if (!LEGAL.test(name)) {
    throw new Error(`topic name '${name}' is illegal: it may contain only ASCII letters, digits, '.', '_' and '-'`);
  }
}
