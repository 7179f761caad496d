/**
 * Where bench 1's core side writes its audit rows: the monitor's recorder on a real SQLite file,
 * as the app composes it, or an array when the monitor is not available.
 */
import path from 'node:path';
import type { AttemptSink } from '../electron/api/ports.ts';
import type { ApiCallRow, WritableDB } from '../electron/store/index.ts';
import { closeDatabase, openDatabase, queryOne, sql } from '../electron/store/index.ts';
import type * as MonitorModule from '../electron/monitor/index.ts';
import { log } from './stats.ts';

/**
 * Rows go into an array (emptied every `cap` rows so memory stays flat): the fallback when the
 * monitor is not available, and the diagnostic side that shows what the SQLite recorder costs.
 */
export class ArraySink implements AttemptSink {
  private rows: ApiCallRow[] = [];
  count = 0;
  constructor(private readonly cap = 10_000) {}
  record(row: ApiCallRow): void {
    if (this.rows.length >= this.cap) this.rows = [];
    this.rows.push(row);
    this.count += 1;
  }
}

export interface SinkSetup {
  sink: AttemptSink;
  description: string;
  rowsWritten: () => number;
  close: () => void;
}

/** The monitor's recorder on a real SQLite file when the monitor module provides one. */
export async function makeSink(dir: string): Promise<SinkSetup> {
  let monitorModule: typeof MonitorModule | null = null;
  try {
    monitorModule = await import('../electron/monitor/index.ts');
  } catch (error) {
    log(`monitor module not loadable (${String(error)}); using an in-memory sink`);
  }
  if (monitorModule && typeof monitorModule.createMonitor === 'function') {
    const file = path.join(dir, 'bench.sqlite');
    const db: WritableDB = openDatabase(file);
    // As the app composes it: the audit trail on its own thread and connection (synchronous=NORMAL).
    const monitor = monitorModule.createMonitor({ db, auditThread: { dbPath: file }, config: null, idleTickMs: 0, onError: (error, source) => log(`monitor ${source} error: ${String(error)}`) });
    monitor.flush(); // the audit thread has started before anything is timed
    return {
      sink: monitor.recorder,
      description: 'createMonitor(...).recorder (live metrics + alert engine on the main thread; audit rows written to a SQLite file in a temp dir by the audit thread, WAL, synchronous=NORMAL, as the app composes it)',
      rowsWritten: () => {
        monitor.flush();
        return queryOne<{ n: number }>(db, sql`SELECT count(*) AS n FROM api_calls`)?.n ?? 0;
      },
      close: () => {
        monitor.close();
        closeDatabase(db);
      },
    };
  }
  const sink = new ArraySink();
  return { sink, description: 'in-memory array sink (monitor recorder not available)', rowsWritten: () => sink.count, close: () => undefined };
}
