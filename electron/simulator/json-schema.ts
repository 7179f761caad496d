/**
 * A small JSON Schema reader and checker covering the subset structured-output providers
 * accept (type, properties, required, additionalProperties, enum, const, string/number/array
 * bounds, anyOf/oneOf/allOf, `$ref` into `$defs`). The filler uses it as an oracle: it
 * double-checks what it generated, and the schema_invalid fault uses it to be sure the
 * answer it sends really is invalid.
 */

export type JsonSchema = boolean | SchemaObject;
export interface SchemaObject {
  readonly [keyword: string]: unknown;
}

export class SchemaError extends Error {
  override name = 'SchemaError';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asSchema(value: unknown): JsonSchema | undefined {
  if (typeof value === 'boolean' || isRecord(value)) return value;
  return undefined;
}

export function numberKeyword(schema: SchemaObject, keyword: string): number | undefined {
  const value = schema[keyword];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function schemaList(schema: SchemaObject, keyword: string): JsonSchema[] | undefined {
  const value = schema[keyword];
  if (!Array.isArray(value)) return undefined;
  return value.map((item) => asSchema(item) ?? true);
}

export function stringList(schema: SchemaObject, keyword: string): string[] {
  const value = schema[keyword];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The types a schema allows (`type` as string or list), or null when it does not say. */
export function declaredTypes(schema: SchemaObject): string[] | null {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((item): item is string => typeof item === 'string');
  return null;
}

/** Resolves a local `$ref` (`#`, `#/$defs/X`, any JSON pointer into the root schema). */
export function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith('#')) throw new SchemaError(`unsupported $ref ${ref}: only local references work`);
  const pointer = ref.slice(1);
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) throw new SchemaError(`unsupported $ref ${ref}`);
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isRecord(node)) node = node[token];
    else node = undefined;
    if (node === undefined) throw new SchemaError(`$ref ${ref} points nowhere`);
  }
  const schema = asSchema(node);
  if (schema === undefined) throw new SchemaError(`$ref ${ref} is not a schema`);
  return schema;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

/** Deep equality for JSON values (enum, const, uniqueItems). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
  }
  return false;
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

const MAX_REF_DEPTH = 64;

/**
 * Problems of `value` against `schema`, each as "path: message"; empty means valid.
 * `format` is treated as an annotation, as JSON Schema 2020-12 does by default.
 */
export function validateJson(schema: JsonSchema, value: unknown): string[] {
  return validateAgainst(schema, schema, value);
}

/** Like {@link validateJson} for a part of `root` (its `$ref`s resolve against `root`). */
export function validateAgainst(root: JsonSchema, schema: JsonSchema, value: unknown): string[] {
  const problems: string[] = [];
  check(root, schema, value, '$', problems, 0);
  return problems;
}

