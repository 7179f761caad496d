/**
 * Produces JSON values for a JSON Schema: valid ones for ordinary answers, and deliberately
 * invalid ones for the `schema_invalid` fault. Everything is driven by a seeded {@link Rng},
 * so the same seed gives the same answer.
 *
 * Recursive schemas terminate because past {@link SOFT_DEPTH} levels the filler takes the
 * smallest choice everywhere (minItems, required properties only, null when allowed, the
 * branch of anyOf without a `$ref`).
 */
import {
  asSchema,
  declaredTypes,
  isRecord,
  numberBounds,
  numberKeyword,
  resolveRef,
  SchemaError,
  schemaList,
  stringList,
  validateAgainst,
  validateJson,
  jsonEqual,
  type JsonSchema,
  type SchemaObject,
} from './json-schema.ts';
import { pick, randomInt, type Rng } from './random.ts';

export { SchemaError, validateJson } from './json-schema.ts';

/** Depth past which the filler stops adding anything optional. */
const SOFT_DEPTH = 6;
/** Depth at which a schema is declared endless (a required cycle with no way out). */
const HARD_DEPTH = 48;
const ATTEMPTS = 5;

const WORDS = [
  'the', 'essay', 'argues', 'clearly', 'with', 'evidence', 'from', 'sources', 'and', 'a',
  'structure', 'that', 'supports', 'its', 'thesis', 'analysis', 'could', 'go', 'deeper',
  'into', 'counterarguments', 'citations', 'are', 'mostly', 'accurate', 'paragraphs',
  'flow', 'well', 'conclusion', 'restates', 'main', 'points', 'reasoning', 'is', 'sound',
];

const SENTENCES = [
  'The thesis is clear and the argument follows from it.',
  'Evidence from the sources supports most claims.',
  'The analysis could go deeper into the counterarguments.',
  'Paragraphs are well organised and transitions are smooth.',
  'Some citations are missing page numbers.',
  'The conclusion restates the main points without adding new insight.',
  'Calculations are correct but the units are not always stated.',
  'The handwriting is legible and the steps are easy to follow.',
];

/**
 * A JSON value valid against `schema` (best effort for `pattern`, which is not inverted).
 * Strings named like evidence or a quote are taken from `quotes` (sentences of what the model
 * was asked about) when one fits, as a model quoting the work it grades would.
 */
export function fillSchema(schema: unknown, rng: Rng, quotes: readonly string[] = []): unknown {
  const root = asSchema(schema);
  if (root === undefined) throw new SchemaError('schema must be an object or a boolean');
  const filler = new Filler(root, rng, quotes);
  let value: unknown = undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    value = filler.value(root, 0, '');
    if (validateJson(root, value).length === 0) return value;
  }
  return value;
}

class Filler {
  constructor(
    private readonly root: JsonSchema,
    private readonly rng: Rng,
    private readonly quotes: readonly string[] = [],
  ) {}

  value(schema: JsonSchema, depth: number, hint: string): unknown {
    if (depth > HARD_DEPTH) throw new SchemaError('schema recurses without end');
    if (schema === true) return this.text(12, 40);
    if (schema === false) throw new SchemaError('a schema of false allows no value');
    const flat = this.flatten(schema, 0);
    if ('const' in flat) return structuredClone(flat.const);
    if (Array.isArray(flat.enum)) {
      if (flat.enum.length === 0) throw new SchemaError('empty enum allows no value');
      return structuredClone(pick(this.rng, flat.enum));
    }
    const branches = schemaList(flat, 'anyOf') ?? schemaList(flat, 'oneOf');
    if (branches !== undefined && branches.length > 0) return this.branch(flat, branches, depth, hint);
    return this.typed(flat, depth, hint);
  }

