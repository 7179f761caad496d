/**
 * The log file messages point to: `<data folder>/logs/gradedesk.log`, one JSON object a line,
 * rotated by size (gradedesk.log → gradedesk.1.log → …, the oldest dropped). Written
 * synchronously, so the last lines before a crash are in it. Never holds keys or students' text
 * (redact.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { redact, redactString } from './redact.ts';

export type LogLevel = 'info' | 'warn' | 'error';
/** The same shape as the app's `Log` (app/create-app.ts), which entry points pass to it. */
export type Log = (level: LogLevel, message: string, details?: Record<string, unknown>) => void;

export interface FileLogOptions {
  /** The data folder: the folder of the database. */
  dataDir: string;
  maxBytes?: number;
  /** Rotated files kept besides the current one. */
  keep?: number;
  now?: () => Date;
}

export interface FileLog {
  log: Log;
  path: string;
}

export function logFilePath(dataDir: string): string {
  return path.join(dataDir, 'logs', 'gradedesk.log');
}

function rotatedName(file: string, n: number): string {
  return file.replace(/\.log$/, `.${n}.log`);
}

function rotate(file: string, keep: number): void {
  fs.rmSync(rotatedName(file, keep), { force: true });
  for (let n = keep - 1; n >= 1; n -= 1) {
    const from = rotatedName(file, n);
    if (fs.existsSync(from)) fs.renameSync(from, rotatedName(file, n + 1));
  }
  if (keep >= 1) fs.renameSync(file, rotatedName(file, 1));
  else fs.rmSync(file, { force: true });
}

export function createFileLog({ dataDir, maxBytes = 1024 * 1024, keep = 3, now = () => new Date() }: FileLogOptions): FileLog {
  const file = logFilePath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  const write = (level: LogLevel, message: string, details?: Record<string, unknown>): void => {
    const entry = { at: now().toISOString(), level, message: redactString(message), ...(details ? { details: redact(details) } : {}) };
    const line = `${JSON.stringify(entry)}\n`;
    try {
      if (size > 0 && size + Buffer.byteLength(line) > maxBytes) {
        rotate(file, keep);
        size = 0;
      }
      fs.appendFileSync(file, line, { mode: 0o600 });
      size += Buffer.byteLength(line);
    } catch {
      // A full disk must not stop grading; the console still has the line.
    }
  };
  return { log: write, path: file };
}

/** Both: the file, and the console or stderr the entry point already writes to. */
export function teeLog(...logs: Log[]): Log {
  return (level, message, details) => {
    for (const log of logs) log(level, message, details);
  };
}
