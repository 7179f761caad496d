/**
 * Real HEIC photos (test/fixtures/images/, see its README): detected from their bytes, decoded by
 * heic-convert in the extraction worker and passed on to sharp, as `extractDocument` does for a
 * student's iPhone photo. sharp's prebuilt libvips cannot decode HEVC, so this is the only path.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { imageFormat } from '../../../electron/grading/documents/detect.ts';
import { heicDimensions, heicToJpeg } from '../../../electron/grading/documents/heic.ts';
import { closeExtractionWorkers, detectKind, extractDocument, type ExtractedDocument } from '../../../electron/grading/documents/index.ts';
import type { Result } from '../../../shared/errors.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/images/${name}`, import.meta.url));
/** Stored 64×48, left half red, right half blue; no rotation. */
const PLAIN = fixture('red-blue-64x48.heic');
/** Stored 64×48 like PLAIN, with `irot` (90° clockwise) and an EXIF Orientation of 6: shown 48×64, top red, bottom blue. */
const ROTATED = fixture('red-blue-64x48-irot90cw.heic');

afterAll(() => closeExtractionWorkers());

function data(result: Result<ExtractedDocument>): ExtractedDocument {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}

function errorOf(result: Result<ExtractedDocument>): { code: string; message: string } {
  if (result.ok) throw new Error(`expected an error, got ${result.data.kind} with ${result.data.images.length} image(s)`);
  return result.error;
}

type Rgb = [number, number, number];

/** The decoded pixels of an output image, and the mean colour of a rectangle of them. */
async function pixels(jpeg: Uint8Array) {
  const { data: raw, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const mean = (x0: number, y0: number, x1: number, y1: number): Rgb => {
    let [r, g, b] = [0, 0, 0];
    for (let y = y0; y < y1; y += 1) {
      for (let x = x0; x < x1; x += 1) {
        const at = (y * info.width + x) * info.channels;
        r += raw[at] ?? 0;
        g += raw[at + 1] ?? 0;
        b += raw[at + 2] ?? 0;
      }
    }
    const n = (x1 - x0) * (y1 - y0);
    return [Math.round(r / n), Math.round(g / n), Math.round(b / n)];
  };
  return { width: info.width, height: info.height, mean };
}

// HEVC, then JPEG twice (heic-convert, then image.ts): colours drift a little, never by this much.
const RED = (rgb: Rgb) => rgb[0] > 200 && rgb[1] < 50 && rgb[2] < 50;
const BLUE = (rgb: Rgb) => rgb[2] > 200 && rgb[0] < 50 && rgb[1] < 50;

describe('HEIC photos', () => {
  it('are detected as HEIC images from their bytes', () => {
    for (const file of [PLAIN, ROTATED]) {
      const bytes = readFileSync(file);
      expect(bytes.length).toBeLessThan(20_000);
      expect(imageFormat(bytes), file).toBe('heic');
      expect(detectKind(bytes, 'photo.jpg'), file).toBe('image');
    }
  });

  it('decode to a JPEG of the encoded size with the encoded colours', async () => {
    const bytes = readFileSync(PLAIN);
    const doc = data(await extractDocument({ path: PLAIN }));
    expect(doc.kind).toBe('image');
    expect(doc.bytes).toBe(bytes.length);
    expect(doc.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(doc.text).toBe('');
    expect(doc.images).toHaveLength(1);
    const [image] = doc.images;
    if (!image) throw new Error('no image');
    expect(image).toMatchObject({ mime: 'image/jpeg', width: 64, height: 48 });
    expect(doc.imageBytesIn).toBe(bytes.length);
    expect(doc.imageBytesOut).toBe(image.data.length);

    const meta = await sharp(image.data).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    const { width, height, mean } = await pixels(image.data);
    expect([width, height]).toEqual([64, 48]);
    // Away from the seam at x = 32, where chroma subsampling blurs the edge.
    const left = mean(2, 2, 28, 46);
    const right = mean(36, 2, 62, 46);
    expect(RED(left), `left half is ${left}`).toBe(true);
    expect(BLUE(right), `right half is ${right}`).toBe(true);
  });

  it('are turned upright by their irot box, once (the EXIF orientation is not applied again)', async () => {
    const doc = data(await extractDocument({ bytes: readFileSync(ROTATED), name: 'IMG_0001.HEIC' }));
    const [image] = doc.images;
    if (!image) throw new Error('no image');
    expect(image).toMatchObject({ mime: 'image/jpeg', width: 48, height: 64 });
    const meta = await sharp(image.data).metadata();
    expect(meta.orientation ?? 1).toBe(1);
    const { width, height, mean } = await pixels(image.data);
    expect([width, height]).toEqual([48, 64]);
    const top = mean(2, 2, 46, 28);
    const bottom = mean(2, 36, 46, 62);
    expect(RED(top), `top half is ${top}`).toBe(true);
    expect(BLUE(bottom), `bottom half is ${bottom}`).toBe(true);
  });

  it('measure the primary image, not the padded grid tile, against the pixel limit', async () => {
    for (const file of [PLAIN, ROTATED]) {
      const bytes = readFileSync(file);
      // The tile is stored 64×64; the image (the grid, the primary item) is 64×48.
      expect(heicDimensions(bytes), file).toEqual({ width: 64, height: 48 });
      const jpeg = await heicToJpeg('IMG_0003.HEIC', bytes, 64 * 48);
      expect((await sharp(jpeg).metadata()).format).toBe('jpeg');
      await expect(heicToJpeg('IMG_0003.HEIC', bytes, 64 * 48 - 1)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    }
  });

  it('fall back to the largest ispe when the item properties cannot be read', () => {
    const bytes = Buffer.from(readFileSync(PLAIN));
    const ipma = bytes.indexOf('ipma');
    // Rename the property association box: the primary item's properties are no longer known.
    bytes.write('xpma', ipma, 'latin1');
    expect(heicDimensions(bytes)).toEqual({ width: 64, height: 64 });
    expect(heicDimensions(bytes.subarray(0, 40))).toBeNull();
  });

  it('a truncated copy is UNREADABLE_DOCUMENT naming the file, promptly', async () => {
    for (const file of [PLAIN, ROTATED]) {
      const bytes = readFileSync(file);
      const mdat = bytes.indexOf('mdat') - 4;
      expect(mdat).toBeGreaterThan(64);
      // Inside the `meta` box, the whole header but no picture data, half the picture data, one byte short.
      for (const length of [64, mdat + 8, Math.round((mdat + bytes.length) / 2), bytes.length - 1]) {
        const truncated = bytes.subarray(0, length);
        expect(detectKind(truncated), `${file} cut at ${length}`).toBe('image');
        const started = Date.now();
        const error = errorOf(await extractDocument({ bytes: truncated, name: 'IMG_0002.HEIC' }));
        expect(error.code, `${file} cut at ${length}`).toBe('UNREADABLE_DOCUMENT');
        expect(error.message).toContain('"IMG_0002.HEIC"');
        expect(error.message).toContain('HEIC');
        expect(Date.now() - started).toBeLessThan(10_000);
      }
    }
  });
});
