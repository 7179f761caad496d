/**
 * The arithmetic of the ink walk (pdf-ink.ts): pdfjs' matrices, boxes in page space, colours,
 * and the operator arguments pdfjs passes (arrays or typed arrays, never trusted to be numbers).
 */
export type Matrix = [number, number, number, number, number, number];
/** [minX, minY, maxX, maxY] in page space. */
export type Box = [number, number, number, number];

export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m1 × m2 as pdfjs' `Util.transform` computes it: m2 applied first. */
export function multiply(m1: readonly number[], m2: readonly number[]): Matrix {
  const [a1 = 1, b1 = 0, c1 = 0, d1 = 1, e1 = 0, f1 = 0] = m1;
  const [a2 = 1, b2 = 0, c2 = 0, d2 = 1, e2 = 0, f2 = 0] = m2;
  return [a1 * a2 + c1 * b2, b1 * a2 + d1 * b2, a1 * c2 + c1 * d2, b1 * c2 + d1 * d2, a1 * e2 + c1 * f2 + e1, b1 * e2 + d1 * f2 + f1];
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** Bounding box in page space of the rectangle [x0,y0]–[x1,y1] drawn under `m`. */
export function boxUnder(m: Matrix, x0: number, y0: number, x1: number, y1: number): Box {
  const points = [apply(m, x0, y0), apply(m, x1, y0), apply(m, x0, y1), apply(m, x1, y1)];
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

export const intersects = (a: Box, b: Box): boolean => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

export function clippedArea(box: Box, view: Box): number {
  const w = Math.min(box[2], view[2]) - Math.max(box[0], view[0]);
  const h = Math.min(box[3], view[3]) - Math.max(box[1], view[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/** `#rrggbb` with every channel at least 0xF0: white to the eye on white paper. */
export function isNearWhiteHex(color: string): boolean {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  return match !== null && match.slice(1).every((channel) => parseInt(channel, 16) >= 0xf0);
}

// ---------------------------------------------------------------------------------------------
// Operator arguments

export const num = (value: unknown, fallback = 0): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

export const isArrayLike = (value: unknown): value is ArrayLike<unknown> => typeof value === 'object' && value !== null && 'length' in value;

/** An array or typed array of finite numbers (pdfjs passes both), else []. */
export function numbers(value: unknown): number[] {
  if (!isArrayLike(value)) return [];
  const out = Array.from(value, (v) => (typeof v === 'number' ? v : NaN));
  return out.every(Number.isFinite) ? out : [];
}

export function matrixArg(value: unknown): Matrix | null {
  const [a, b, c, d, e, f, ...rest] = numbers(value);
  if (a === undefined || b === undefined || c === undefined || d === undefined || e === undefined || f === undefined || rest.length > 0) return null;
  return [a, b, c, d, e, f];
}
