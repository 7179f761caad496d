/**
 * The graphics and text state a PDF content stream sets while the ink walk (pdf-ink.ts) follows
 * it: saved and restored with `q`/`Q`, and with each form XObject.
 */
import { IDENTITY, type Matrix } from './pdf-ink-geometry.ts';

export interface GraphicsState {
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

export const initialState = (): GraphicsState => ({
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

export const cloneState = (s: GraphicsState): GraphicsState => ({ ...s, ctm: [...s.ctm], tm: [...s.tm], tlm: [...s.tlm] });
