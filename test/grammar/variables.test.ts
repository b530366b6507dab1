import { describe, it, expect } from 'vitest';
import { parseStatement, SqlSyntaxError, substituteVariables } from '../../grammar/index.js';

const vars = new Map([
  ['topicName', 'orders'],
  ['FORMAT', 'JSON'],
  ['replicas', '3'],
]);

describe('substituteVariables', () => {
  it('replaces references everywhere but in comments, matching names case-insensitively', () => {
    const sql = "CREATE STREAM ${TOPICNAME} WITH (kafka_topic='${topicname}', format='${format}', replicas=${replicas}) -- ${nope}";
    expect(substituteVariables(sql, vars)).toBe(
      "CREATE STREAM orders WITH (kafka_topic='orders', format='JSON', replicas=3) -- ${nope}",
    );
    expect(substituteVariables('SELECT `${format}` /* ${nope} */ FROM s', vars)).toBe('SELECT `JSON` /* ${nope} */ FROM s');
  });

  it('leaves text that is not a reference alone', () => {
    expect(substituteVariables("SELECT '$5', '${', '${1x}' FROM s", vars)).toBe("SELECT '$5', '${', '${1x}' FROM s");
  });

  it('feeds the parser', () => {
    const stmt = parseStatement(substituteVariables("CREATE STREAM s (id INT) WITH (kafka_topic='${topicName}')", vars));
    expect(stmt).toMatchObject({ kind: 'CreateSource', properties: [{ name: 'KAFKA_TOPIC', value: 'orders' }] });
  });

  it('reports an undefined variable at its position', () => {
    let error: unknown;
    try {
      substituteVariables("SHOW STREAMS;\nSELECT * FROM '${missing}'", vars);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SqlSyntaxError);
    expect((error as SqlSyntaxError).message).toBe("line 2:16: undefined variable 'missing'");
    expect(() => substituteVariables('x ${y}', vars, { offset: 10, line: 3, column: 4 })).toThrow('line 3:6: undefined variable');
  });
});
