// A separate process for the embedded log's lock and crash tests (run by embedded.test.ts):
//   open DIR    try to open DIR, print {"ok":true} or {"error":name,"message":...} and exit
//   hold DIR    open DIR, print "ready", and keep it open until killed
//   append DIR  commit batches forever, printing each committed end offset after the commit
import { EmbeddedLog } from '../../runtime/log/embedded/embedded-log.js';

const [mode, dir] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: embedded-child.ts open|hold|append DIR');

switch (mode) {
  case 'open': {
    try {
      const log = EmbeddedLog.open({ dataDir: dir });
      await log.close();
      console.log(JSON.stringify({ ok: true }));
    } catch (err) {
      console.log(JSON.stringify({ error: (err as Error).name, message: (err as Error).message }));
    }
    break;
  }
  case 'hold': {
    EmbeddedLog.open({ dataDir: dir });
    console.log('ready');
    setInterval(() => {}, 1_000);
    break;
  }
  case 'append': {
    const log = EmbeddedLog.open({ dataDir: dir });
    if ((await log.describeTopic('crash')) === undefined) await log.createTopic('crash', { partitions: 1 });
    for (let offset = await log.endOffset('crash', 0); ; ) {
      const records = Array.from({ length: 50 }, (_, i) => ({
        partition: 0,
        timestamp: offset + i,
        key: null,
        value: Buffer.from(`value-${offset + i}`),
      }));
      const appended = await log.commit({
        groupId: 'crash-group',
        outputs: [{ topic: 'crash', records }],
        positions: [{ topic: 'crash', partition: 0, offset: offset + records.length }],
      });
      offset = appended[appended.length - 1]!.offset + 1;
      // Printed only after commit() returned: every number seen by the parent is durable.
      process.stdout.write(`${offset}\n`);
    }
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
