import { parseArgs } from 'node:util';

export const USAGE = `Usage:
  gradedesk grade <file-or-folder>... --rubric <file> [--config <file>] [--db <file>]
            [--roster <csv>] [--model <id>]... [--compare] [--budget <usd>]
            [--concurrency <n>] [--json] [--demo]
  gradedesk resume [<batch-id>] [--config <file>] [--db <file>] [--budget <usd>]
            [--concurrency <n>] [--json]
  gradedesk history [<batch-id>] [--db <file>] [--json]
  gradedesk costs [--db <file>] [--json]
  gradedesk export <batch-id> --format csv|canvas|moodle [--gradebook <file>]
            [--assignment <name>] [--out <file>] [--db <file>]
  gradedesk decide <batch-id> <file> send|skip [--db <file>]
  gradedesk models [--config <file>] [--json]`;

export class UsageError extends Error {}

export interface CliArgs {
  command: string;
  positionals: string[];
  rubric?: string;
  config?: string;
  db?: string;
  roster?: string;
  models: string[];
  compare: boolean;
  budget?: number;
  concurrency?: number;
  json: boolean;
  demo: boolean;
  format?: 'csv' | 'canvas' | 'moodle';
  out?: string;
  /** Canvas/Moodle: the teacher's downloaded gradebook or grading worksheet, to fill. */
  gradebook?: string;
  /** Canvas: the assignment column to fill (default: the rubric's title). */
  assignment?: string;
}

/** DESIGN §6, exactly; anything else is a usage error (exit 2) before any call is made. */
export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        rubric: { type: 'string' },
        config: { type: 'string' },
        db: { type: 'string' },
        roster: { type: 'string' },
        model: { type: 'string', multiple: true },
        compare: { type: 'boolean' },
        budget: { type: 'string' },
        concurrency: { type: 'string' },
        json: { type: 'boolean' },
        demo: { type: 'boolean' },
        format: { type: 'string' },
        out: { type: 'string' },
        gradebook: { type: 'string' },
        assignment: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') return { command: 'help', positionals: [], models: [], compare: false, json: false, demo: false };
  if (!command) throw new UsageError('');
  const number = (name: string, text: string | undefined, integer: boolean): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0 || (integer && (!Number.isInteger(n) || n < 1))) throw new UsageError(`--${name} must be ${integer ? 'a whole number of at least 1' : 'a number of dollars, 0 or more'}.`);
    return n;
  };
  const format = values.format;
  if (format !== undefined && format !== 'csv' && format !== 'canvas' && format !== 'moodle') throw new UsageError('--format must be csv, canvas or moodle.');
  const args: CliArgs = {
    command,
    positionals: rest,
    models: values.model ?? [],
    compare: values.compare ?? false,
    json: values.json ?? false,
    demo: values.demo ?? false,
  };
  if (values.rubric !== undefined) args.rubric = values.rubric;
  if (values.config !== undefined) args.config = values.config;
  if (values.db !== undefined) args.db = values.db;
  if (values.roster !== undefined) args.roster = values.roster;
  const budget = number('budget', values.budget, false);
  if (budget !== undefined) args.budget = budget;
  const concurrency = number('concurrency', values.concurrency, true);
  if (concurrency !== undefined) args.concurrency = concurrency;
  if (format !== undefined) args.format = format;
  if (values.out !== undefined) args.out = values.out;
  if (values.gradebook !== undefined) args.gradebook = values.gradebook;
  if (values.assignment !== undefined) args.assignment = values.assignment;
  return args;
}
