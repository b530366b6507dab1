// A group member in a process of its own, for the SIGKILL test (kafka-group.test.ts): joins the
// group and prints each assignment as a JSON line, until killed.
//   kafka-group-child.ts '{"brokers": [...], "group": "...", "topic": "...", "sessionTimeoutMs": 6000}'
import { KafkaLog } from '../../runtime/log/kafka/kafka-log.js';

const { brokers, group, topic, sessionTimeoutMs } = JSON.parse(process.argv[2]!) as {
  brokers: string[];
  group: string;
  topic: string;
  sessionTimeoutMs: number;
};
const log = await KafkaLog.connect({ brokers, clientId: 'group-child' });
await log.joinGroup(
  group,
  [topic],
  {
    onAssigned: (partitions) => console.log(JSON.stringify({ assigned: partitions.map((p) => p.partition) })),
    onRevoked: (partitions) => console.log(JSON.stringify({ revoked: partitions.map((p) => p.partition) })),
  },
  { sessionTimeoutMs, heartbeatIntervalMs: 300 },
);
setInterval(() => {}, 1_000);
