// Refreshes the OpenRouter model snapshot shipped with the app (electron/setup/openrouter-snapshot.ts),
// which the model picker uses when OpenRouter cannot be reached. Needs a network; never run by tests.
//
//   node scripts/refresh-catalog.mjs                  keep the snapshot's models, with today's facts
//   node scripts/refresh-catalog.mjs --add vendor/id  also keep these models (repeatable)
//   node scripts/refresh-catalog.mjs --drop vendor/id no longer keep this one (repeatable)
//   node scripts/refresh-catalog.mjs --from file.json --source "…"
//                                                     write the snapshot from a saved `data` array instead
//
// It keeps the list small on purpose: the models teachers grade with, not OpenRouter's 400.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODELS_URL = 'https://openrouter.ai/api/v1/models';
const TARGET = join(dirname(fileURLToPath(import.meta.url)), '..', 'electron', 'setup', 'openrouter-snapshot.ts');
const MARKER = '/* DATA */';

function argValues(name) {
  const values = [];
  for (let i = 2; i < process.argv.length; i++) if (process.argv[i] === name && process.argv[i + 1]) values.push(process.argv[++i]);
  return values;
}

function currentSnapshot() {
  const text = readFileSync(TARGET, 'utf8');
  const start = text.indexOf(MARKER);
  if (start < 0) throw new Error(`${TARGET} has no ${MARKER} marker.`);
  return JSON.parse(text.slice(start + MARKER.length, text.lastIndexOf(';')));
}

/** Only what the picker reads, so the file stays small and its diff readable. */
function cut(model) {
  const entry = {
    id: model.id,
    name: model.name,
    context_length: model.context_length,
    architecture: { input_modalities: model.architecture?.input_modalities ?? ['text'] },
    pricing: { prompt: model.pricing?.prompt, completion: model.pricing?.completion },
  };
  const structured = (model.supported_parameters ?? []).filter((p) => p === 'response_format' || p === 'structured_outputs');
  if (structured.length > 0) entry.supported_parameters = structured;
  const maxOut = model.top_provider?.max_completion_tokens;
  if (Number.isInteger(maxOut) && maxOut > 0) entry.top_provider = { max_completion_tokens: maxOut };
  return entry;
}

async function liveModels() {
  const res = await fetch(MODELS_URL, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${MODELS_URL} answered HTTP ${res.status}.`);
  const body = await res.json();
  if (!Array.isArray(body?.data)) throw new Error(`${MODELS_URL} did not answer with a model list.`);
  return body.data;
}

/** One model per line: a refresh shows as a readable diff, and the file stays short. */
function literal(snapshot) {
  const lines = snapshot.data.map((entry) => `    ${JSON.stringify(entry)}`).join(',\n');
  return `{\n  "date": ${JSON.stringify(snapshot.date)},\n  "source": ${JSON.stringify(snapshot.source)},\n  "data": [\n${lines}\n  ]\n}`;
}

function render(snapshot) {
  return `/**
 * OpenRouter's model list, cut to the models teachers grade with, for the model picker when
 * OpenRouter cannot be reached (electron/setup/catalog-source.ts). Prices are USD per token, as
 * OpenRouter writes them. Written by scripts/refresh-catalog.mjs: refresh it there, not by hand.
 */
export interface OpenRouterSnapshot {
  /** When the facts were gathered (YYYY-MM-DD). */
  date: string;
  /** Where they come from. */
  source: string;
  /** The entries, in the shape of OpenRouter's \`/models\` \`data\` (only the fields the picker reads). */
  data: unknown[];
}

export const OPENROUTER_SNAPSHOT: OpenRouterSnapshot = ${MARKER}${literal(snapshot)};
`;
}

async function main() {
  const today = new Date().toISOString().slice(0, 10);
  const from = argValues('--from')[0];
  if (from) {
    const data = JSON.parse(readFileSync(from, 'utf8'));
    const source = argValues('--source')[0] ?? `${from}`;
    writeFileSync(TARGET, render({ date: argValues('--date')[0] ?? today, source, data: data.map(cut) }));
    process.stdout.write(`Wrote ${data.length} models to ${TARGET}.\n`);
    return;
  }
  const current = currentSnapshot();
  const dropped = new Set(argValues('--drop'));
  const wanted = [...new Set([...current.data.map((m) => m.id), ...argValues('--add')])].filter((id) => !dropped.has(id));
  const live = new Map((await liveModels()).map((m) => [m.id, m]));
  const kept = wanted.filter((id) => live.has(id));
  const gone = wanted.filter((id) => !live.has(id));
  writeFileSync(TARGET, render({ date: today, source: MODELS_URL, data: kept.map((id) => cut(live.get(id))) }));
  process.stdout.write(`Wrote ${kept.length} models to ${TARGET}.\n`);
  if (gone.length > 0) process.stdout.write(`No longer listed by OpenRouter, dropped: ${gone.join(', ')}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
