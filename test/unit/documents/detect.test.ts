import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { detectKind } from '../../../electron/grading/documents/index.ts';
import { describeUnknown } from '../../../electron/grading/documents/detect.ts';
import { headerDimensions } from '../../../electron/grading/documents/image.ts';
import { decodeText } from '../../../electron/grading/documents/text.ts';
import { archiveBombReason } from '../../../electron/grading/documents/zip.ts';
import { ascii, buildDocx, concat, heicHeader, paragraph, pngHeaderOnly } from './builders.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('detectKind: from the bytes, not the name', () => {
  it('PDF: %PDF- anywhere in the first 1024 bytes', () => {
    expect(detectKind(ascii('%PDF-1.7\n'), 'essay.txt')).toBe('pdf');
    expect(detectKind(concat([new Uint8Array(500).fill(32), ascii('%PDF-1.4')]))).toBe('pdf');
    expect(detectKind(concat([new Uint8Array(1100).fill(32), ascii('%PDF-1.4')]))).toBe('text');
  });

  it('DOCX: a zip with word/document.xml, whatever it is called', () => {
    expect(detectKind(buildDocx(paragraph('x')), 'essay.pdf')).toBe('docx');
    expect(detectKind(zipSync({ 'xl/workbook.xml': utf8('<x/>') }), 'essay.docx')).toBeNull();
  });

  it('images by magic number', () => {
    expect(detectKind(Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0, 0]), 'a.png')).toBe('image');
    expect(detectKind(pngHeaderOnly(10, 10), 'a.jpg')).toBe('image');
    expect(detectKind(concat([ascii('RIFF'), new Uint8Array(4), ascii('WEBPVP8 ')]))).toBe('image');
    for (const brand of ['heic', 'heix', 'mif1', 'heif']) expect(detectKind(heicHeader(10, 10, brand)), brand).toBe('image');
    expect(detectKind(heicHeader(10, 10, 'avif'))).toBeNull();
    expect(detectKind(heicHeader(10, 10, 'isom'))).toBeNull(); // an MP4 video
  });

  it('text: UTF-8, UTF-16 with a BOM, GB18030; Markdown is text too', () => {
    expect(detectKind(utf8('# Essay\n\nMarkdown *is* text.'), 'essay.md')).toBe('text');
    expect(detectKind(utf8('# Essay\n\nMarkdown *is* text.'), 'essay.txt')).toBe('text');
    expect(detectKind(Uint8Array.from([0xff, 0xfe, 0x41, 0x00, 0x42, 0x00]))).toBe('text');
    expect(detectKind(Uint8Array.from([0xc4, 0xe3, 0xba, 0xc3]))).toBe('text');
  });

  it('not text: NULs, control characters, RTF and old Office files', () => {
    expect(detectKind(new Uint8Array(0))).toBeNull();
    expect(detectKind(Uint8Array.from([0x41, 0x00, 0x42, 0x00, 0x43, 0x00]))).toBeNull(); // UTF-16 without a BOM
    expect(detectKind(Uint8Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? 1 : 65)))).toBeNull();
    expect(detectKind(ascii('{\\rtf1\\ansi Hello}'))).toBeNull();
    expect(describeUnknown(ascii('{\\rtf1\\ansi Hello}')).what).toMatch(/Rich Text/);
    expect(describeUnknown(zipSync({ 'content.xml': utf8('<x/>'), mimetype: utf8('application/vnd.oasis.opendocument.text') })).what).toMatch(/OpenDocument/);
    expect(describeUnknown(zipSync({ 'ppt/presentation.xml': utf8('<x/>') })).what).toMatch(/PowerPoint/);
    expect(describeUnknown(ascii('GIF89a....')).what).toMatch(/GIF/);
  });
});

describe('decodeText', () => {
  it('names the encoding and says when bytes were replaced', () => {
    expect(decodeText(utf8('plain'))).toEqual({ encoding: 'utf-8', lossy: false, text: 'plain' });
    expect(decodeText(Uint8Array.from([0xfe, 0xff, 0x00, 0x41]))).toEqual({ encoding: 'utf-16be', lossy: false, text: 'A' });
    expect(decodeText(Uint8Array.from([0xc4, 0xe3, 0xba, 0xc3]))).toEqual({ encoding: 'gb18030', lossy: false, text: '你好' });
    expect(decodeText(concat([utf8('caf'), Uint8Array.from([0xe9, 0x20]), utf8('au lait, a long enough sentence')]))).toMatchObject({ encoding: 'utf-8', lossy: true });
  });
});

describe('header checks before decoding', () => {
  it('reads declared image sizes from PNG, JPEG and WebP headers', () => {
    expect(headerDimensions(pngHeaderOnly(20_000, 15_000))).toEqual({ width: 20_000, height: 15_000 });
    // SOI, an APP0 segment, then SOF0 declaring 30000 × 25000.
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x61, 0xa8, 0x75, 0x30, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    expect(headerDimensions(jpeg)).toEqual({ width: 30_000, height: 25_000 });
    const vp8x = concat([ascii('RIFF'), new Uint8Array(4), ascii('WEBPVP8X'), new Uint8Array(8), Uint8Array.from([0x1f, 0x4e, 0x00, 0x0f, 0x27, 0x00])]);
    expect(headerDimensions(vp8x)).toEqual({ width: 20_000, height: 10_000 });
  });

  it('refuses a zip from its directory: total declared size, and ratio on large entries only', () => {
    const entry = (size: number, compressedSize: number) => ({ name: 'x', size, compressedSize, compression: 8 });
    expect(archiveBombReason([entry(500_000, 1_000)], 200e6, 100)).toBeNull(); // small XML compresses well legitimately
    expect(archiveBombReason([entry(5_000_000, 20_000)], 200e6, 100)).toMatch(/250× compression/);
    expect(archiveBombReason([entry(150e6, 100e6), entry(100e6, 80e6)], 200e6, 100)).toMatch(/more than the/);
  });
});
