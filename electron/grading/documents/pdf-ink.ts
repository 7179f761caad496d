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
import { boxUnder, IDENTITY, isArrayLike, isNearWhiteHex, matrixArg, multiply, num, numbers, type Box, type Matrix } from './pdf-ink-geometry.ts';
import { categoryOf, type GlyphCategory } from './pdf-glyph-category.ts';
import { PaintedPage } from './pdf-ink-paint.ts';
import { cloneState, initialState, type GraphicsState } from './pdf-ink-state.ts';

/** What makes a run of text unreadable, decided while it is drawn. */
export interface RunFacts {
  /** Render mode 3 or 7, or a fully transparent paint. */
  invisible: boolean;
  /** Painted white or near-white, and nothing but white paper under it so far. */
  white: boolean;
  /** Smaller than 1 pt tall, or squeezed below 1 pt wide per em. */
  tiny: boolean;
}

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
const TINY_POINTS = 1;
/** Paint at or below this opacity is invisible. */
const TRANSPARENT_ALPHA = 0.05;
const FONT_IDENTITY: Matrix = [0.001, 0, 0, 0.001, 0, 0];

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
  private readonly paint: PaintedPage;
  readonly glyphs: InkGlyph[] = [];

  constructor(
    private readonly view: Box,
    private readonly fonts: (name: string) => FontMetrics | undefined,
  ) {
    this.paint = new PaintedPage(view);
  }

  imageCoverage(): number {
    return this.paint.imageCoverage();
  }

  step(fn: number, args: readonly unknown[]): void {
    if (DRAWS.has(fn)) this.paint.drew();
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
        this.paint.transformed(boxUnder(s.ctm, 0, 0, 1, 1));
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
        this.paint.add([-Infinity, -Infinity, Infinity, Infinity]);
        break;
      default:
        if (IMAGE_OPS.has(fn)) this.paint.addImage(boxUnder(s.ctm, 0, 0, 1, 1));
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
    this.paint.add(boxUnder(s.ctm, x0, y0, x1, y1));
  }

  /** A `cm` that nothing was drawn under before its `Q` (or the end of the page) placed an image. */
  flushPendingImage(): void {
    this.paint.flushPendingImage();
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
      white: whitePaint && this.paint.onPaper(this.runBox(start)),
      tiny: Math.min(Math.hypot(trm[2], trm[3]) * emHeight, Math.hypot(trm[0], trm[1]) * emWidth) < TINY_POINTS,
    };
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
