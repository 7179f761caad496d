/**
 * A separate process reserving against the same ledger (budget.test.ts spawns several): the
 * cap must hold across processes, not only inside one. Not a test file itself.
 * argv: dbFile batchId capUsd count seed
 */
import { SpendGuard } from '../../../electron/monitor/budget.ts';
import { openDatabase } from '../../../electron/store/index.ts';
import { AppError } from '../../../shared/errors.ts';

const [file, batchId, cap, n, seed] = process.argv.slice(2) as [string, string, string, string, string];
const db = openDatabase(file);
const guard = new SpendGuard({ db, caps: { perBatchUsd: Number(cap) } });
let s = Number(seed) >>> 0;
const rand = (): number => {
  s = (s * 1664525 + 1013904223) >>> 0;
  return s / 2 ** 32;
};
let admitted = 0;
let refused = 0;
for (let i = 0; i < Number(n); i++) {
  const estimate = 0.01 + rand() * 0.05;
  try {
    const r = guard.reserve(estimate, { batchId });
    admitted += 1;
    r.settle(rand() < 0.5 ? estimate * rand() : null);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'BUDGET_EXCEEDED') throw error;
    refused += 1;
  }
}
db.close();
process.stdout.write(JSON.stringify({ admitted, refused }));
