import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaError, fillSchema, validateJson, violateSchema } from '../../../electron/simulator/index.ts';
import { findSchemaInText } from '../../../electron/simulator/content.ts';
import { mulberry32 } from '../../../electron/simulator/random.ts';

const rubric = {
  type: 'object',
  properties: {
    criteria: { type: 'array', minItems: 3, maxItems: 3, items: { $ref: '#/$defs/criterion' } },
    total: { type: 'number', minimum: 0, maximum: 100, multipleOf: 0.5 },
    flagged: { type: 'boolean' },
    comment: { type: ['string', 'null'], maxLength: 200 },
  },
  required: ['criteria', 'total', 'flagged', 'comment'],
  additionalProperties: false,
  $defs: {
    criterion: {
      type: 'object',
      properties: {
        id: { type: 'string', const: 'C1' },
        points: { type: 'integer', minimum: 0, maximum: 5 },
        level: { type: 'string', enum: ['missing', 'weak', 'good', 'excellent'] },
        evidence: { type: 'array', items: { type: 'string', minLength: 5, maxLength: 40 }, maxItems: 2 },
        feedback: { type: 'string' },
      },
      required: ['id', 'points', 'level', 'evidence', 'feedback'],
      additionalProperties: false,
    },
  },
};

const scalars = {
  type: 'object',
  properties: {
    exact: { type: 'string', minLength: 50, maxLength: 55 },
    short: { type: 'string', maxLength: 3 },
    positive: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    small: { type: 'integer', minimum: -3, exclusiveMaximum: -1 },
    fixed: { const: 'v1' },
    mixed: { enum: [1, 'a', null] },
    big: { type: 'integer', minimum: 1000 },
  },
  required: ['exact', 'short', 'positive', 'small', 'fixed', 'mixed', 'big'],
  additionalProperties: false,
};

const branches = {
  type: 'object',
  properties: {
    either: { oneOf: [{ type: 'integer', maximum: 0 }, { type: 'integer', minimum: 10 }] },
    contact: { anyOf: [{ type: 'string', format: 'email' }, { type: 'null' }] },
    when: { type: 'string', format: 'date-time' },
    ref: { type: 'string', format: 'uuid' },
  },
  required: ['either', 'contact', 'when', 'ref'],
  additionalProperties: false,
};

const tree = {
  $ref: '#/$defs/node',
  $defs: {
    node: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1 },
        children: { type: 'array', items: { $ref: '#/$defs/node' } },
      },
      required: ['name', 'children'],
      additionalProperties: false,
    },
  },
};

