/**
 * Where and how a PDF page draws its text, from pdfjs' operator list: the colour, render mode,
 * opacity, size and position of every glyph, which `getTextContent` does not report. This is
 * what tells white, invisible, microscopic and off-page text from text a reader sees.
 *
 * The walk mirrors the text-state arithmetic of pdfjs' own `getTextContent` (same advances, same
 * "outside the page" test), so its glyphs line up one for one with the text items (see
 * `pdf-hidden.ts`). It is a single pass over the list with a per-page budget of operations; it
 * never decodes anything. Images are not in the list at all (the document it comes from is opened
 * with `maxImageSize: 0`, so pdfjs drops them instead of decoding them): an image shows up as a
 * `cm` followed by nothing before the `Q` that closes it, and is recognised by that.
 */
import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

export type Matrix = [number, number, number, number, number, number];
/** [minX, minY, maxX, maxY] in page space. */
export type Box = [number, number, number, number];

/** What makes a run of text unreadable, decided while it is drawn. */
export interface RunFacts {
  /** Render mode 3 or 7, or a fully transparent paint. */
  invisible: boolean;
  /** Painted white or near-white, and nothing but white paper under it so far. */
  white: boolean;
  /** Smaller than 1 pt tall, or squeezed below 1 pt wide per em. */
  tiny: boolean;
}

export type GlyphCategory = 'char' | 'space' | 'mark' | 'format';

export interface InkGlyph {
  /** The glyph's text as `getTextContent` normalises it. */
  text: string;
  /** `char`: a visible character; `space`: whitespace; `mark`: zero-width diacritic; `format`: invisible format character. */
  category: GlyphCategory;
  /** Origin and end of the advance, page space. */
  x: number;
  y: number;
  endX: number;
  endY: number;
  /** One em in page units: the scale for "is this a gap between words". */
  em: number;
  /** Origin outside the page's visible box: `getTextContent` leaves the glyph out. */
  offPage: boolean;
  run: RunFacts;
}

export interface PageInk {
  glyphs: InkGlyph[];
  /** Share of the page covered by images (sum of their boxes, capped at 1). */
  imageCoverage: number;
  /** False when the operation budget ran out before the end of the page. */
  complete: boolean;
}

export interface FontMetrics {
  fontMatrix?: number[];
  isType3Font?: boolean;
  vertical?: boolean;
  bbox?: number[];
}

export interface OperatorList {
  fnArray: ArrayLike<number>;
  argsArray: ArrayLike<unknown>;
}

