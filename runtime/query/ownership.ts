// Scale-out (Kafka mode): which instance runs which of a persistent query's tasks. A task is
// one partition number across the query's co-partitioned inputs (Kafka Streams' task), and
// the consumer-group leader hands every member the whole map, so that any instance can send
// a pull query for a key to the instance that holds the key's state.

import type { StreamSource, TableSource } from '../../planner/steps.js';

export interface TaskOwnership {
  /** How many tasks the query has: the partition count of its inputs. */
  readonly partitions: number;
  /** Task → the advertised URL of the instance running it (this one included). Empty while rebalancing. */
  readonly owners: ReadonlyMap<number, string>;
  /** The tasks this instance runs now; the materialised table holds only their rows. */
  readonly local: ReadonlySet<number>;
  /** This instance's advertised URL. */
  readonly self: string;
  /**
   * The source whose topic's partitioning defines the tasks: a key's task is murmur2 of the
   * key's bytes in this source's key format, modulo `partitions` (Kafka's default partitioner).
   */
  readonly keySource: StreamSource | TableSource;
}
