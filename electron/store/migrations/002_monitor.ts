import type { Migration } from './types.ts';

/*
 * The monitor's schema step: the spend ledger that budgets are checked against.
 *
 * Why a ledger of reservations instead of summing api_calls: a budget must count money that
 * is *about to be* spent (calls in flight), not only what was recorded, or N concurrent calls
 * could each see the same remaining budget and all go out. Each attempt reserves its estimate
 * before it is sent (one IMMEDIATE transaction: read the totals, check the caps, insert) and
 * replaces it with the actual cost afterwards. A reservation left 'reserved' by a process that
 * died keeps counting as spent until someone settles or releases it: we cannot know whether the
 * provider billed it, so the conservative figure stands.
 *
 * No foreign key to batches: like api_calls, the ledger is an audit of money and survives
 * deleting a batch; a CLI run may also reserve before its batch row is committed.
 *
 * The alerts table of step 1 already has every column the alert engine needs (kind, model,
 * value, threshold, details_json, resolved_at), so it is not changed here. Breaker snapshots
 * fit breaker_state with the window and cool-down kept in failures_json (see
 * electron/monitor/breaker-store.ts), so that table is not changed either.
 */
export const migration002: Migration = {
  version: 2,
  name: 'monitor_spend_ledger',
  up(db) {
    db.exec(`
      CREATE TABLE spend_reservations (
        id             INTEGER PRIMARY KEY,
        batch_id       TEXT,                    -- NULL: not part of a batch (only the day cap applies)
        -- the local calendar day the reservation was made on, YYYY-MM-DD (per_day_usd)
        day            TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        -- NULL: the model has no price, so nothing could be estimated (counted, not summed)
        estimated_usd  REAL CHECK (estimated_usd IS NULL OR estimated_usd >= 0),
        -- NULL while reserved, or when the actual cost stayed unknown (see actual_unknown)
        actual_usd     REAL CHECK (actual_usd IS NULL OR actual_usd >= 0),
        -- 'reserved' | 'settled' | 'released'
        status         TEXT NOT NULL,
        -- 1: settled without a known actual; the estimate stands in as the conservative figure
        actual_unknown INTEGER NOT NULL DEFAULT 0 CHECK (actual_unknown IN (0, 1)),
        created_at     INTEGER NOT NULL,
        settled_at     INTEGER
      ) STRICT;
      -- Covering indexes: the budget check sums one batch's or one day's rows from the index
      -- alone, inside the write transaction, so it stays short however long the ledger grows.
      CREATE INDEX spend_reservations_batch
        ON spend_reservations (batch_id, status, estimated_usd, actual_usd)
        WHERE batch_id IS NOT NULL;
      CREATE INDEX spend_reservations_day
        ON spend_reservations (day, status, estimated_usd, actual_usd);
      -- releaseStale: the few outstanding rows, oldest first
      CREATE INDEX spend_reservations_outstanding
        ON spend_reservations (created_at)
        WHERE status = 'reserved';
    `);
  },
};