  /** Inlines `$ref` and `allOf` so the rest of the filler sees one flat schema. */
  private flatten(schema: SchemaObject, hops: number): SchemaObject {
    if (hops > HARD_DEPTH) throw new SchemaError('$ref chain does not end');
    let flat: SchemaObject = schema;
    if (typeof flat.$ref === 'string') {
      const target = resolveRef(this.root, flat.$ref);
      if (target === false) throw new SchemaError(`$ref ${flat.$ref} allows no value`);
      const { $ref: _ref, ...rest } = flat;
      flat = merge(target === true ? {} : this.flatten(target, hops + 1), rest);
    }
    const allOf = schemaList(flat, 'allOf');
    if (allOf !== undefined) {
      const { allOf: _all, ...rest } = flat;
      flat = rest;
      for (const part of allOf) {
        if (part === false) throw new SchemaError('allOf contains false');
        if (part !== true) flat = merge(flat, this.flatten(part, hops + 1));
      }
    }
    return flat;
  }

  private branch(flat: SchemaObject, branches: JsonSchema[], depth: number, hint: string): unknown {
    const { anyOf: _any, oneOf: _one, ...rest } = flat;
    const order = shuffle(this.rng, branches.map((_, index) => index));
    if (depth >= SOFT_DEPTH) order.sort((a, b) => complexity(branches[a]) - complexity(branches[b]));
    let last: unknown = undefined;
    for (const index of order) {
      const chosen = branches[index];
      if (chosen === undefined || chosen === false) continue;
      last = this.value(chosen === true ? rest : merge(rest, chosen), depth, hint);
      if (validateAgainst(this.root, flat, last).length === 0) return last;
    }
    return last;
  }

  private typed(flat: SchemaObject, depth: number, hint: string): unknown {
    const types = declaredTypes(flat) ?? [inferType(flat)];
    const allowsNull = types.includes('null') || flat.nullable === true;
    const concrete = types.filter((type) => type !== 'null');
    if (concrete.length === 0) return null;
    if (allowsNull && (depth >= SOFT_DEPTH || this.rng() < 0.2)) return null;
    switch (pick(this.rng, concrete)) {
      case 'object':
        return this.object(flat, depth, hint);
      case 'array':
        return this.array(flat, depth, hint);
      case 'integer':
        return this.number(flat, true, hint);
      case 'number':
        return this.number(flat, false, hint);
      case 'boolean':
        return this.rng() < 0.5;
      case 'string':
        return this.string(flat, hint);
      default:
        return null;
    }
  }

  private object(flat: SchemaObject, depth: number, hint: string): Record<string, unknown> {
    const properties = isRecord(flat.properties) ? flat.properties : {};
    const required = new Set(stringList(flat, 'required'));
    const additional = asSchema(flat.additionalProperties);
    const result: Record<string, unknown> = {};
    const skipped: string[] = [];
    for (const [name, sub] of Object.entries(properties)) {
      if (required.has(name) || (depth < SOFT_DEPTH && this.rng() < 0.6)) {
        result[name] = this.value(asSchema(sub) ?? true, depth + 1, name);
      } else {
        skipped.push(name);
      }
    }
    for (const name of required) {
      if (!(name in result)) result[name] = this.value(additional === undefined || additional === false ? true : additional, depth + 1, name);
    }
    const minProperties = numberKeyword(flat, 'minProperties') ?? 0;
    while (Object.keys(result).length < minProperties && skipped.length > 0) {
      const name = skipped.shift() as string;
      result[name] = this.value(asSchema(properties[name]) ?? true, depth + 1, name);
    }
    for (let extra = 1; Object.keys(result).length < minProperties && additional !== false; extra += 1) {
      result[`${hint || 'extra'}_${extra}`] = this.value(additional ?? true, depth + 1, hint);
    }
    return result;
  }

  private array(flat: SchemaObject, depth: number, hint: string): unknown[] {
    const prefix = schemaList(flat, 'prefixItems') ?? [];
    const items = flat.items === false ? false : (asSchema(flat.items) ?? true);
    const minItems = numberKeyword(flat, 'minItems') ?? 0;
    let maxItems = numberKeyword(flat, 'maxItems') ?? Number.POSITIVE_INFINITY;
    if (items === false) maxItems = Math.min(maxItems, prefix.length);
    const low = Math.min(maxItems, depth >= SOFT_DEPTH ? minItems : Math.max(minItems, 1));
    const high = Math.min(maxItems, Math.max(low, depth >= SOFT_DEPTH ? minItems : minItems + 3));
    const count = randomInt(this.rng, low, high);
    const result: unknown[] = [];
    for (let index = 0; index < count; index += 1) {
      const itemSchema = prefix[index] ?? (items === false ? true : items);
      let item = this.value(itemSchema, depth + 1, hint);
      if (flat.uniqueItems === true) {
        for (let retry = 0; retry < 20 && result.some((x) => jsonEqual(x, item)); retry += 1) {
          item = this.value(itemSchema, depth + 1, hint);
        }
        // Out of distinct values (a small enum): stop once the minimum is met.
        if (result.some((x) => jsonEqual(x, item)) && result.length >= minItems) break;
      }
      result.push(item);
    }
    return result;
  }