const composed = {
  allOf: [
    { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
    { type: 'object', properties: { b: { type: 'array', prefixItems: [{ type: 'integer' }, { type: 'string', format: 'date' }], items: false } }, required: ['b'] },
    { type: 'object', properties: { tags: { type: 'array', items: { enum: ['x', 'y', 'z'] }, uniqueItems: true, minItems: 3 } }, required: ['tags'] },
  ],
};

/** Keywords zod's fromJSONSchema does not follow (object const, allOf beside properties): own checker only. */
const beyondZod = {
  type: 'object',
  allOf: [{ properties: { a: { type: 'string' } }, required: ['a'] }],
  properties: { fixed: { const: { nested: [1, 2] } }, tags: { type: 'array', items: { enum: [1, 2] }, uniqueItems: true } },
  required: ['fixed', 'tags'],
};

const nullableList = { type: 'array', items: { type: ['integer', 'null'], minimum: 1, maximum: 3 }, minItems: 5, maxItems: 5 };

const topEnum = { type: 'string', enum: ['A', 'B', 'C'] };

const schemas: [string, Record<string, unknown>][] = [
  ['object const and allOf beside properties', beyondZod],
  ['rubric with $defs', rubric],
  ['scalar bounds, const and enum', scalars],
  ['oneOf, anyOf and formats', branches],
  ['recursive $ref', tree],
  ['allOf, prefixItems and uniqueItems', composed],
  ['nullable type arrays', nullableList],
  ['top-level enum', topEnum],
];

const SEEDS = Array.from({ length: 25 }, (_, i) => i + 1);

describe('fillSchema', () => {
  it.each(schemas)('%s: every seed gives a value that validates (own checker and zod)', (_name, schema) => {
    const zodSchema = schema === beyondZod ? null : z.fromJSONSchema(schema);
    for (const seed of SEEDS) {
      const value = fillSchema(schema, mulberry32(seed));
      expect(validateJson(schema, value), `seed ${seed}: ${JSON.stringify(value)}`).toEqual([]);
      const parsed = zodSchema?.safeParse(value);
      expect(parsed?.success ?? true, `seed ${seed}: ${JSON.stringify(value)} ${parsed?.error?.message}`).toBe(true);
    }
  });

  it('honours the concrete constraints', () => {
    for (const seed of SEEDS) {
      const rubricValue = fillSchema(rubric, mulberry32(seed)) as { criteria: { id: string; points: number }[]; total: number };
      expect(rubricValue.criteria).toHaveLength(3);
      expect(rubricValue.criteria.every((criterion) => criterion.id === 'C1' && Number.isInteger(criterion.points))).toBe(true);
      expect(Number.isInteger(rubricValue.total * 2)).toBe(true);
      const scalarValue = fillSchema(scalars, mulberry32(seed)) as { exact: string; small: number; positive: number; fixed: unknown; big: number };
      expect(scalarValue.exact.length).toBeGreaterThanOrEqual(50);
      expect(scalarValue.exact.length).toBeLessThanOrEqual(55);
      expect([-3, -2]).toContain(scalarValue.small);
      expect(scalarValue.positive).toBeGreaterThan(0);
      expect(scalarValue.positive).toBeLessThan(1);
      expect(scalarValue.fixed).toBe('v1');
      expect(scalarValue.big).toBeGreaterThanOrEqual(1000);
      expect((fillSchema(composed, mulberry32(seed)) as { tags: string[] }).tags.slice().sort()).toEqual(['x', 'y', 'z']);
      const beyond = fillSchema(beyondZod, mulberry32(seed)) as { fixed: unknown; tags: number[] };
      expect(beyond.fixed).toEqual({ nested: [1, 2] });
      expect(new Set(beyond.tags).size).toBe(beyond.tags.length);
    }
  });

  it('is deterministic per seed and varies across seeds', () => {
    expect(fillSchema(rubric, mulberry32(3))).toEqual(fillSchema(rubric, mulberry32(3)));
    const distinct = new Set(SEEDS.map((seed) => JSON.stringify(fillSchema(rubric, mulberry32(seed)))));
    expect(distinct.size).toBeGreaterThan(20);
  });

  it('mixes null and values for nullable types', () => {
    const items = SEEDS.flatMap((seed) => fillSchema(nullableList, mulberry32(seed)) as (number | null)[]);
    expect(items.filter((item) => item === null).length).toBeGreaterThan(5);
    expect(items.filter((item) => item !== null).length).toBeGreaterThan(50);
  });

  it('terminates on recursive schemas with nested children', () => {
    const depths = SEEDS.map((seed) => {
      const depth = (node: { children: unknown[] }): number => 1 + Math.max(0, ...node.children.map((child) => depth(child as { children: unknown[] })));
      return depth(fillSchema(tree, mulberry32(seed)) as { children: unknown[] });
    });
    expect(Math.max(...depths)).toBeGreaterThan(1);
    expect(Math.max(...depths)).toBeLessThanOrEqual(8);
  });

  it('rejects schemas it cannot satisfy or resolve', () => {
    expect(() => fillSchema({ $ref: 'https://example.com/schema.json' }, mulberry32(1))).toThrow(SchemaError);
    expect(() => fillSchema({ $ref: '#/$defs/missing' }, mulberry32(1))).toThrow(/points nowhere/);
    expect(() => fillSchema({ enum: [] }, mulberry32(1))).toThrow(SchemaError);
    expect(() => fillSchema('not a schema', mulberry32(1))).toThrow(SchemaError);
  });
});

describe('fillSchema, like a model', () => {
  it('reports a confidence from the top of its range, and other numbers from all of it', () => {
    const schema = { type: 'object', properties: { confidence: { type: 'number', minimum: 0, maximum: 1 }, score: { type: 'number', minimum: 0, maximum: 1 } }, required: ['confidence', 'score'] };
    const values = Array.from({ length: 200 }, (_, seed) => fillSchema(schema, mulberry32(seed + 1)) as { confidence: number; score: number });
    expect(values.every((v) => v.confidence >= 0.6 && v.confidence <= 1)).toBe(true);
    expect(values.some((v) => v.score < 0.3)).toBe(true);
  });
});

describe('violateSchema', () => {
  it.each(schemas)('%s: every seed gives JSON that does NOT validate (own checker and zod)', (_name, schema) => {
    const zodSchema = schema === beyondZod ? null : z.fromJSONSchema(schema);
    for (const seed of SEEDS) {
      const value = violateSchema(schema, mulberry32(seed));
      expect(JSON.parse(JSON.stringify(value))).toEqual(value);
      expect(validateJson(schema, value).length, `seed ${seed}: ${JSON.stringify(value)}`).toBeGreaterThan(0);
      expect(zodSchema?.safeParse(value).success ?? false, `seed ${seed}: ${JSON.stringify(value)}`).toBe(false);
    }
  });
});

describe('validateJson (the oracle the filler trusts)', () => {
  const valid = { criteria: [0, 1, 2].map(() => ({ id: 'C1', points: 3, level: 'good', evidence: ['quote'], feedback: 'ok' })), total: 9.5, flagged: false, comment: null };

  it('accepts a hand-written valid value', () => {
    expect(validateJson(rubric, valid)).toEqual([]);
  });

  it.each([
    ['missing required', { ...valid, flagged: undefined }, 'missing required property "flagged"'],
    ['extra property', { ...valid, extra: 1 }, 'unexpected property "extra"'],
    ['enum', { ...valid, criteria: [{ ...valid.criteria[0], level: 'great' }, valid.criteria[1], valid.criteria[2]] }, 'must be one of'],
    ['const', { ...valid, criteria: [{ ...valid.criteria[0], id: 'C2' }, valid.criteria[1], valid.criteria[2]] }, 'must equal'],
    ['integer', { ...valid, criteria: [{ ...valid.criteria[0], points: 2.5 }, valid.criteria[1], valid.criteria[2]] }, 'must be of type integer'],
    ['maximum', { ...valid, criteria: [{ ...valid.criteria[0], points: 6 }, valid.criteria[1], valid.criteria[2]] }, 'above 5'],
    ['multipleOf', { ...valid, total: 9.25 }, 'not a multiple of 0.5'],
    ['minItems', { ...valid, criteria: valid.criteria.slice(1) }, 'fewer than 3 items'],
    ['minLength', { ...valid, criteria: [{ ...valid.criteria[0], evidence: ['abc'] }, valid.criteria[1], valid.criteria[2]] }, 'shorter than 5'],
    ['type', { ...valid, comment: 5 }, 'must be of type string or null'],
  ])('reports %s', (_name, value, message) => {
    const problems = validateJson(rubric, JSON.parse(JSON.stringify(value)));
    expect(problems.join('\n')).toContain(message);
  });

  it('requires exactly one oneOf branch', () => {
    const schema = { oneOf: [{ type: 'integer' }, { type: 'number' }] };
    expect(validateJson(schema, 1.5)).toEqual([]);
    expect(validateJson(schema, 2)[0]).toContain('matches 2 of oneOf');
  });
});

describe('findSchemaInText', () => {
  it('finds the largest schema-looking object and ignores other braces', () => {
    const text = `Essay: {not json} and a set {1, 2}.\nExample: {"score": 3}\nSchema:\n${JSON.stringify(rubric, null, 2)}\nThanks`;
    expect(findSchemaInText(text)).toEqual(rubric);
    expect(findSchemaInText('No schema here {"score": 3}')).toBeUndefined();
  });
});
