/**
 * The tables the store owns: the allow-list for any query that names a table at run time
 * (see sqlIdentifier), and what the schema tests expect to exist.
 */
export const STORE_TABLES = [
  'settings',
  'rubrics',
  'batches',
  'submissions',
  'submission_pages',
  'jobs',
  'gradings',
  'reviews',
  'api_calls',
  'alerts',
  'breaker_state',
  'submissions_fts',
  'spend_reservations',
] as const;


