/**
 * Photos of handwritten work, screenshots, scans: checked against the pixel limit from the
 * header alone, turned upright by their EXIF orientation, downscaled so the long edge fits the
 * vision model, and re-encoded as JPEG (which also drops EXIF, GPS position included).
 *
 * sharp runs here, in the calling thread: its work happens on libuv's pool, so it never blocks
 * the event loop, and terminating a worker thread in the middle of a libvips operation can
 * bring down the whole process (lovell/sharp#2263). Its work is bounded by the pixel limit.
 */
import sharp from 'sharp';
import { AppError } from '../../../shared/errors.ts';
import { documentErrors } from './messages.ts';
import type { PageImage } from './types.ts';

export const JPEG_QUALITY = 85;

export interface ImageLimits {
  maxPixels: number;
  imageMaxEdge: number;
}

/**
 * Width and height as a PNG, JPEG or WebP header declares them, read by hand: the pixel limit
 * must hold even for a header sharp refuses to parse (a bomb need not be well-formed).
 */
export function headerDimensions(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length >= 24 && bytes[0] === 0x89 && tag(12) === 'IHDR') return { width: view.getUint32(16), height: view.getUint32(20) };
  if (bytes.length >= 30 && tag(0) === 'RIFF' && tag(8) === 'WEBP') {
    const chunk = tag(12);
    if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
    if (chunk === 'VP8L') {
      const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = bytes.subarray(21, 25);
      return { width: 1 + (b0 | ((b1 & 0x3f) << 8)), height: 1 + ((b1 >> 6) | (b2 << 2) | ((b3 & 0x0f) << 10)) };
    }
    if (chunk === 'VP8X') {
      const le24 = (at: number) => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16);
      return { width: 1 + le24(24), height: 1 + le24(27) };
    }
    return null;
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    // Walk the marker segments to the first start-of-frame.
    for (let at = 2; at + 9 < bytes.length; ) {
      if (bytes[at] !== 0xff) return null;
      const marker = bytes[at + 1] ?? 0;
      if (marker === 0xff) {
        at += 1;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
      }
      if (marker === 0xd9 || marker === 0xda) return null;
      at += 2 + view.getUint16(at + 2);
    }
  }
  return null;
}

function isPixelLimitError(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}

/**
 * One image, upright, long edge ≤ `imageMaxEdge`, as JPEG (alpha flattened onto white).
 * Throws IMAGE_TOO_LARGE (from the header, before decoding) or UNREADABLE_DOCUMENT.
 */
export async function prepareImage(file: string, input: Uint8Array, limits: ImageLimits): Promise<PageImage> {
  const options = { limitInputPixels: Math.max(1, Math.floor(limits.maxPixels)), failOn: 'error' as const };
  const declared = headerDimensions(input);
  if (declared && declared.width * declared.height > limits.maxPixels) throw documentErrors.imageTooLarge(file, declared.width, declared.height, limits.maxPixels);
  let width = 0;
  let height = 0;
  try {
    const meta = await sharp(input, { ...options, limitInputPixels: false }).metadata();
    width = meta.width ?? 0;
    height = meta.height ?? 0;
  } catch (error) {
    throw documentErrors.unreadable(file, 'an image', error instanceof Error ? error.message : undefined);
  }
  if (!width || !height) throw documentErrors.unreadable(file, 'an image', 'no size in its header');
  if (width * height > limits.maxPixels) throw documentErrors.imageTooLarge(file, width, height, limits.maxPixels);
  const edge = Math.max(1, Math.floor(limits.imageMaxEdge));
  try {
    const { data, info } = await sharp(input, options)
      .autoOrient()
      .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer({ resolveWithObject: true });
    return { mime: 'image/jpeg', data, width: info.width, height: info.height };
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (isPixelLimitError(error)) throw documentErrors.imageTooLarge(file, width, height, limits.maxPixels);
    throw documentErrors.unreadable(file, 'an image', error instanceof Error ? error.message : undefined);
  }
}
