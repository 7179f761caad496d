/** Rubrics (DESIGN §5): schema, JSON/Markdown/CSV import, score arithmetic, version hash. */
export { MAX_CRITERIA, type Rubric, type RubricInput } from './schema.ts';
export { parseRubric } from './parse.ts';
export { parseRubricMarkdown } from './markdown.ts';
export { parseRubricCsv } from './csv.ts';
export { loadRubricFile } from './load.ts';
export { criterionMax, maxScore } from './points.ts';
export { canonicalJson, rubricVersion } from './version.ts';
