import { migration001 } from './001_initial.ts';
import { migration002 } from './002_monitor.ts';
import { migration003 } from './003_batch_runs.ts';
import { migration004 } from './004_pending_images.ts';
import { migration005 } from './005_held_images.ts';
import { migration006 } from './006_simulated_calls.ts';
import { migration007 } from './007_batch_stop.ts';
import { migration008 } from './008_simulated_spend.ts';
import { migration009 } from './009_rubric_library.ts';
import { migration010 } from './010_review_records.ts';
import { migration011 } from './011_trigram_search.ts';
import { migration012 } from './012_call_rollups.ts';
import { migration013 } from './013_batch_preparation.ts';
import { migration014 } from './014_injection_findings.ts';
import type { Migration } from './types.ts';

export type { Migration } from './types.ts';

/**
 * Every schema step, in order. Append new steps here (never edit or reorder a shipped one):
 * a database records the last step applied in `PRAGMA user_version`.
 */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011, migration012, migration013, migration014];

/** The schema version this code writes: the last step's version. */
export const LATEST_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
