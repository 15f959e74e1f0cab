/**
 * Reads a (gunzipped) ustar archive of plain files, as a model bundle is shipped. Anything else (directories other
 * than `./`, links, devices, path separators, `..`, duplicate names, pax/GNU extensions) is refused with the entry
 * named: a bundle is a flat directory, and an archive entry must never choose where it is written.
 */
export interface TarFile {
  name: string;
  data: Buffer;
}

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function field(block: Buffer, start: number, len: number): string {
  const raw = block.subarray(start, start + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function octal(block: Buffer, start: number, len: number, what: string): number {
  const s = field(block, start, len).trim();
  if (!/^[0-7]{1,12}$/.test(s)) throw new Error(`tar: bad ${what} field ${JSON.stringify(s)}`);
  return Number.parseInt(s, 8);
}

function checksumOk(block: Buffer): boolean {
  const stored = octal(block, 148, 8, 'checksum');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
  return sum === stored;
}

export function readTar(archive: Buffer, maxFiles = 256): TarFile[] {
  const files: TarFile[] = [];
  const seen = new Set<string>();
  let at = 0;
  while (at + 512 <= archive.length) {
    const header = archive.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return files;
    if (!checksumOk(header)) throw new Error(`tar: header checksum mismatch at byte ${at}`);
    const prefix = field(header, 345, 155);
    const rawName = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    const type = String.fromCharCode(header[156] || 48);
    const size = octal(header, 124, 12, 'size');
    const dataStart = at + 512;
    at = dataStart + Math.ceil(size / 512) * 512;
    if (at > archive.length) throw new Error(`tar: entry ${JSON.stringify(rawName)} runs past the end of the archive`);
    const name = rawName.replace(/^\.\//, '');
    if (type === '5' && (name === '' || name === '.' || name === './')) continue;
    if (type !== '0')
      throw new Error(`tar: entry ${JSON.stringify(rawName)} has type '${type}'; only plain files are allowed`);
    if (!PLAIN_NAME.test(name)) throw new Error(`tar: entry name ${JSON.stringify(rawName)} is not a plain file name`);
    if (seen.has(name)) throw new Error(`tar: duplicate entry ${JSON.stringify(name)}`);
    if (files.length >= maxFiles) throw new Error(`tar: more than ${maxFiles} files`);
    seen.add(name);
    files.push({ name, data: archive.subarray(dataStart, dataStart + size) });
  }
  throw new Error('tar: archive ends without the end-of-archive marker');
}

/** Writes a ustar archive of plain files (tests and `vigil` packaging helpers). */
export function writeTar(files: TarFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 100, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${f.data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += h[i];
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    parts.push(h, f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
