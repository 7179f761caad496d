/** Rubrics (DESIGN §5): schema, JSON/Markdown/CSV import, score arithmetic, version hash. */
export {
  CRITERION_ID_PATTERN,
  CriterionSchema,
  LevelSchema,
  MAX_CRITERIA,
  MAX_LEVELS,
  MIN_LEVELS,
  RubricSchema,
  type Criterion,
  type Level,
  type Rubric,
  type RubricInput,
} from './schema.ts';
export { parseRubric } from './parse.ts';
export { parseRubricMarkdown } from './markdown.ts';
export { parseRubricCsv } from './csv.ts';
export { loadRubricFile, parseRubricText, rubricFormatOf, MAX_RUBRIC_FILE_BYTES, type RubricFormat } from './load.ts';
export { criterionMax, findCriterion, levelRank, levelsAscending, maxScore } from './points.ts';
export { canonicalJson, rubricVersion } from './version.ts';
