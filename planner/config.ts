// The subset of ksqlDB configuration the planner reads. The engine builds it from its
// properties (server config overlaid with SET session properties).

import type { FormatName } from './formats.js';

export interface PlannerConfig {
  /** ksql.persistence.default.format.key (default KAFKA). */
  readonly defaultKeyFormat: FormatName;
  /** ksql.persistence.default.format.value (no default). */
  readonly defaultValueFormat: FormatName | undefined;
  /** ksql.persistence.wrap.single.values (default true). */
  readonly wrapSingleValues: boolean;
  /** ksql.output.topic.name.prefix (default ''). */
  readonly outputTopicPrefix: string;
}

export function plannerConfig(props: Readonly<Record<string, string>>): PlannerConfig {
  const fmt = (v: string | undefined) => (v ? (v.toUpperCase() as FormatName) : undefined);
  return {
    defaultKeyFormat: fmt(props['ksql.persistence.default.format.key']) ?? 'KAFKA',
    defaultValueFormat: fmt(props['ksql.persistence.default.format.value']),
    wrapSingleValues: (props['ksql.persistence.wrap.single.values'] ?? 'true').toLowerCase() !== 'false',
    outputTopicPrefix: props['ksql.output.topic.name.prefix'] ?? '',
  };
}
