/**
 * HEIC (iPhone photos). sharp's prebuilt libvips cannot decode HEVC, so heic-convert (libheif
 * compiled to JS) turns it into a JPEG that then goes through the normal photo path. The pixel
 * limit is checked first from the `ispe` (image spatial extents) boxes of the header. Runs in
 * the extraction worker: the decoder is CPU-bound JS and must be stoppable.
 */
import convert from 'heic-convert';
import { documentErrors } from './messages.ts';

/** Every `ispe` box in the header; the largest is the full image (the others are grid tiles or thumbnails). */
export function heicDimensions(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
