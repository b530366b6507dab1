// The Kafka-mode benchmark's id in `npm run bench --query …`: `kafka`. It is split off before
// the HTTP ids and the rest (http-select.ts, queries.ts), so that `--query kafka` runs only it.

export const KAFKA_BENCHMARK = 'kafka';

export interface KafkaSelection {
  readonly kafka: boolean;
  /** The other ids; undefined when none were asked for (all of them). */
  readonly rest: readonly string[] | undefined;
  /** Only the Kafka benchmark was asked for: none of the others run. */
  readonly onlyKafka: boolean;
}

export function selectKafka(requested: readonly string[] | undefined): KafkaSelection {
  const ids = (requested ?? []).flatMap((r) => r.split(',')).map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (ids.length === 0) return { kafka: true, rest: undefined, onlyKafka: false };
  const rest = ids.filter((id) => id !== KAFKA_BENCHMARK);
  return { kafka: rest.length < ids.length, rest, onlyKafka: rest.length === 0 };
}
