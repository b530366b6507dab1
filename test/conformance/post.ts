// A case's `post` checks against the engine's catalog and log after the inputs ran.

import type { SourceInfo } from '../../runtime/engine/api.js';
import type { Log } from '../../runtime/log/log.js';
import type { QttPost } from './loader.js';
import { canonicalSchema, schemaOfColumns } from './schema-text.js';

/** Undefined when every post-condition holds, else the first that doesn't. */
export async function checkPost(post: QttPost, sources: readonly SourceInfo[], log: Log): Promise<string | undefined> {
  for (const expected of post.sources) {
    const actual = sources.find((s) => s.name === expected.name);
    if (actual === undefined) return `post: source ${expected.name} does not exist`;
    if (actual.type !== expected.type.toUpperCase()) {
      return `post: source ${expected.name} is a ${actual.type}, expected ${expected.type.toUpperCase()}`;
    }
    if (expected.keyFormat !== undefined && actual.keyFormat !== expected.keyFormat) {
      return `post: source ${expected.name} key format ${actual.keyFormat} != ${expected.keyFormat}`;
    }
    if (expected.valueFormat !== undefined && actual.valueFormat !== expected.valueFormat) {
      return `post: source ${expected.name} value format ${actual.valueFormat} != ${expected.valueFormat}`;
    }
    if (expected.isSource !== undefined && actual.isSource !== expected.isSource) {
      return `post: source ${expected.name} isSource ${actual.isSource} != ${expected.isSource}`;
    }
    if (expected.schema !== undefined) {
      const want = canonicalSchema(expected.schema);
      const got = canonicalSchema(schemaOfColumns(actual.columns));
      if (want !== got) return `post: source ${expected.name} schema ${got} != ${want}`;
    }
  }
  for (const expected of post.topics) {
    const info = await log.describeTopic(expected.name);
    if (info === undefined) return `post: topic ${expected.name} does not exist`;
    if (expected.partitions !== undefined && info.partitions !== expected.partitions) {
      return `post: topic ${expected.name} has ${info.partitions} partitions, expected ${expected.partitions}`;
    }
    const over = sources.find((s) => s.topic === expected.name);
    if (over !== undefined && expected.keyFormat !== undefined && over.keyFormat !== expected.keyFormat) {
      return `post: topic ${expected.name} key format ${over.keyFormat} != ${expected.keyFormat}`;
    }
    if (over !== undefined && expected.valueFormat !== undefined && over.valueFormat !== expected.valueFormat) {
      return `post: topic ${expected.name} value format ${over.valueFormat} != ${expected.valueFormat}`;
    }
  }
  if (post.blacklist !== undefined) {
    const banned = new RegExp(`^(?:${post.blacklist})$`);
    const hit = (await log.listTopics()).find((t) => banned.test(t.name));
    if (hit !== undefined) return `post: topic ${hit.name} matches blacklist ${post.blacklist}`;
  }
  return undefined;
}
