/**
 * Deliberately invalid answers for the `schema_invalid` fault: a valid value from the filler
 * with one defect, so the client's validation, not its JSON parser, has to catch it.
 */
import { asSchema, isRecord, SchemaError, validateJson } from './json-schema.ts';
import { pick, type Rng } from './random.ts';
import { fillSchema } from './schema-filler.ts';

/**
 * A JSON value that parses but does NOT validate against `schema`: a valid answer with one
 * defect (a required property dropped, a value outside its enum or range, a wrong type, an
 * unexpected property). Returns a string when the schema accepts anything.
 */
export function violateSchema(schema: unknown, rng: Rng): unknown {
  const root = asSchema(schema);
  if (root === undefined) throw new SchemaError('schema must be an object or a boolean');
  const valid = fillSchema(root, rng);
  const invalid: unknown[] = [];
  let tried = 0;
  for (const candidate of mutations(valid)) {
    tried += 1;
    if (validateJson(root, candidate).length > 0) invalid.push(candidate);
    if (invalid.length >= 4 || tried >= 400) break;
  }
  return invalid.length > 0 ? pick(rng, invalid) : 'not what the schema asked for';
}

type Path = (string | number)[];

function nodes(value: unknown, path: Path = [], out: { path: Path; value: unknown }[] = []): { path: Path; value: unknown }[] {
  out.push({ path, value });
  if (Array.isArray(value)) value.forEach((item, index) => nodes(item, [...path, index], out));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) nodes(item, [...path, key], out);
  return out;
}

const REMOVE = Symbol('remove');

function replaced(root: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const copy = structuredClone(root);
  let parent: unknown = copy;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step];
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(parent)) {
    if (next === REMOVE) parent.splice(Number(last), 1);
    else parent[Number(last)] = next;
  } else if (isRecord(parent)) {
    if (next === REMOVE) delete parent[String(last)];
    else parent[String(last)] = next;
  }
  return copy;
}

/**
 * Single-defect variants of a valid value, most telling first: dropped properties, values
 * outside any enum or range, wrong types, unexpected properties, wrong array sizes.
 */
function* mutations(valid: unknown): Generator<unknown> {
  const all = nodes(valid);
  for (const { path, value } of all) {
    if (isRecord(value)) for (const key of Object.keys(value)) yield replaced(valid, [...path, key], REMOVE);
  }
  for (const { path, value } of all) {
    if (typeof value === 'string') yield replaced(valid, path, `${value}__not_allowed`);
    else if (typeof value === 'number') {
      yield replaced(valid, path, value + 1_000_000);
      yield replaced(valid, path, value - 1_000_000);
      yield replaced(valid, path, value + 0.5);
    }
  }
  for (const { path, value } of all) {
    if (typeof value === 'string') yield replaced(valid, path, 12345);
    else if (typeof value === 'number') yield replaced(valid, path, String(value));
    else if (typeof value === 'boolean') yield replaced(valid, path, value ? 'true' : 'false');
    else if (value === null) yield replaced(valid, path, 'null');
    else if (Array.isArray(value)) yield replaced(valid, path, {});
    else if (isRecord(value)) yield replaced(valid, path, []);
  }
  for (const { path, value } of all) {
    if (isRecord(value)) yield replaced(valid, [...path, '__unexpected__'], true);
    if (Array.isArray(value)) {
      yield replaced(valid, path, []);
      yield replaced(valid, path, [...value, ...value, ...value, ...value, ...value, ...value, ...value, ...value]);
    }
  }
  yield 42;
  yield 'invalid';
  yield null;
}
