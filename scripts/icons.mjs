// Renders the app icon from renderer/public/favicon.svg into what each packaging target reads
// from build/ (electron-builder's buildResources folder):
//   build/icon.png          512×512, the master (and what a Linux desktop falls back to)
//   build/icons/NxN.png     Linux (AppImage): one PNG per size, named as electron-builder expects
//   build/icon.ico          Windows (nsis, the .exe): PNG-compressed entries 16–256
//   build/icon.icns         macOS (dmg, the .app): PNG-compressed entries 16–1024, with the
//                           margin Apple's icon grid leaves around the shape
// The outputs are committed; run `node scripts/icons.mjs` again after changing the SVG.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

const SOURCE = 'renderer/public/favicon.svg';
const OUT = 'build';
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const WINDOWS_SIZES = [16, 24, 32, 48, 64, 128, 256];
// ICNS entry types holding PNG data, by pixel size (the @2x types reuse the doubled size).
const MAC_ENTRIES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];
// Apple's grid: the shape is 824 of 1024 pixels, centred, so the icon sits with its neighbours in the Dock.
const MAC_SHAPE_RATIO = 824 / 1024;

const svg = await readFile(SOURCE);
const { width: svgWidth } = await sharp(svg).metadata();
if (!svgWidth) throw new Error(`${SOURCE} has no width`);

/** The SVG rasterized at its vector resolution for `shape` pixels, centred on a transparent `size` square. */
async function render(size, shape = size) {
  const image = sharp(svg, { density: (72 * shape) / svgWidth }).resize(shape, shape);
  const margin = size - shape;
  const placed =
    margin === 0
      ? image
      : sharp(await image.png().toBuffer()).extend({
          top: Math.floor(margin / 2),
          bottom: Math.ceil(margin / 2),
          left: Math.floor(margin / 2),
          right: Math.ceil(margin / 2),
          background: { r: 0, g: 0, b: 0, alpha: 0 },
        });
  return placed.png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
}

/** An ICO file whose entries are PNGs (read by Windows Vista and later). */
function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  const directory = Buffer.alloc(16 * images.length);
  let offset = header.length + directory.length;
  images.forEach(({ size, png }, index) => {
    const entry = index * 16;
    directory.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    directory.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    directory.writeUInt8(0, entry + 2); // no palette
    directory.writeUInt8(0, entry + 3);
    directory.writeUInt16LE(1, entry + 4); // colour planes
    directory.writeUInt16LE(32, entry + 6); // bits per pixel
    directory.writeUInt32LE(png.length, entry + 8);
    directory.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, directory, ...images.map(({ png }) => png)]);
}

/** An ICNS file: a big-endian `icns` header, then one type/length/data block per entry. */
function icns(entries) {
  const blocks = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + blocks.reduce((sum, block) => sum + block.length, 0), 4);
  return Buffer.concat([head, ...blocks]);
}

await rm(join(OUT, 'icons'), { recursive: true, force: true });
await mkdir(join(OUT, 'icons'), { recursive: true });

const full = new Map();
for (const size of new Set([...LINUX_SIZES, ...WINDOWS_SIZES])) full.set(size, await render(size));

await writeFile(join(OUT, 'icon.png'), full.get(512));
for (const size of LINUX_SIZES) await writeFile(join(OUT, 'icons', `${size}x${size}.png`), full.get(size));
await writeFile(join(OUT, 'icon.ico'), ico(WINDOWS_SIZES.map((size) => ({ size, png: full.get(size) }))));

const mac = new Map();
for (const [, size] of MAC_ENTRIES) {
  if (!mac.has(size)) mac.set(size, await render(size, Math.round(size * MAC_SHAPE_RATIO)));
}
await writeFile(join(OUT, 'icon.icns'), icns(MAC_ENTRIES.map(([type, size]) => ({ type, png: mac.get(size) }))));

console.log(`Icons written to ${OUT}/: icon.png, icons/ (${LINUX_SIZES.join(', ')}), icon.ico, icon.icns`);
