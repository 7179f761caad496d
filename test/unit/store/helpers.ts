import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { AppError, type ErrorCode } from '../../../shared/errors.ts';

/** A fresh temp folder per test; `cleanup` removes it. */
export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradedesk-store-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Runs `fn`, expecting an AppError with `code`; returns it for further checks. */
export function expectAppError(fn: () => unknown, code: ErrorCode): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError && error.code === code) return error;
    throw new Error(`expected AppError ${code}, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected AppError ${code}, but nothing was thrown`);
}
