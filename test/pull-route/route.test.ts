// Route decisions for pull queries in scale-out: local, forward to the key's owner, gather
// from every owner, unavailable while rebalancing, or refused when partial answers cannot be
// merged. Ownership is given as data (four tasks, two instances); the tasks of keys come from
// keyTask, which key-task.test.ts checks against the log's own partitioning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStatement } from '../../grammar/index.js';
import type { Catalog } from '../../planner/catalog.js';
import { SemanticError } from '../../planner/errors.js';
import type { TableSource } from '../../planner/steps.js';
import { Engine } from '../../runtime/engine/engine.js';
import { keyTask, routePull, stillOwned, widenedPage, type PullRoute } from '../../runtime/engine/statements/pull-route.js';
import type { TaskOwnership } from '../../runtime/query/ownership.js';
import { catalogOf, tableSource } from './fixtures.js';

const A = 'http://a:1';
const B = 'http://b:2';
const C = 'http://c:3';
const TASKS = 4;

let engine: Engine;
let catalog: Catalog;
let users: TableSource;
let big: TableSource;

beforeAll(async () => {
  engine = new Engine({ memory: true });
  await engine.execute(`
    CREATE TABLE USERS (ID INT PRIMARY KEY, NAME STRING, AGE INT) WITH (kafka_topic='users', partitions=${TASKS}, value_format='JSON');
    CREATE TABLE BIG (ID BIGINT PRIMARY KEY, V STRING) WITH (kafka_topic='big', partitions=${TASKS}, value_format='JSON');
    CREATE TABLE OTHER (ID INT PRIMARY KEY, X STRING) WITH (kafka_topic='other', partitions=${TASKS}, value_format='JSON');
    CREATE STREAM EVENTS (ID INT KEY, V STRING) WITH (kafka_topic='events', partitions=${TASKS}, value_format='JSON');
  `);
  catalog = catalogOf(engine);
  users = tableSource(engine, 'USERS');
  big = tableSource(engine, 'BIG');
});
afterAll(() => engine.close());

/** Tasks 0 and 2 run here (A), 1 and 3 on B. */
function split(keySource: TableSource, owners: Record<number, string> = { 0: A, 1: B, 2: A, 3: B }, local = [0, 2]): TaskOwnership {
  return { partitions: TASKS, owners: new Map(Object.entries(owners).map(([t, u]) => [Number(t), u])), local: new Set(local), self: A, keySource };
}

/** Small keys whose task is `task`. */
function keysIn(keySource: TableSource, task: number, n = 2): number[] {
  const out: number[] = [];
  for (let k = 0; out.length < n; k++) if (keyTask(keySource, [keySource === big ? BigInt(k) : k], TASKS) === task) out.push(k);
  return out;
}

function parsedQuery(sql: string) {
  const stmt = parseStatement(sql);
  if (stmt.kind !== 'QueryStatement') throw new Error('not a query');
  return stmt.query;
}

function route(sql: string, ownership: (t: string) => TaskOwnership | undefined = (t) => (t === 'USERS' ? split(users) : undefined)): PullRoute {
  const stmt = parseStatement(sql);
  if (stmt.kind !== 'QueryStatement') throw new Error('not a query');
  return routePull(stmt, catalog, ownership, sql);
}