/** Walk at most this many operations of one page; text after that counts as visible. */
export const MAX_OPS_PER_PAGE = 250_000;
/** Painted areas remembered per page; past that, white text is given the benefit of the doubt. */
const MAX_PAINTED_BOXES = 2_000;
const TINY_POINTS = 1;
/** Paint at or below this opacity is invisible. */
const TRANSPARENT_ALPHA = 0.05;
const FONT_IDENTITY: Matrix = [0.001, 0, 0, 0.001, 0, 0];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

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
function boxUnder(m: Matrix, x0: number, y0: number, x1: number, y1: number): Box {
  const points = [apply(m, x0, y0), apply(m, x1, y0), apply(m, x0, y1), apply(m, x1, y1)];
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

const intersects = (a: Box, b: Box): boolean => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

function clippedArea(box: Box, view: Box): number {
  const w = Math.min(box[2], view[2]) - Math.max(box[0], view[0]);
  const h = Math.min(box[3], view[3]) - Math.max(box[1], view[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/** `#rrggbb` with every channel at least 0xF0: white to the eye on white paper. */
export function isNearWhiteHex(color: string): boolean {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  return match !== null && match.slice(1).every((channel) => parseInt(channel, 16) >= 0xf0);
}

interface GraphicsState {
  ctm: Matrix;
  /** `#rrggbb`, or `pattern` for a pattern or shading (never white). */
  fill: string;
  stroke: string;
  fillAlpha: number;
  strokeAlpha: number;
  renderMode: number;
  font: string | null;
  fontSize: number;
  charSpacing: number;
  wordSpacing: number;
  hScale: number;
  leading: number;
  rise: number;
  tm: Matrix;
  tlm: Matrix;
}

const initialState = (): GraphicsState => ({
  ctm: [...IDENTITY],
  fill: '#000000',
  stroke: '#000000',
  fillAlpha: 1,
  strokeAlpha: 1,
  renderMode: 0,
  font: null,
  fontSize: 0,
  charSpacing: 0,
  wordSpacing: 0,
  hScale: 1,
  leading: 0,
  rise: 0,
  tm: [...IDENTITY],
  tlm: [...IDENTITY],
});

const cloneState = (s: GraphicsState): GraphicsState => ({ ...s, ctm: [...s.ctm], tm: [...s.tm], tlm: [...s.tlm] });

const PAINTS_PATH = new Set<number>([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
const IMAGE_OPS = new Set<number>([
  OPS.paintImageXObject,
  OPS.paintImageMaskXObject,
  OPS.paintImageMaskXObjectGroup,
  OPS.paintInlineImageXObject,
  OPS.paintInlineImageXObjectGroup,
  OPS.paintImageXObjectRepeat,
  OPS.paintImageMaskXObjectRepeat,
  OPS.paintSolidColorImageMask,
]);
/** Operations that put something on the page: after one, a pending `cm` was not an image's. */
const DRAWS = new Set<number>([...IMAGE_OPS, OPS.showText, OPS.constructPath, OPS.shadingFill, OPS.paintFormXObjectBegin, OPS.beginText]);

const SPECIAL_CHAR = /^(\s)|(\p{Mn})|(\p{Cf})$/u;

const categories = new Map<string, GlyphCategory>();

/** The category pdfjs' text extraction gives a glyph's text (same expression as pdfjs, cached like pdfjs). */
function categoryOf(unicode: string): GlyphCategory {
  let category = categories.get(unicode);
  if (category === undefined) {
    category = matchCategory(unicode);
    if (categories.size < 10_000) categories.set(unicode, category);
  }
  return category;
}

function matchCategory(unicode: string): GlyphCategory {
  const match = SPECIAL_CHAR.exec(unicode);
  if (match?.[1] !== undefined) return 'space';
  if (match?.[2] !== undefined) return 'mark';
  if (match?.[3] !== undefined) return 'format';
  return 'char';
}

const num = (value: unknown, fallback = 0): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

const isArrayLike = (value: unknown): value is ArrayLike<unknown> => typeof value === 'object' && value !== null && 'length' in value;

/** An array or typed array of finite numbers (pdfjs passes both), else []. */
function numbers(value: unknown): number[] {
  if (!isArrayLike(value)) return [];
  const out = Array.from(value, (v) => (typeof v === 'number' ? v : NaN));
  return out.every(Number.isFinite) ? out : [];
}

function matrixArg(value: unknown): Matrix | null {
  const [a, b, c, d, e, f, ...rest] = numbers(value);
  if (a === undefined || b === undefined || c === undefined || d === undefined || e === undefined || f === undefined || rest.length > 0) return null;
  return [a, b, c, d, e, f];
}

/**
 * How many text-space units one em is across and up. 1 for ordinary fonts (1000 glyph units at
 * 0.001). A Type 3 font's glyph space is its own: its height comes from its bounding box, as in
 * pdfjs; without one, the font matrix alone (which errs on the large side: never a false "tiny").
 */
function emScale(metrics: FontMetrics | undefined): [number, number] {
  const [a = 0.001, , , d = 0.001] = metrics?.fontMatrix ?? FONT_IDENTITY;
  const [, y0 = 0, , y1 = 0] = metrics?.bbox ?? [];
  if (metrics?.isType3Font && y1 - y0 > 0) return [Math.abs(a) * (y1 - y0), Math.abs(d) * (y1 - y0)];
  return [Math.abs(a) * 1000, Math.abs(d) * 1000];
}

interface PdfGlyph {
  unicode?: unknown;
  width?: unknown;
  vmetric?: unknown;
  originalCharCode?: unknown;
}

/** Walks one page's operator list. */
class InkWalker {
  private state = initialState();
  private readonly stack: GraphicsState[] = [];
  private readonly painted: Box[] = [];
  private paintedOverflow = false;
  private pendingImage: Box | null = null;
  private readonly images: Box[] = [];
  readonly glyphs: InkGlyph[] = [];

  constructor(
    private readonly view: Box,
    private readonly fonts: (name: string) => FontMetrics | undefined,
  ) {}

  imageCoverage(): number {
    const area = (this.view[2] - this.view[0]) * (this.view[3] - this.view[1]);
    if (area <= 0) return 0;
    return Math.min(1, this.images.reduce((sum, box) => sum + clippedArea(box, this.view), 0) / area);
  }

  step(fn: number, args: readonly unknown[]): void {
    if (DRAWS.has(fn)) this.pendingImage = null;
    const s = this.state;
    switch (fn) {
      case OPS.save:
        this.stack.push(cloneState(s));
        break;
      case OPS.restore:
        this.flushPendingImage();
        this.state = this.stack.pop() ?? this.state;
        break;
      case OPS.transform: {
        const m = matrixArg(args);
        if (!m) break;
        s.ctm = multiply(s.ctm, m);
        this.pendingImage = boxUnder(s.ctm, 0, 0, 1, 1);
        break;
      }
      case OPS.paintFormXObjectBegin: {
        this.stack.push(cloneState(s));
        const m = matrixArg(args[0]);
        if (m) s.ctm = multiply(s.ctm, m);
        break;
      }
      case OPS.paintFormXObjectEnd:
        this.flushPendingImage();
        this.state = this.stack.pop() ?? this.state;
        break;
      case OPS.setFillRGBColor:
        s.fill = typeof args[0] === 'string' ? args[0] : 'pattern';
        break;
      case OPS.setStrokeRGBColor:
        s.stroke = typeof args[0] === 'string' ? args[0] : 'pattern';
        break;
      case OPS.setFillColorN:
      case OPS.setFillTransparent:
        s.fill = 'pattern';
        break;
      case OPS.setStrokeColorN:
      case OPS.setStrokeTransparent:
        s.stroke = 'pattern';
        break;
      case OPS.setGState:
        this.setGState(args[0]);
        break;
      case OPS.constructPath:
        if (PAINTS_PATH.has(num(args[0], -1))) this.paintPath(args[2]);
        break;
      case OPS.shadingFill:
        // Painted over the clip, which is not tracked: assume it could be anywhere.
        this.addPainted([-Infinity, -Infinity, Infinity, Infinity]);
        break;
      default:
        if (IMAGE_OPS.has(fn)) this.addImage(boxUnder(s.ctm, 0, 0, 1, 1));
        else this.textOp(fn, args);
    }
  }

  private textOp(fn: number, args: readonly unknown[]): void {
    const s = this.state;
    switch (fn) {
      case OPS.beginText:
        s.tm = [...IDENTITY];
        s.tlm = [...IDENTITY];
        break;
      case OPS.setFont:
        s.font = typeof args[0] === 'string' ? args[0] : null;
        s.fontSize = num(args[1]);
        break;
      case OPS.setTextRenderingMode:
        s.renderMode = num(args[0]);
        break;
      case OPS.setCharSpacing:
        s.charSpacing = num(args[0]);
        break;
      case OPS.setWordSpacing:
        s.wordSpacing = num(args[0]);
        break;
      case OPS.setHScale:
        s.hScale = num(args[0], 100) / 100;
        break;
      case OPS.setLeading:
        s.leading = num(args[0]);
        break;
      case OPS.setTextRise:
        s.rise = num(args[0]);
        break;
      case OPS.moveText:
        this.moveLine(num(args[0]), num(args[1]));
        break;
      case OPS.setLeadingMoveText:
        s.leading = -num(args[1]);
        this.moveLine(num(args[0]), num(args[1]));
        break;
      case OPS.nextLine:
        this.moveLine(0, -s.leading);
        break;
      case OPS.setTextMatrix: {
        const m = matrixArg(args[0]) ?? matrixArg(args);
        if (m) {
          s.tm = [...m];
          s.tlm = [...m];
        }
        break;
      }
      case OPS.showText:
        if (Array.isArray(args[0])) this.showText(args[0] as unknown[]);
        break;
    }
  }

  private moveLine(x: number, y: number): void {
    const { tlm } = this.state;
    tlm[4] = tlm[0] * x + tlm[2] * y + tlm[4];
    tlm[5] = tlm[1] * x + tlm[3] * y + tlm[5];
    this.state.tm = [...tlm];
  }

  private translateText(x: number, y: number): void {
    const { tm } = this.state;
    tm[4] = tm[0] * x + tm[2] * y + tm[4];
    tm[5] = tm[1] * x + tm[3] * y + tm[5];
  }

  private setGState(entries: unknown): void {
    if (!Array.isArray(entries)) return;
    for (const entry of entries as unknown[]) {
      if (!Array.isArray(entry)) continue;
      const [key, value] = entry as [unknown, unknown];
      if (key === 'ca') this.state.fillAlpha = num(value, 1);
      else if (key === 'CA') this.state.strokeAlpha = num(value, 1);
      else if (key === 'Font' && Array.isArray(value)) {
        this.state.font = typeof value[0] === 'string' ? value[0] : null;
        this.state.fontSize = num(value[1]);
      }
    }
  }

  /** A filled path in a colour other than white hides the paper under it (its bounds are in user space). */
  private paintPath(minMax: unknown): void {
    const s = this.state;
    if (isNearWhiteHex(s.fill) || s.fillAlpha <= TRANSPARENT_ALPHA) return;
    const bounds = numbers(minMax);
    const [x0, y0, x1, y1] = bounds;
    if (bounds.length !== 4 || x0 === undefined || y0 === undefined || x1 === undefined || y1 === undefined || x0 > x1 || y0 > y1) return;
    this.addPainted(boxUnder(s.ctm, x0, y0, x1, y1));
  }

  private addPainted(box: Box): void {
    if (this.painted.length >= MAX_PAINTED_BOXES) this.paintedOverflow = true;
    else this.painted.push(box);
  }

  /** A `cm` that nothing was drawn under before its `Q` (or the end of the page) placed an image. */
  flushPendingImage(): void {
    if (this.pendingImage) this.addImage(this.pendingImage);
    this.pendingImage = null;
  }

  private addImage(box: Box): void {
    this.images.push(box);
    this.addPainted(box);
  }

  /** The text rendering matrix (text space → page space) at the current glyph, as pdfjs computes it. */
  private renderingMatrix(): Matrix {
    const s = this.state;
    return multiply(s.ctm, multiply(s.tm, [s.fontSize * s.hScale, 0, 0, s.fontSize, 0, s.rise]));
  }

  /** Where the current text position (with rise) is on the page: a glyph's origin. */
  private textPosition(): [number, number] {
    const { ctm, tm, rise } = this.state;
    const px = tm[2] * rise + tm[4];
    const py = tm[3] * rise + tm[5];
    return [ctm[0] * px + ctm[2] * py + ctm[4], ctm[1] * px + ctm[3] * py + ctm[5]];
  }

  /** Decided once per text-showing operation: everything but position is constant within it. */
  private runFacts(trm: Matrix, metrics: FontMetrics | undefined, start: number): RunFacts {
    const s = this.state;
    const mode = s.renderMode & 3;
    const fills = mode === 0 || mode === 2;
    const strokes = mode === 1 || mode === 2;
    const transparent = (!fills || s.fillAlpha <= TRANSPARENT_ALPHA) && (!strokes || s.strokeAlpha <= TRANSPARENT_ALPHA);
    const whitePaint = (!fills || isNearWhiteHex(s.fill)) && (!strokes || isNearWhiteHex(s.stroke));
    const [emWidth, emHeight] = emScale(metrics);
    return {
      invisible: mode === 3 || transparent,
      // Only white text needs the (costlier) look at what was painted under it.
      white: whitePaint && this.onPaper(this.runBox(start)),
      tiny: Math.min(Math.hypot(trm[2], trm[3]) * emHeight, Math.hypot(trm[0], trm[1]) * emWidth) < TINY_POINTS,
    };
  }

  private onPaper(box: Box): boolean {
    return !this.paintedOverflow && !this.painted.some((p) => intersects(p, box));
  }

  private showText(items: unknown[]): void {
    const s = this.state;
    if (s.font === null) return;
    const metrics = this.fonts(s.font);
    const fontMatrix = metrics?.fontMatrix?.length === 6 ? metrics.fontMatrix : FONT_IDENTITY;
    const scale = (fontMatrix[0] ?? 0.001) * s.fontSize;
    const vertical = metrics?.vertical === true;
    const start = this.glyphs.length;
    const run: RunFacts = { invisible: false, white: false, tiny: false };
    const trm = this.renderingMatrix();
    const em = Math.max(Math.hypot(trm[2], trm[3]), 1e-6);
    for (const item of items) {
      if (typeof item === 'number') {
        const shift = (-item * s.fontSize) / 1000;
        if (vertical) this.translateText(0, shift);
        else this.translateText(shift * s.hScale, 0);
      } else if (item && typeof item === 'object') {
        this.placeGlyph(item as PdfGlyph, { scale, vertical, em, run });
      }
    }
    if (this.glyphs.length > start) Object.assign(run, this.runFacts(trm, metrics, start));
  }

  /** Mirrors pdfjs' `buildTextContentItem` advances, including what it skips for off-page glyphs. */
  private placeGlyph(glyph: PdfGlyph, at: { scale: number; vertical: boolean; em: number; run: RunFacts }): void {
    const s = this.state;
    const unicode = typeof glyph.unicode === 'string' ? glyph.unicode : '';
    const category = categoryOf(unicode);
    if (category === 'format') return;
    let charSpacing = (at.vertical ? -s.charSpacing : s.charSpacing) + (glyph.originalCharCode === 0x20 ? s.wordSpacing : 0);
    const vmetric = Array.isArray(glyph.vmetric) ? num(glyph.vmetric[0]) : null;
    const width = at.vertical ? (vmetric ?? -num(glyph.width)) : num(glyph.width);
    let advance = width * at.scale;
    const [x, y] = this.textPosition();
    const offPage = category === 'char' && this.isOffPage(x, y, advance, at.vertical);
    if (category === 'mark') advance = 0;
    if (offPage) charSpacing = 0;
    if (at.vertical) this.translateText(0, advance - charSpacing);
    else this.translateText((advance + charSpacing) * s.hScale, 0);
    const [endX, endY] = this.textPosition();
    this.glyphs.push({ text: unicode, category, x, y, endX, endY, em: at.em, offPage, run: at.run });
  }

  /** pdfjs' test in `compareWithLastPosition`: the origin (plus the advance along the line) against the page box. */
  private isOffPage(x: number, y: number, advance: number, vertical: boolean): boolean {
    const [x0, y0, x1, y1] = this.view;
    if (vertical) return x < x0 || x > x1 || y + advance < y0 || y > y1;
    return x + advance < x0 || x > x1 || y < y0 || y > y1;
  }

  /** Page-space box of the glyphs from `start`: baseline, one em up, a quarter em down. */
  private runBox(start: number): Box {
    const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = start; i < this.glyphs.length; i += 1) {
      const g = this.glyphs[i];
      if (!g) continue;
      for (const [px, py] of [
        [g.x, g.y],
        [g.endX, g.endY],
      ] as const) {
        box[0] = Math.min(box[0], px - g.em * 0.25);
        box[1] = Math.min(box[1], py - g.em * 0.25);
        box[2] = Math.max(box[2], px + g.em * 0.25);
        box[3] = Math.max(box[3], py + g.em);
      }
    }
    return box;
  }
}

/**
 * Every glyph the page draws, in content order, with what makes it unreadable. `view` is the
 * page's visible box (pdfjs' `page.view`); `fonts` looks up a loaded font by the name in
 * `setFont`. Stops after `maxOps` operations (`complete: false`).
 */
export function walkInk(list: OperatorList, view: Box, fonts: (name: string) => FontMetrics | undefined, maxOps = MAX_OPS_PER_PAGE): PageInk {
  const walker = new InkWalker(view, fonts);
  const count = Math.min(list.fnArray.length, maxOps);
  for (let i = 0; i < count; i += 1) {
    const args = list.argsArray[i];
    walker.step(list.fnArray[i] ?? 0, Array.isArray(args) ? args : isArrayLike(args) ? Array.from(args) : []);
  }
  walker.flushPendingImage();
  return { glyphs: walker.glyphs, imageCoverage: walker.imageCoverage(), complete: count === list.fnArray.length };
}