  private number(flat: SchemaObject, integer: boolean, hint: string): number {
    const bounds = numberBounds(flat);
    let low = bounds.min;
    let high = bounds.max;
    if (integer) {
      if (low !== undefined) low = bounds.minExclusive ? Math.floor(low) + 1 : Math.ceil(low);
      if (high !== undefined) high = bounds.maxExclusive ? Math.ceil(high) - 1 : Math.floor(high);
    }
    if (low === undefined && high === undefined) {
      low = 0;
      high = 100;
    } else if (low === undefined) {
      low = (high as number) >= 1 ? 0 : (high as number) - 100;
    } else if (high === undefined) {
      high = low + 100;
    }
    const lo = low as number;
    const hi = high as number;
    const multipleOf = numberKeyword(flat, 'multipleOf');
    if (multipleOf !== undefined && multipleOf > 0) {
      let kLow = Math.ceil(lo / multipleOf);
      let kHigh = Math.floor(hi / multipleOf);
      if (!integer && bounds.minExclusive && kLow * multipleOf <= lo) kLow += 1;
      if (!integer && bounds.maxExclusive && kHigh * multipleOf >= hi) kHigh -= 1;
      if (kLow > kHigh) return lo;
      return Number((randomInt(this.rng, kLow, kHigh) * multipleOf).toPrecision(12));
    }
    if (integer) return lo > hi ? lo : randomInt(this.rng, lo, hi);
    // Models report themselves fairly sure: a confidence comes from the top 40 % of its range.
    const from = /confidence|certainty/i.test(hint) ? lo + 0.6 * (hi - lo) : lo;
    let value = Math.round((from + this.rng() * (hi - from)) * 100) / 100;
    value = Math.min(hi, Math.max(lo, value));
    if ((bounds.minExclusive && value <= lo) || (bounds.maxExclusive && value >= hi)) value = (lo + hi) / 2;
    return value;
  }

  private string(flat: SchemaObject, hint: string): string {
    const minLength = numberKeyword(flat, 'minLength') ?? 0;
    const maxLength = numberKeyword(flat, 'maxLength');
    const formatted = typeof flat.format === 'string' ? this.formatted(flat.format) : null;
    if (formatted !== null && formatted.length >= minLength && (maxLength === undefined || formatted.length <= maxLength)) {
      return formatted;
    }
    if (this.quotes.length > 0 && /evidence|quote/i.test(hint)) {
      const quote = this.quote(minLength, maxLength);
      if (quote !== null) return quote;
    }
    // Prose-like fields get a sentence or three, other strings a few words.
    const sentenceLike = /feedback|comment|evidence|reason|justification|explanation|summary|rationale/i.test(hint);
    const span = sentenceLike ? 200 : 60;
    const high = maxLength ?? Math.max(minLength, 12) + span;
    const low = Math.min(high, maxLength === undefined ? Math.max(minLength, sentenceLike ? 40 : 12) : minLength);
    return this.text(low, Math.min(high, low + span), sentenceLike);
  }

  /**
   * One of the quotes that fits the length limits, or the start of a longer one cut at a word
   * (still a verbatim quote); null when none can fit. Lengths count code points, as JSON Schema does.
   */
  private quote(minLength: number, maxLength: number | undefined): string | null {
    const length = (text: string): number => [...text].length;
    const fitting = this.quotes.filter((q) => length(q) >= Math.max(1, minLength) && (maxLength === undefined || length(q) <= maxLength));
    if (fitting.length > 0) return pick(this.rng, fitting);
    if (maxLength === undefined) return null;
    const cut = this.quotes
      .filter((q) => length(q) > maxLength)
      .map((q) => {
        const head = [...q].slice(0, maxLength).join('');
        const space = head.lastIndexOf(' ');
        return space > 0 ? head.slice(0, space) : head;
      })
      .filter((q) => length(q) >= Math.max(1, minLength));
    return cut.length > 0 ? pick(this.rng, cut) : null;
  }

