// `sluice --kafka`: the command in Kafka mode, as a user runs it. Two processes with the same
// service id share the catalog through the command topic; kafkajs options come from a file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kafkaSkipReason, reportSkipped, sharedCluster, type KafkaCluster } from './broker.js';

const BIN = join(import.meta.dirname, '../../bin/sluice.js');

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

function sluice(args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, input: '' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('sluice --kafka', () => {
  it('refuses Kafka-only options without --kafka', () => {
    const r = sluice(['--service-id', 'x', '-e', 'SHOW STREAMS;'], mkdtempSync(join(tmpdir(), 'sluice-cli-kafka-')));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('add --kafka HOST:PORT');
  });

  describe.skipIf(skip !== undefined)('against a broker', () => {
    let cluster: KafkaCluster;
    beforeAll(async () => {
      cluster = await sharedCluster();
    });

    it('keeps the catalog in the service’s command topic and its state under --data', () => {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-kafka-'));
      // A namespace keeps this run's topics apart from other tests on the shared broker.
      writeFileSync(join(dir, 'kafka.json'), JSON.stringify({ namespace: `cli-${Date.now().toString(36)}.`, clientId: 'cli-test' }));
      const kafka = ['--kafka', cluster.bootstrap, '--kafka-config', 'kafka.json', '--service-id', 'cli'];
      const first = sluice(
        [
          ...kafka,
          '--data',
          'one',
          '-e',
          "CREATE STREAM views (id INT KEY, page STRING) WITH (kafka_topic='views', partitions=1, value_format='JSON');" +
            "CREATE TABLE per_page AS SELECT page, COUNT(*) AS n FROM views GROUP BY page;" +
            "INSERT INTO views (id, page) VALUES (1, '/home');",
        ],
        dir,
      );
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      expect(existsSync(join(dir, 'one', 'state-cli.db'))).toBe(true);

      const second = sluice([...kafka, '--data', 'two', '--output', 'json', '-e', 'SHOW QUERIES; SELECT * FROM views;'], dir);
      expect(second.stderr).toBe('');
      expect(second.status).toBe(0);
      expect(second.stdout).toContain('CTAS_PER_PAGE_0');
      expect(second.stdout).toContain('/home');
      expect(existsSync(join(dir, 'two', 'state-cli.db'))).toBe(true);
    });
  });
});
