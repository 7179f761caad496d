/**
 * SQL is built one way: code-authored text from template literals, every value a bound
 * parameter, every dynamic identifier checked against an allow-list. There is deliberately no
 * way to splice a runtime string into the SQL text.
 */
import { AppError } from '../../shared/errors.ts';

/** What better-sqlite3 can bind. Booleans are not included on purpose: store 0/1. */
export type SqlValue = string | number | bigint | Buffer | null;

/** A piece of SQL: text with `?` placeholders plus the values bound to them, in order. */
export class SqlFragment {
  readonly text: string;
  readonly params: readonly SqlValue[];

  /** Private by convention: build fragments with `sql`, `sqlJoin` or `sqlIdentifier`. */
  constructor(text: string, params: readonly SqlValue[]) {
    this.text = text;
    this.params = params;
  }
}

/**
 * Tagged template: `sql\`SELECT * FROM t WHERE a = ${value}\`` turns `value` into a `?`
 * parameter. A nested `SqlFragment` is inlined with its own parameters, which is how optional
 * WHERE clauses are composed.
 */
export function sql(strings: TemplateStringsArray, ...values: ReadonlyArray<SqlValue | SqlFragment>): SqlFragment {
  let text = strings[0] ?? '';
  const params: SqlValue[] = [];
  values.forEach((value, i) => {
    if (value instanceof SqlFragment) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[i + 1] ?? '';
  });
  return new SqlFragment(text, params);
}

/** Joins fragments with a separator that is itself a fragment (e.g. sql` AND `). */
export function sqlJoin(parts: readonly SqlFragment[], separator: SqlFragment): SqlFragment {
  const params: SqlValue[] = [];
  const texts: string[] = [];
  parts.forEach((part, i) => {
    if (i > 0) {
      texts.push(separator.text);
      params.push(...separator.params);
    }
    texts.push(part.text);
    params.push(...part.params);
  });
  return new SqlFragment(texts.join(''), params);
}

/**
 * A table or column name chosen at run time. It must be one of `allowed` (a constant list in
 * code) and is double-quoted; anything else throws before any SQL is built.
 */
export function sqlIdentifier<T extends string>(name: string, allowed: readonly T[]): SqlFragment {
  if (!(allowed as readonly string[]).includes(name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new AppError('INTERNAL_ERROR', 'An unexpected database name was requested.', { name });
  }
  return new SqlFragment(`"${name}"`, []);
}
