// The server classifies a request's statement by its shape (literals blanked), so that pull
// queries differing only in their literals parse once. LIMIT's value is part of the shape: a
// query's response depends on it.

import { describe, expect, it } from 'vitest';
import { classify, shape } from '../../repl/server/statements.js';

describe('shape', () => {
  it('blanks string and number literals, keeps LIMIT, identifiers and quoted names', () => {
    expect(shape("SELECT * FROM t WHERE id = 12 AND s = 'a''b' LIMIT 5")).toBe('SELECT * FROM t WHERE id = ? AND s = ? LIMIT 5');
    expect(shape('SELECT x1, `a 1` FROM t WHERE v > 1.5e3 OR v < .5')).toBe('SELECT x1, `a 1` FROM t WHERE v > ? OR v < ?');
    expect(shape('SELECT * FROM t -- id = 1')).toBeUndefined();
    expect(shape('SELECT * FROM t /* 1 */')).toBeUndefined();
  });
});

describe('classify', () => {
  it('tells pull, push, PRINT and other statements apart, with the query of the right LIMIT', () => {
    const a = classify('SELECT * FROM t WHERE id = 1 LIMIT 2', {});
    const b = classify('SELECT * FROM t WHERE id = 99 LIMIT 3', {});
    expect(a).toMatchObject({ kind: 'pull', query: { limit: 2, from: { name: 'T' } } });
    expect(b).toMatchObject({ kind: 'pull', query: { limit: 3 } });
    expect(classify("SELECT * FROM s WHERE v = 'x' EMIT CHANGES", {})).toMatchObject({ kind: 'push', query: { emit: 'CHANGES' } });
    expect(classify('PRINT s FROM BEGINNING', {}).kind).toBe('print');
    expect(classify('SHOW STREAMS', {}).kind).toBe('other');
    expect(classify('SELEC 1', {}).kind).toBe('invalid');
    expect(classify('SELECT * FROM ${src} EMIT CHANGES', { src: 'orders' })).toMatchObject({ kind: 'push', query: { from: { name: 'ORDERS' } } });
  });
});
