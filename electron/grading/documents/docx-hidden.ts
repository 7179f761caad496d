/**
 * Runs of a WordprocessingML part that a reader cannot see (white, smaller than 4 pt, or
 * `w:vanish`), which students use to slip instructions to a grading model: their effective
 * properties come from the document defaults, the paragraph and run styles, and the run's own.
 */
import { attr, localName, scanXml, wordPrefix, type XmlTag } from './docx-xml.ts';

// ---------------------------------------------------------------------------------------------
// Run properties and styles

export interface RunProps {
  vanish?: boolean;
  color?: string;
  themeColor?: string;
  /** Half-points. */
  sz?: number;
  highlight?: string;
  shadingFill?: string;
}

function isOff(value: string | undefined): boolean {
  return value === '0' || value === 'false' || value === 'off';
}

/** Applies one child element of a `w:rPr` to `props`. Returns the `w:rStyle` id when it is one. */
function applyRunProperty(tag: XmlTag, p: string, props: RunProps): string | undefined {
  const val = attr(tag.attrs, `${p}:val`);
  switch (localName(tag.name)) {
    case 'vanish':
      props.vanish = !isOff(val);
      break;
    case 'color': {
      if (val !== undefined) props.color = val;
      const theme = attr(tag.attrs, `${p}:themeColor`);
      if (theme !== undefined) props.themeColor = theme;
      break;
    }
    case 'sz': {
      const size = Number(val);
      if (val !== undefined && Number.isFinite(size)) props.sz = size;
      break;
    }
    case 'highlight':
      if (val !== undefined) props.highlight = val;
      break;
    case 'shd': {
      const fill = attr(tag.attrs, `${p}:fill`);
      if (fill !== undefined) props.shadingFill = fill;
      break;
    }
    case 'rStyle':
      return val;
  }
  return undefined;
}

