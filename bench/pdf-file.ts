/**
 * Minimal PDF 1.4 files for the benches: text pages in Helvetica and/or one full-page JPEG per
 * page, with a correct xref table so every reader opens them without repair.
 */

export interface PdfPage {
  lines?: string[];
  jpeg?: { data: Uint8Array; width: number; height: number };
}

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

/** `leading` is the distance between text lines, in points. */
export function writePdf(pages: readonly PdfPage[], options: { leading?: number } = {}): Uint8Array {
  const objects: Buffer[] = [];
  const add = (body: Buffer | string): number => objects.push(typeof body === 'string' ? latin1(body) : body);
  const catalog = add('');
  const tree = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids: number[] = [];
  for (const page of pages) {
    let content = '';
    let resources = `/Font << /F1 ${font} 0 R >>`;
    if (page.jpeg) {
      const { data, width, height } = page.jpeg;
      const image = add(
        Buffer.concat([
          latin1(`<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${data.length} >>\nstream\n`),
          data,
          latin1('\nendstream'),
        ]),
      );
      resources += ` /XObject << /Im1 ${image} 0 R >>`;
      content += 'q 612 0 0 792 0 0 cm /Im1 Do Q\n';
    }
    if (page.lines) {
      content += `BT /F1 11 Tf ${options.leading ?? 14} TL 60 740 Td\n`;
      for (const line of page.lines) content += `(${line.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj T*\n`;
      content += 'ET\n';
    }
    const stream = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent ${tree} 0 R /MediaBox [0 0 612 792] /Resources << ${resources} >> /Contents ${stream} 0 R >>`));
  }
  objects[catalog - 1] = latin1(`<< /Type /Catalog /Pages ${tree} 0 R >>`);
  objects[tree - 1] = latin1(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`);
  const chunks: Buffer[] = [latin1('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n')];
  let offset = (chunks[0] as Buffer).length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    const chunk = Buffer.concat([latin1(`${i + 1} 0 obj\n`), body, latin1('\nendobj\n')]);
    offsets.push(offset);
    offset += chunk.length;
    chunks.push(chunk);
  });
  let xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) xref += `${String(at).padStart(10, '0')} 00000 n \n`;
  xref += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  chunks.push(latin1(xref));
  return new Uint8Array(Buffer.concat(chunks));
}
