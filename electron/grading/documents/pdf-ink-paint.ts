/**
 * What a page has painted so far, as the ink walk (pdf-ink.ts) meets it: the areas that white
 * text could sit on instead of white paper, and the images, for the share of the page they cover.
 */
import { clippedArea, intersects, type Box } from './pdf-ink-geometry.ts';

/** Painted areas remembered per page; past that, white text is given the benefit of the doubt. */
const MAX_PAINTED_BOXES = 2_000;

export class PaintedPage {
  private readonly painted: Box[] = [];
  private paintedOverflow = false;
  private pendingImage: Box | null = null;
  private readonly images: Box[] = [];

  constructor(private readonly view: Box) {}

  imageCoverage(): number {
    const area = (this.view[2] - this.view[0]) * (this.view[3] - this.view[1]);
    if (area <= 0) return 0;
    return Math.min(1, this.images.reduce((sum, box) => sum + clippedArea(box, this.view), 0) / area);
  }

  /** A `cm` placed the unit square here: an image's, if nothing is drawn before its `Q`. */
  transformed(box: Box): void {
    this.pendingImage = box;
  }

  /** Something was drawn: a pending `cm` was not an image's. */
  drew(): void {
    this.pendingImage = null;
  }

  add(box: Box): void {
    if (this.painted.length >= MAX_PAINTED_BOXES) this.paintedOverflow = true;
    else this.painted.push(box);
  }

  /** A `cm` that nothing was drawn under before its `Q` (or the end of the page) placed an image. */
  flushPendingImage(): void {
    if (this.pendingImage) this.addImage(this.pendingImage);
    this.pendingImage = null;
  }

  addImage(box: Box): void {
    this.images.push(box);
    this.add(box);
  }

  onPaper(box: Box): boolean {
    return !this.paintedOverflow && !this.painted.some((p) => intersects(p, box));
  }
}