function merge(...layers: Array<RunProps | undefined>): RunProps {
  const out: RunProps = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer) as Array<[keyof RunProps, RunProps[keyof RunProps]]>) {
      if (value !== undefined) (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

interface StyleDef {
  basedOn?: string;
  props: RunProps;
}

export interface Styles {
  defaults: RunProps;
  byId: Map<string, StyleDef>;
  defaultParagraphStyle?: string;
}

export const NO_STYLES: Styles = { defaults: {}, byId: new Map() };

/** Run properties of every style in styles.xml, and the document defaults. */
export function parseStyles(xml: string): Styles {
  const p = wordPrefix(xml);
  const styles: Styles = { defaults: {}, byId: new Map() };
  const stack: string[] = [];
  let current: StyleDef | null = null;
  let inDefaults = false;
  for (const token of scanXml(xml)) {
    if (token.type !== 'tag') continue;
    const { tag } = token;
    const parent = stack[stack.length - 1];
    const grandparent = stack[stack.length - 2];
    if (tag.kind !== 'close') {
      if (tag.name === `${p}:style`) {
        current = { props: {} };
        const id = attr(tag.attrs, `${p}:styleId`);
        if (id !== undefined) styles.byId.set(id, current);
        if (attr(tag.attrs, `${p}:type`) === 'paragraph' && ['1', 'true', 'on'].includes(attr(tag.attrs, `${p}:default`) ?? '')) styles.defaultParagraphStyle = id;
      } else if (tag.name === `${p}:basedOn` && parent === `${p}:style` && current) {
        const base = attr(tag.attrs, `${p}:val`);
        if (base !== undefined) current.basedOn = base;
      } else if (parent === `${p}:rPr` && grandparent === `${p}:style` && current) {
        applyRunProperty(tag, p, current.props);
      } else if (parent === `${p}:rPr` && grandparent === `${p}:rPrDefault` && inDefaults) {
        applyRunProperty(tag, p, styles.defaults);
      } else if (tag.name === `${p}:docDefaults`) {
        inDefaults = true;
      }
    }
    if (tag.kind === 'open') stack.push(tag.name);
    else if (tag.kind === 'close') {
      stack.pop();
      if (tag.name === `${p}:style`) current = null;
      if (tag.name === `${p}:docDefaults`) inDefaults = false;
    }
  }
  return styles;
}

function styleProps(styles: Styles, id: string | undefined): RunProps {
  const chain: RunProps[] = [];
  const seen = new Set<string>();
  for (let at = id; at !== undefined && !seen.has(at) && chain.length < 32; ) {
    seen.add(at);
    const def = styles.byId.get(at);
    if (!def) break;
    chain.unshift(def.props);
    at = def.basedOn;
  }
  return merge(...chain);
}

function hexChannels(value: string | undefined): [number, number, number] | null {
  if (!value || !/^[0-9a-fA-F]{6}$/.test(value)) return null;
  return [parseInt(value.slice(0, 2), 16), parseInt(value.slice(2, 4), 16), parseInt(value.slice(4, 6), 16)];
}

/** Each channel at least 0xF0: white to the eye on a white page. */
export function isNearWhite(value: string | undefined): boolean {
  const rgb = hexChannels(value);
  return rgb !== null && rgb.every((c) => c >= 0xf0);
}

const WHITE_THEME_COLORS = new Set(['background1', 'light1']);
const NO_HIGHLIGHT = new Set(['none', 'white']);

/** Why a run with these effective properties is invisible, or null when a reader can see it. */
export function hiddenReason(props: RunProps, pageIsLight = true): 'vanish' | 'tiny' | 'white' | null {
  if (props.vanish) return 'vanish';
  if (props.sz !== undefined && props.sz < 8) return 'tiny';
  const white = props.themeColor !== undefined ? WHITE_THEME_COLORS.has(props.themeColor) : isNearWhite(props.color);
  if (!white || !pageIsLight) return null;
  const highlighted = props.highlight !== undefined && !NO_HIGHLIGHT.has(props.highlight);
  const shaded = props.shadingFill !== undefined && props.shadingFill !== 'auto' && !isNearWhite(props.shadingFill);
  return highlighted || shaded ? null : 'white';
}

// ---------------------------------------------------------------------------------------------
// Hidden runs

export interface HiddenScan {
  /** The part with every hidden run cut out: what mammoth gets. */
  cleaned: string;
  /** The hidden text, consecutive hidden runs of a paragraph joined. */
  hidden: string[];
}

interface RunFrame {
  start: number;
  direct: RunProps;
  rStyle?: string;
  paragraphStyle?: string;
  text: string;
  inFallback: boolean;
}

/**
 * Finds the runs of a WordprocessingML part (document, footnotes, endnotes) that a reader cannot
 * see, given the document's styles, and returns the part without them.
 */
export function scanHiddenRuns(xml: string, styles: Styles = NO_STYLES): HiddenScan {
  const p = wordPrefix(xml);
  const R = `${p}:r`;
  const RPR = `${p}:rPr`;
  const P = `${p}:p`;
  const stack: string[] = [];
  const runs: RunFrame[] = [];
  const paragraphStyles: Array<string | undefined> = [];
  const cuts: Array<[number, number]> = [];
  const hidden: string[] = [];
  let group = '';
  let fallbackDepth = 0;
  let pageIsLight = true;

  const flush = () => {
    const text = group.replace(/\s+/g, ' ').trim();
    if (text) hidden.push(text);
    group = '';
  };

  for (const token of scanXml(xml)) {
    const run = runs[runs.length - 1];
    const top = stack[stack.length - 1];
    if (token.type === 'text') {
      if (run && top === `${p}:t`) run.text += token.text;
      continue;
    }
    const { tag } = token;
    const parent = top;
    const grandparent = stack[stack.length - 2];
    if (tag.kind !== 'close') {
      const local = localName(tag.name);
      if (tag.name === R && tag.kind === 'open') {
        runs.push({ start: tag.start, direct: {}, paragraphStyle: paragraphStyles[paragraphStyles.length - 1], text: '', inFallback: fallbackDepth > 0 });
      } else if (run && grandparent === R && parent === RPR) {
        const rStyle = applyRunProperty(tag, p, run.direct);
        if (rStyle !== undefined) run.rStyle = rStyle;
      } else if (run && parent === R && (local === 'tab' || local === 'ptab')) {
        run.text += '\t';
      } else if (run && parent === R && (local === 'br' || local === 'cr')) {
        run.text += '\n';
      } else if (tag.name === P && tag.kind === 'open') {
        paragraphStyles.push(undefined);
      } else if (tag.name === `${p}:pStyle` && parent === `${p}:pPr` && grandparent === P) {
        paragraphStyles[paragraphStyles.length - 1] = attr(tag.attrs, `${p}:val`);
      } else if (tag.name === `${p}:background` && grandparent === undefined) {
        const color = attr(tag.attrs, `${p}:color`);
        pageIsLight = color === undefined || color === 'auto' || isNearWhite(color);
      } else if (local === 'Fallback' && tag.kind === 'open') {
        fallbackDepth += 1;
      }
      if (tag.kind === 'open') stack.push(tag.name);
      continue;
    }
    stack.pop();
    if (tag.name === R) {
      const frame = runs.pop();
      if (!frame) continue;
      const props = merge(styles.defaults, styleProps(styles, frame.paragraphStyle ?? styles.defaultParagraphStyle), styleProps(styles, frame.rStyle), frame.direct);
      const visibleText = frame.text.trim().length > 0;
      if (hiddenReason(props, pageIsLight)) {
        cuts.push([frame.start, tag.end]);
        if (!frame.inFallback) group += frame.text;
      } else if (!frame.inFallback) {
        // A visible space between two hidden runs belongs to the hidden sentence.
        if (visibleText) flush();
        else if (group) group += frame.text;
      }
    } else if (tag.name === P) {
      paragraphStyles.pop();
      if (fallbackDepth === 0) flush();
    } else if (localName(tag.name) === 'Fallback') {
      fallbackDepth = Math.max(0, fallbackDepth - 1);
    }
  }
  flush();
  return { cleaned: cutRanges(xml, cuts), hidden };
}

function cutRanges(xml: string, cuts: Array<[number, number]>): string {
  if (cuts.length === 0) return xml;
  cuts.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of cuts) {
    if (start < at) continue; // inside a run already cut (a hidden run within a hidden text box)
    out += xml.slice(at, start);
    at = end;
  }
  return out + xml.slice(at);
}