  /** Text whose length (ASCII, so code points) lies in [low, high]. */
  private text(low: number, high: number, sentences = false): string {
    const target = randomInt(this.rng, low, high);
    if (target === 0) return '';
    if (sentences) {
      // Whole sentences, none repeated until all were used, as long as they fit.
      const order = shuffle(this.rng, [...SENTENCES]);
      let prose = '';
      for (let i = 0; prose.length < target; i += 1) {
        const next = order[i % order.length] as string;
        const candidate = prose === '' ? next : `${prose} ${next}`;
        if (candidate.length > high) break;
        prose = candidate;
      }
      if (prose.length >= low) return prose;
    }
    let text = '';
    while (text.length < target) {
      const next = sentences ? pick(this.rng, SENTENCES) : pick(this.rng, WORDS);
      text = text === '' ? capitalize(next) : `${text} ${next}`;
    }
    if (text.length > target) {
      const cut = text.lastIndexOf(' ', target);
      text = cut >= low && cut > 0 ? text.slice(0, cut) : text.slice(0, target);
    }
    return text.endsWith(' ') ? `${text.slice(0, -1)}.` : text;
  }

  private formatted(format: string): string | null {
    const day = randomInt(this.rng, 0, 364);
    const date = new Date(Date.UTC(2025, 0, 1) + day * 86_400_000);
    switch (format) {
      case 'date-time':
        return date.toISOString().replace('.000Z', 'Z');
      case 'date':
        return date.toISOString().slice(0, 10);
      case 'time':
        return '12:00:00Z';
      case 'email':
        return `student${randomInt(this.rng, 1, 999)}@example.edu`;
      case 'uri':
      case 'url':
        return `https://example.edu/${pick(this.rng, WORDS)}`;
      case 'uuid': {
        const hex = Array.from({ length: 32 }, () => randomInt(this.rng, 0, 15).toString(16)).join('');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
      }
      default:
        return null;
    }
  }
}

function inferType(flat: SchemaObject): string {
  if (isRecord(flat.properties) || Array.isArray(flat.required) || 'additionalProperties' in flat) return 'object';
  if ('items' in flat || 'prefixItems' in flat || 'minItems' in flat || 'maxItems' in flat) return 'array';
  if ('minimum' in flat || 'maximum' in flat || 'exclusiveMinimum' in flat || 'exclusiveMaximum' in flat || 'multipleOf' in flat) return 'number';
  return 'string';
}

/** Combines two schemas that both apply (allOf, a $ref with siblings, a branch with its parent). */
function merge(a: SchemaObject, b: SchemaObject): SchemaObject {
  const merged: Record<string, unknown> = { ...a, ...b };
  if (isRecord(a.properties) && isRecord(b.properties)) merged.properties = { ...a.properties, ...b.properties };
  const required = [...new Set([...stringList(a, 'required'), ...stringList(b, 'required')])];
  if (required.length > 0) merged.required = required;
  const typesA = declaredTypes(a);
  const typesB = declaredTypes(b);
  if (typesA !== null && typesB !== null) {
    const both = typesA.filter((type) => typesB.includes(type) || (type === 'integer' && typesB.includes('number')));
    const extra = typesB.filter((type) => type === 'integer' && typesA.includes('number'));
    merged.type = [...new Set([...both, ...extra])];
  }
  return merged;
}

/** Smaller is closer to a leaf: prefer it when recursion must stop. */
function complexity(schema: JsonSchema | undefined): number {
  if (schema === undefined || typeof schema === 'boolean') return 1;
  const text = JSON.stringify(schema);
  const types = declaredTypes(schema);
  if (types !== null && types.length === 1 && types[0] === 'null') return 0;
  return text.includes('$ref') ? 1000 + text.length : text.length;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
