/**
 * A small deterministic ZIP writer (deflate, no ZIP64) for Lambda artefacts: entries sorted by name, a fixed
 * timestamp and fixed Unix modes, so the same inputs give the same bytes and the same Lambda `source_code_hash`.
 * No `zip` binary is needed at build time.
 */
import { createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipResult {
  bytes: number;
  unzippedBytes: number;
  files: number;
}

// 1980-01-01 00:00 in MS-DOS date/time: the earliest a ZIP can hold, so no build time leaks into the archive.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const MAX_U32 = 0xffff_ffff;

function listFiles(dir: string, prefix = ''): { name: string; full: string }[] {
  const out: { name: string; full: string }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    const name = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(full, name));
    else if (e.isFile()) out.push({ name, full });
    else throw new Error(`zip: ${full} is neither a file nor a directory (links are not archived)`);
  }
  return out;
}

function localHeader(name: Buffer, crc: number, size: number, csize: number): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  h.writeUInt16LE(0x0800, 6); // names are UTF-8
  h.writeUInt16LE(8, 8); // deflate
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(crc, 14);
  h.writeUInt32LE(csize, 18);
  h.writeUInt32LE(size, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, name]);
}

function centralHeader(name: Buffer, crc: number, size: number, csize: number, offset: number, mode: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes carry the file mode
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0x0800, 8);
  h.writeUInt16LE(8, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(crc, 16);
  h.writeUInt32LE(csize, 20);
  h.writeUInt32LE(size, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38); // regular file + permissions
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, name]);
}

/** Zips every file under `dir` (paths relative to it) into `file`. Files keep 0644, or 0755 when executable. */
export async function zipDirectory(dir: string, file: string): Promise<ZipResult> {
  const entries = listFiles(dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (entries.length > 0xffff) throw new Error(`zip: ${entries.length} files would need ZIP64`);
  const out = createWriteStream(file);
  const central: Buffer[] = [];
  let offset = 0;
  let unzippedBytes = 0;
  const write = (b: Buffer) =>
    new Promise<void>((resolve, reject) => out.write(b, (err) => (err ? reject(err) : resolve())));
  for (const e of entries) {
    const data = readFileSync(e.full);
    const packed = deflateRawSync(data, { level: 9 });
    const name = Buffer.from(e.name, 'utf8');
    if (data.length > MAX_U32 || offset + packed.length > MAX_U32) throw new Error(`zip: ${file} would need ZIP64`);
    const crc = crc32(data);
    const mode = statSync(e.full).mode & 0o111 ? 0o755 : 0o644;
    central.push(centralHeader(name, crc, data.length, packed.length, offset, mode));
    const header = localHeader(name, crc, data.length, packed.length);
    await write(header);
    await write(packed);
    offset += header.length + packed.length;
    unzippedBytes += data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  await write(cd);
  await write(end);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { bytes: offset + cd.length + end.length, unzippedBytes, files: entries.length };
}
