/**
 * HEIC (iPhone photos). sharp's prebuilt libvips cannot decode HEVC, so heic-convert (libheif
 * compiled to JS) turns it into a JPEG that then goes through the normal photo path. The pixel
 * limit is checked first from the primary image's `ispe` (image spatial extents) in the header. Runs in
 * the extraction worker: the decoder is CPU-bound JS and must be stoppable.
 */
import convert from 'heic-convert';
import { documentErrors } from './messages.ts';

interface Box {
  type: string;
  /** Where the box's content starts (after size and type) and where the box ends. */
  start: number;
  end: number;
}

/** The boxes laid end to end in [from, to); stops at the first one that does not fit. */
function boxesIn(view: DataView, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) break;
    const type = String.fromCharCode(view.getUint8(at + 4), view.getUint8(at + 5), view.getUint8(at + 6), view.getUint8(at + 7));
    boxes.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

const child = (view: DataView, parent: Box, type: string, skip = 0): Box | undefined =>
  boxesIn(view, parent.start + skip, parent.end).find((b) => b.type === type);

/**
 * The size of the primary image, from its own `ispe` (image spatial extents) property: the
 * `pitm` box names the primary item and `ipma` maps it to its properties in `ipco`. A phone
 * photo's primary item is usually a grid whose tiles are padded (a 64×48 image in 64×64 tiles),
 * so the tiles' sizes are not the image's. Null when the header cannot be read that way.
 */
function primaryImageSize(view: DataView): { width: number; height: number } | null {
  const meta = boxesIn(view, 0, view.byteLength).find((b) => b.type === 'meta');
  if (!meta) return null;
  // meta, pitm, ipma and ispe are full boxes: a version byte and three flag bytes come first.
  const pitm = child(view, meta, 'pitm', 4);
  const iprp = child(view, meta, 'iprp', 4);
  if (!pitm || !iprp) return null;
  const primary = view.getUint8(pitm.start) === 0 ? view.getUint16(pitm.start + 4) : view.getUint32(pitm.start + 4);
  const ipco = child(view, iprp, 'ipco');
  const ipma = child(view, iprp, 'ipma');
  if (!ipco || !ipma) return null;
  const properties = boxesIn(view, ipco.start, ipco.end);
  const version = view.getUint8(ipma.start);
  const wideIndex = (view.getUint8(ipma.start + 3) & 1) === 1;
  let at = ipma.start + 4;
  const entries = view.getUint32(at);
  at += 4;
  for (let e = 0; e < entries && at < ipma.end; e += 1) {
    const item = version < 1 ? view.getUint16(at) : view.getUint32(at);
    at += version < 1 ? 2 : 4;
    const count = view.getUint8(at);
    at += 1;
    for (let k = 0; k < count; k += 1) {
      // The top bit says "essential"; the rest is a 1-based index into ipco.
      const index = wideIndex ? view.getUint16(at) & 0x7fff : view.getUint8(at) & 0x7f;
      at += wideIndex ? 2 : 1;
      const property = properties[index - 1];
      if (item === primary && property?.type === 'ispe' && property.start + 12 <= property.end) {
        return { width: view.getUint32(property.start + 4), height: view.getUint32(property.start + 8) };
      }
    }
  }
  return null;
}

/**
 * The image's size from the header, before anything is decoded: the primary item's `ispe`,
 * or, in a header that cannot be read that way, the largest `ispe` box anywhere in it (an
 * overestimate, so the pixel limit still holds).
 */
export function heicDimensions(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const primary = primaryImageSize(view);
    if (primary) return primary;
  } catch {
    // A box that claims more than the file holds: fall back to the scan below.
  }
  const limit = Math.min(bytes.length - 20, 1 << 20);
  let best: { width: number; height: number } | null = null;
  for (let i = 4; i <= limit; i += 1) {
    // box: size(4) 'ispe'(4) version+flags(4) width(4) height(4)
    if (bytes[i] !== 0x69 || bytes[i + 1] !== 0x73 || bytes[i + 2] !== 0x70 || bytes[i + 3] !== 0x65) continue;
    if (view.getUint32(i - 4) < 20) continue;
    const width = view.getUint32(i + 8);
    const height = view.getUint32(i + 12);
    if (!best || width * height > best.width * best.height) best = { width, height };
  }
  return best;
}

/** The photo as a JPEG (quality 0.92, downscaled later), after the header pixel check. */
export async function heicToJpeg(file: string, bytes: Uint8Array, maxPixels: number): Promise<Uint8Array> {
  const size = heicDimensions(bytes);
  if (size && size.width * size.height > maxPixels) throw documentErrors.imageTooLarge(file, size.width, size.height, maxPixels);
  try {
    return new Uint8Array(await convert({ buffer: bytes, format: 'JPEG', quality: 0.92 }));
  } catch (error) {
    throw documentErrors.unreadable(file, 'a HEIC photo', error instanceof Error ? error.message : String(error));
  }
}
