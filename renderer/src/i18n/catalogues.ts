/**
 * The message catalogues, assembled: `en.json` / `zh-CN.json` hold the app-wide messages
 * (errors, header, models) and each screen keeps its own pair under `areas/`, namespaced by the
 * area's name (`review.…`), so screens are translated and reviewed one file at a time.
 */
import en from './en.json';
import zhCN from './zh-CN.json';
import backupsEn from './areas/backups.en.json';
import backupsZh from './areas/backups.zh-CN.json';
import costsEn from './areas/costs.en.json';
import costsZh from './areas/costs.zh-CN.json';
import exportsEn from './areas/exports.en.json';
import exportsZh from './areas/exports.zh-CN.json';
import historyEn from './areas/history.en.json';
import historyZh from './areas/history.zh-CN.json';
import settingsEn from './areas/settings.en.json';
import settingsZh from './areas/settings.zh-CN.json';
import compareEn from './areas/compare.en.json';
import compareZh from './areas/compare.zh-CN.json';
import intakeEn from './areas/intake.en.json';
import intakeZh from './areas/intake.zh-CN.json';
import reviewEn from './areas/review.en.json';
import reviewZh from './areas/review.zh-CN.json';
import rubricEn from './areas/rubric.en.json';
import rubricZh from './areas/rubric.zh-CN.json';
import runsEn from './areas/runs.en.json';
import runsZh from './areas/runs.zh-CN.json';
import setupEn from './areas/setup.en.json';
import setupZh from './areas/setup.zh-CN.json';
import shellEn from './areas/shell.en.json';
import shellZh from './areas/shell.zh-CN.json';

export const enCatalogue = {
  ...en,
  backups: backupsEn,
  costs: costsEn,
  exports: exportsEn,
  history: historyEn,
  settings: settingsEn,
  compare: compareEn,
  intake: intakeEn,
  review: reviewEn,
  rubric: rubricEn,
  runs: runsEn,
  setup: setupEn,
  shell: shellEn,
};

export const zhCNCatalogue: typeof enCatalogue = {
  ...zhCN,
  backups: backupsZh,
  costs: costsZh,
  exports: exportsZh,
  history: historyZh,
  settings: settingsZh,
  compare: compareZh,
  intake: intakeZh,
  review: reviewZh,
  rubric: rubricZh,
  runs: runsZh,
  setup: setupZh,
  shell: shellZh,
};
