import { describe, expect, it } from 'vitest';
import { STORE_TABLES, sql, sqlIdentifier, sqlJoin } from '../../../electron/store/index.ts';
import { expectAppError } from './helpers.ts';

describe('sql tagged template', () => {
  it('turns every value into a bound parameter', () => {
    const name = "Robert'); DROP TABLE students; --";
    const q = sql`SELECT * FROM submissions WHERE student = ${name} AND id > ${3}`;
    expect(q.text).toBe('SELECT * FROM submissions WHERE student = ? AND id > ?');
    expect(q.params).toEqual([name, 3]);
  });

  it('inlines nested fragments with their parameters in order', () => {
    const where = sqlJoin([sql`a = ${1}`, sql`b = ${'x'}`, sql`c IS ${null}`], sql` AND `);
    const q = sql`SELECT 1 FROM t WHERE ${where} LIMIT ${10}`;
    expect(q.text).toBe('SELECT 1 FROM t WHERE a = ? AND b = ? AND c IS ? LIMIT ?');
    expect(q.params).toEqual([1, 'x', null, 10]);
  });

  it('lets an identifier through only from the allow-list', () => {
    expect(sqlIdentifier('api_calls', STORE_TABLES).text).toBe('"api_calls"');
    expectAppError(() => sqlIdentifier('sqlite_schema', STORE_TABLES), 'INTERNAL_ERROR');
    expectAppError(() => sqlIdentifier('api_calls"; DROP TABLE x; --', STORE_TABLES), 'INTERNAL_ERROR');
  });
});
