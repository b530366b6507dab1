import { afterAll, describe, expect, it } from 'vitest';
import { expandTest } from './loader.js';
import { closeEngines, runCase } from './run-case.js';

function filterCase(outputs: unknown[], extra: Record<string, unknown> = {}) {
  return expandTest('synthetic.json', {
    name: 'filter',
    statements: [
      "CREATE STREAM src (id INT KEY, v STRING) WITH (kafka_topic='src', value_format='JSON');",
      'CREATE STREAM dst AS SELECT id, v FROM src WHERE id > 1;',
    ],
    inputs: [
      { topic: 'src', key: 1, value: { v: 'a' }, timestamp: 10 },
      { topic: 'src', key: 2, value: { v: 'b' }, timestamp: 20 },
    ],
    outputs,
    ...extra,
  })[0]!;
}

afterAll(closeEngines);

describe('runCase', () => {
  it('passes when the outputs and post-conditions match', async () => {
    const c = filterCase([{ topic: 'DST', key: 2, value: { V: 'b' }, timestamp: 20 }], {
      post: { sources: [{ name: 'DST', type: 'stream', schema: 'ID INT KEY, V STRING' }] },
    });
    expect(await runCase(c)).toEqual({ status: 'passed' });
  });

  it('fails with the first difference', async () => {
    const c = filterCase([{ topic: 'DST', key: 2, value: { V: 'c' } }]);
    expect(await runCase(c)).toMatchObject({ status: 'failed', reason: 'topic DST record 0: value {"V":"b"} != {"V":"c"} (at V)' });
    const post = filterCase([{ topic: 'DST', key: 2, value: { V: 'b' } }], { post: { sources: [{ name: 'DST', type: 'table' }] } });
    expect(await runCase(post)).toMatchObject({ status: 'failed', reason: 'post: source DST is a STREAM, expected TABLE' });
  });

  it('passes an expected exception only when a statement is rejected', async () => {
    const rejected = expandTest('synthetic.json', {
      name: 'bad',
      statements: ['CREATE STREAM nope AS SELECT * FROM missing;'],
      expectedException: { type: 'x', message: 'missing' },
    })[0]!;
    expect((await runCase(rejected)).status).toBe('passed');
    const accepted = filterCase([], { expectedException: { type: 'x', message: 'whatever' } });
    expect(await runCase(accepted)).toEqual({ status: 'failed', reason: 'expected exception, but all statements succeeded' });
  });

  it('turns a slow case into a timeout', async () => {
    const c = filterCase([{ topic: 'DST', key: 2, value: { V: 'b' } }]);
    expect(await runCase(c, 0)).toEqual({ status: 'failed', reason: 'timeout' });
  });
});
