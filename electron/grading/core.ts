/**
 * What grading needs of the app's core, and nothing more. The composition root hands it over
 * (the app's createApp; the CLI's command through it), so grading never imports the root.
 */
import type { Config } from '../../shared/config.ts';
import type { AppErrorData } from '../../shared/errors.ts';
import type { CallManager } from '../api/call-manager.ts';
import type { Monitor } from '../monitor/index.ts';
import type { WritableDB } from '../store/index.ts';

export interface GradingCore {
  /** The store: batches, submissions, jobs and gradings. */
  db: WritableDB;
  /** Sends the grading calls, once some model of the pool is known to have its key. */
  calls: Pick<CallManager, 'execute' | 'keyCheck'>;
  /** Its calls recorded before a batch is reported; a resumed batch's own cap. */
  monitor: Pick<Monitor, 'flush'> & { budget: Pick<Monitor['budget'], 'setBatchCap'> };
  /** The configuration in force; null when none could be loaded (configError says why). */
  config: Config | null;
  configError: AppErrorData | null;
}