function check(root: JsonSchema, schema: JsonSchema, value: unknown, path: string, out: string[], depth: number): void {
  if (schema === true) return;
  if (schema === false) {
    out.push(`${path}: no value is allowed here`);
    return;
  }
  if (depth > MAX_REF_DEPTH) throw new SchemaError('schema references nest too deeply');
  if (typeof schema.$ref === 'string') {
    check(root, resolveRef(root, schema.$ref), value, path, out, depth + 1);
  }
  if ('const' in schema && !jsonEqual(schema.const, value)) out.push(`${path}: must equal ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => jsonEqual(option, value))) {
    out.push(`${path}: must be one of ${JSON.stringify(schema.enum)}`);
  }
  const types = declaredTypes(schema);
  if (types !== null) {
    const allowed = schema.nullable === true ? [...types, 'null'] : types;
    if (!allowed.some((type) => matchesType(value, type))) {
      out.push(`${path}: must be of type ${allowed.join(' or ')}`);
      return;
    }
  }
  for (const sub of schemaList(schema, 'allOf') ?? []) check(root, sub, value, path, out, depth + 1);
  const anyOf = schemaList(schema, 'anyOf');
  if (anyOf !== undefined && !anyOf.some((sub) => validates(root, sub, value, depth))) {
    out.push(`${path}: matches none of anyOf`);
  }
  const oneOf = schemaList(schema, 'oneOf');
  if (oneOf !== undefined) {
    const matches = oneOf.filter((sub) => validates(root, sub, value, depth)).length;
    if (matches !== 1) out.push(`${path}: matches ${matches} of oneOf, expected exactly 1`);
  }
  const not = asSchema(schema.not);
  if (not !== undefined && validates(root, not, value, depth)) out.push(`${path}: must not match "not"`);

  if (typeof value === 'string') checkString(schema, value, path, out);
  else if (typeof value === 'number') checkNumber(schema, value, path, out);
  else if (Array.isArray(value)) checkArray(root, schema, value, path, out, depth);
  else if (isRecord(value)) checkObject(root, schema, value, path, out, depth);
}

function validates(root: JsonSchema, schema: JsonSchema, value: unknown, depth: number): boolean {
  const out: string[] = [];
  check(root, schema, value, '$', out, depth + 1);
  return out.length === 0;
}

function checkString(schema: SchemaObject, value: string, path: string, out: string[]): void {
  const length = codePoints(value);
  const minLength = numberKeyword(schema, 'minLength');
  const maxLength = numberKeyword(schema, 'maxLength');
  if (minLength !== undefined && length < minLength) out.push(`${path}: shorter than ${minLength}`);
  if (maxLength !== undefined && length > maxLength) out.push(`${path}: longer than ${maxLength}`);
  if (typeof schema.pattern === 'string') {
    let pattern: RegExp | null = null;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      pattern = null; // a pattern JavaScript cannot compile is not enforced
    }
    if (pattern !== null && !pattern.test(value)) out.push(`${path}: does not match ${schema.pattern}`);
  }
}

/** Lower and upper bounds of a number schema, draft 4 (boolean exclusives) or 2020-12 style. */
export interface NumberBounds {
  min: number | undefined;
  minExclusive: boolean;
  max: number | undefined;
  maxExclusive: boolean;
}

export function numberBounds(schema: SchemaObject): NumberBounds {
  let min = numberKeyword(schema, 'minimum');
  let max = numberKeyword(schema, 'maximum');
  let minExclusive = schema.exclusiveMinimum === true;
  let maxExclusive = schema.exclusiveMaximum === true;
  const exMin = numberKeyword(schema, 'exclusiveMinimum');
  const exMax = numberKeyword(schema, 'exclusiveMaximum');
  if (exMin !== undefined && (min === undefined || exMin >= min)) {
    min = exMin;
    minExclusive = true;
  }
  if (exMax !== undefined && (max === undefined || exMax <= max)) {
    max = exMax;
    maxExclusive = true;
  }
  return { min, minExclusive, max, maxExclusive };
}

function checkNumber(schema: SchemaObject, value: number, path: string, out: string[]): void {
  const { min, minExclusive, max, maxExclusive } = numberBounds(schema);
  if (min !== undefined && (minExclusive ? value <= min : value < min)) out.push(`${path}: below ${min}`);
  if (max !== undefined && (maxExclusive ? value >= max : value > max)) out.push(`${path}: above ${max}`);
  const multipleOf = numberKeyword(schema, 'multipleOf');
  if (multipleOf !== undefined && multipleOf > 0) {
    const quotient = value / multipleOf;
    if (Math.abs(quotient - Math.round(quotient)) > 1e-9) out.push(`${path}: not a multiple of ${multipleOf}`);
  }
}

function checkArray(root: JsonSchema, schema: SchemaObject, value: unknown[], path: string, out: string[], depth: number): void {
  const minItems = numberKeyword(schema, 'minItems');
  const maxItems = numberKeyword(schema, 'maxItems');
  if (minItems !== undefined && value.length < minItems) out.push(`${path}: fewer than ${minItems} items`);
  if (maxItems !== undefined && value.length > maxItems) out.push(`${path}: more than ${maxItems} items`);
  const prefix = schemaList(schema, 'prefixItems') ?? [];
  const items = asSchema(schema.items);
  value.forEach((item, index) => {
    const itemSchema = index < prefix.length ? prefix[index] : items;
    if (itemSchema !== undefined) check(root, itemSchema, item, `${path}[${index}]`, out, depth + 1);
  });
  if (schema.uniqueItems === true) {
    for (let i = 0; i < value.length; i += 1) {
      for (let j = i + 1; j < value.length; j += 1) {
        if (jsonEqual(value[i], value[j])) {
          out.push(`${path}: items ${i} and ${j} are equal`);
          return;
        }
      }
    }
  }
}

function checkObject(
  root: JsonSchema,
  schema: SchemaObject,
  value: Record<string, unknown>,
  path: string,
  out: string[],
  depth: number,
): void {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const name of stringList(schema, 'required')) {
    if (!(name in value)) out.push(`${path}: missing required property "${name}"`);
  }
  const keys = Object.keys(value);
  const minProperties = numberKeyword(schema, 'minProperties');
  const maxProperties = numberKeyword(schema, 'maxProperties');
  if (minProperties !== undefined && keys.length < minProperties) out.push(`${path}: fewer than ${minProperties} properties`);
  if (maxProperties !== undefined && keys.length > maxProperties) out.push(`${path}: more than ${maxProperties} properties`);
  const patterns = isRecord(schema.patternProperties) ? Object.entries(schema.patternProperties) : [];
  const additional = asSchema(schema.additionalProperties);
  for (const key of keys) {
    const childPath = `${path}.${key}`;
    let matched = false;
    if (Object.hasOwn(properties, key)) {
      matched = true;
      check(root, asSchema(properties[key]) ?? true, value[key], childPath, out, depth + 1);
    }
    for (const [pattern, sub] of patterns) {
      let regex: RegExp | null;
      try {
        regex = new RegExp(pattern, 'u');
      } catch {
        regex = null;
      }
      if (regex?.test(key)) {
        matched = true;
        check(root, asSchema(sub) ?? true, value[key], childPath, out, depth + 1);
      }
    }
    if (!matched && additional !== undefined) {
      if (additional === false) out.push(`${path}: unexpected property "${key}"`);
      else check(root, additional, value[key], childPath, out, depth + 1);
    }
  }
}