describe('pull-query routes', () => {
  it('answers here when nothing is scaled out, or every task runs here', () => {
    expect(route('SELECT * FROM USERS;', () => undefined)).toEqual({ kind: 'local' });
    expect(route('SELECT * FROM USERS;', () => split(users, { 0: A, 1: A, 2: A, 3: A }, [0, 1, 2, 3]))).toEqual({ kind: 'local' });
  });

  it('answers a key lookup here when its task runs here, and forwards it to the owner otherwise', () => {
    const [here] = keysIn(users, 2);
    const [there] = keysIn(users, 3);
    expect(route(`SELECT * FROM USERS WHERE ID = ${here};`)).toEqual({ kind: 'local' });
    expect(route(`SELECT * FROM USERS WHERE ID = ${there};`)).toEqual({ kind: 'forward', url: B, tasks: [3] });
    expect(route(`SELECT NAME FROM USERS WHERE ${there} = ID AND AGE > 3;`)).toEqual({ kind: 'forward', url: B, tasks: [3] });
  });

  it('forwards an IN list whose keys all live on one other instance, gathers one spread over several', () => {
    const [b1, b3] = [keysIn(users, 1)[0], keysIn(users, 3)[0]];
    const [a0] = keysIn(users, 0);
    expect(route(`SELECT * FROM USERS WHERE ID IN (${b1}, ${b3});`)).toEqual({ kind: 'forward', url: B, tasks: [1, 3] });
    expect(route(`SELECT * FROM USERS WHERE ID IN (${a0}, ${b3});`)).toEqual({ kind: 'gather', from: [{ url: B, tasks: [3] }], limit: undefined });
  });

  it('gathers a scan from every other owner, keeping its LIMIT for after the merge', () => {
    const three = (t: string) => (t === 'USERS' ? split(users, { 0: A, 1: B, 2: C, 3: B }, [0]) : undefined);
    expect(route('SELECT * FROM USERS WHERE AGE > 3 LIMIT 5;', three)).toEqual({
      kind: 'gather',
      from: [
        { url: B, tasks: [1, 3] },
        { url: C, tasks: [2] },
      ],
      limit: 5,
    });
    // Not a lookup: a range, an OR, a NOT IN.
    const [a0] = keysIn(users, 0);
    expect(route(`SELECT * FROM USERS WHERE ID > ${a0};`).kind).toBe('gather');
    expect(route(`SELECT * FROM USERS WHERE ID = ${a0} OR AGE = 1;`).kind).toBe('gather');
    expect(route(`SELECT * FROM USERS WHERE ID NOT IN (${a0});`).kind).toBe('gather');
  });

  it('reads an INT literal as a BIGINT key, and a literal of another type as no lookup at all', () => {
    const owned = (t: string) => (t === 'BIG' ? split(big) : undefined);
    const [b] = keysIn(big, 1);
    const [a] = keysIn(big, 2);
    expect(route(`SELECT * FROM BIG WHERE ID = ${b};`, owned)).toEqual({ kind: 'forward', url: B, tasks: [1] });
    expect(route(`SELECT * FROM BIG WHERE ID = ${a};`, owned)).toEqual({ kind: 'local' });
    expect(route(`SELECT * FROM BIG WHERE ID = ${a}.0;`, owned).kind).toBe('gather');
  });

  it('lets the owner of a key do everything a local query can: ORDER BY, OFFSET, aggregates', () => {
    const [b] = keysIn(users, 1);
    expect(route(`SELECT * FROM USERS WHERE ID = ${b} ORDER BY AGE LIMIT 1 OFFSET 0;`)).toMatchObject({ kind: 'forward', url: B });
    expect(route(`SELECT AGE, COUNT(*) FROM USERS WHERE ID = ${b} GROUP BY AGE;`)).toMatchObject({ kind: 'forward', url: B });
  });

  it('refuses what partial answers cannot be merged into, with the statement position', () => {
    const refused = (sql: string): SemanticError => {
      try {
        route(sql);
      } catch (e) {
        return e as SemanticError;
      }
      throw new Error(`not refused: ${sql}`);
    };
    for (const sql of [
      'SELECT AGE, COUNT(*) FROM USERS GROUP BY AGE;',
      'SELECT * FROM USERS U JOIN OTHER O ON U.ID = O.ID;',
    ]) {
      const e = refused(sql);
      expect(e).toBeInstanceOf(SemanticError);
      expect(e.message).toMatch(/not supported across instances yet/);
      expect(e.span?.start).toMatchObject({ line: 1, column: 1 });
    }
  });

  it('gathers an OFFSET: each part answers without it, LIMIT widened, and the merge pages', () => {
    const r = route('SELECT NAME, AGE FROM USERS ORDER BY AGE LIMIT 2 OFFSET 3;');
    expect(r).toMatchObject({ kind: 'gather', limit: 2, paged: { sql: 'SELECT NAME, AGE FROM USERS ORDER BY AGE LIMIT 5 ;', offset: 3 } });
    if (r.kind !== 'gather' || r.order === undefined) throw new Error('no ordering');
    // The merge sorts, skips the offset, then takes the limit.
    const rows = [5, 1, 4, 2, 6, 3, 7].map((age) => [`n${age}`, age]);
    expect(r.order(rows)).toEqual([
      ['n4', 4],
      ['n5', 5],
    ]);
    expect(route('SELECT * FROM USERS LIMIT 1 OFFSET 4;')).toMatchObject({ kind: 'gather', limit: 1, paged: { sql: 'SELECT * FROM USERS LIMIT 5 ;', offset: 4 } });
    // A page given by variables is not rewritten (the route then refuses it).
    expect(widenedPage('SELECT * FROM USERS LIMIT ${n} OFFSET 1;', parsedQuery('SELECT * FROM USERS LIMIT 2 OFFSET 1;'))).toBeUndefined();
    expect(widenedPage("SELECT * FROM USERS WHERE NAME = 'LIMIT 1 OFFSET 2'\n  LIMIT 10\n  OFFSET 20;", parsedQuery("SELECT * FROM USERS WHERE NAME = 'LIMIT 1 OFFSET 2' LIMIT 10 OFFSET 20;"))).toBe(
      "SELECT * FROM USERS WHERE NAME = 'LIMIT 1 OFFSET 2'\n  LIMIT 30\n  ;",
    );
  });

  it('gathers an ORDER BY scan and sorts the merged rows again, LIMIT last', () => {
    const r = route('SELECT NAME, AGE FROM USERS ORDER BY AGE DESC, NAME LIMIT 3;');
    expect(r).toMatchObject({ kind: 'gather', from: [{ url: B, tasks: [1, 3] }], limit: 3 });
    if (r.kind !== 'gather' || r.order === undefined) throw new Error('no ordering');
    // Rows as two owners would send them: each its own first three, in order (a null is the
    // largest value, as in one instance's ORDER BY).
    const here = [['d', 40], ['a', 30], ['c', 10]];
    const there = [['f', null], ['b', 40], ['e', 35]];
    expect(r.order([...here, ...there])).toEqual([['f', null], ['b', 40], ['d', 40]]);
    expect(route('SELECT * FROM USERS;')).not.toHaveProperty('order');
  });

  it('answers stream scans and joins of tables that all run here locally', () => {
    expect(route('SELECT * FROM EVENTS;')).toEqual({ kind: 'local' });
    expect(route('SELECT * FROM USERS U JOIN OTHER O ON U.ID = O.ID;', () => split(users, { 0: A, 1: A, 2: A, 3: A }, [0, 1, 2, 3]))).toEqual({
      kind: 'local',
    });
  });

  it('is unavailable while a needed task has no owner, but not for a key whose task runs here', () => {
    const moving = () => split(users, { 0: A, 2: A }, [0, 2]);
    const [a] = keysIn(users, 0);
    const [b] = keysIn(users, 1);
    expect(route(`SELECT * FROM USERS WHERE ID = ${a};`, moving)).toEqual({ kind: 'local' });
    expect(route(`SELECT * FROM USERS WHERE ID = ${b};`, moving)).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/rebalancing/) });
    expect(route('SELECT * FROM USERS;', moving).kind).toBe('unavailable');
    const none = (): TaskOwnership => ({ partitions: 0, owners: new Map(), local: new Set(), self: A, keySource: users });
    expect(route(`SELECT * FROM USERS WHERE ID = ${a};`, none).kind).toBe('unavailable');
  });

  it('answers a forwarded query only while this instance still runs the tasks the sender counted on', () => {
    const stmt = parseStatement('SELECT * FROM USERS;');
    if (stmt.kind !== 'QueryStatement') throw new Error('not a query');
    const owned = () => split(users);
    expect(stillOwned(stmt, catalog, owned, '0,2')).toEqual({ kind: 'local' });
    expect(stillOwned(stmt, catalog, owned, '2')).toEqual({ kind: 'local' });
    expect(stillOwned(stmt, catalog, owned, '1,2')).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/USERS.*rebalancing/) });
  });

  it('leaves a query that does not analyse to the engine, which reports its error', () => {
    expect(route('SELECT NOPE FROM USERS;')).toEqual({ kind: 'local' });
    expect(route('SELECT * FROM MISSING;')).toEqual({ kind: 'local' });
  });
});
