// Kafka's default partitioning: keyed records go to toPositive(murmur2(key)) % partitions;
// keyless records are spread round-robin (Kafka's legacy DefaultPartitioner behaviour).
import { murmur2, toPositive } from './murmur2.js';

/** Per-topic counter for keyless records. */
export class RoundRobinCounter {
  private value = 0;

  next(): number {
    const v = this.value;
    this.value = toPositive(v + 1);
    return v;
  }
}

export function partitionFor(key: Buffer | null, partitions: number, roundRobin: RoundRobinCounter): number {
  // Kafka hashes an empty key (zero bytes); only an absent key goes round-robin.
  if (key === null) return roundRobin.next() % partitions;
  return keyedPartition(key, partitions);
}

/** The partition Kafka's default partitioner gives a record with this key. */
export function keyedPartition(key: Buffer, partitions: number): number {
  return toPositive(murmur2(key)) % partitions;
}
