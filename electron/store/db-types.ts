/**
 * Read and write handles are different types (as in Signal Desktop): every query function
 * names the handle it needs, so a read path cannot write by accident and a function that
 * writes shows it in its signature. A WritableDB is accepted wherever a ReadableDB is, not the
 * other way round. The brands exist only at compile time.
 */
import type BetterSqlite3 from 'better-sqlite3';

declare const readableBrand: unique symbol;
declare const writableBrand: unique symbol;

export type ReadableDB = BetterSqlite3.Database & { readonly [readableBrand]: true };
export type WritableDB = ReadableDB & { readonly [writableBrand]: true };
