// kafkajs's logger, reduced to what a Sluice user needs: by default nothing (failures reach the
// caller as exceptions), otherwise one line per entry on stderr instead of kafkajs's JSON blobs.
import type { KafkaLogLevel } from './options.js';

const LEVELS: Record<KafkaLogLevel, number> = { nothing: 0, error: 1, warn: 2, info: 4, debug: 5 };

export function kafkajsLevel(level: KafkaLogLevel): number {
  return LEVELS[level];
}

type Entry = { namespace: string; label: string; log: { message: string } };

export const lineLogCreator =
  () =>
  ({ namespace, label, log }: Entry): void => {
    process.stderr.write(`kafka ${label.toLowerCase()} [${namespace}] ${log.message}\n`);
  };
