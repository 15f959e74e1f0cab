import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b];
export const CHUNK_BYTES = 1 << 20;

/** True when the file starts with the gzip magic bytes (the name is not trusted: `.log.gz` or not). */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await fh.close();
  }
}

export interface ByteSource {
  gzip: boolean;
  /** Decompressed chunks in order. */
  chunks: AsyncIterable<Buffer>;
  /** Compressed bytes read so far (for progress against the file size). */
  bytesRead(): number;
}

/** Stream a file's bytes, gunzipping when the content is gzip. */
export async function openByteSource(path: string): Promise<ByteSource> {
  const gzip = await isGzipFile(path);
  const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const chunks: AsyncIterable<Buffer> = gzip ? raw.pipe(createGunzip({ chunkSize: 256 * 1024 })) : raw;
  return { gzip, chunks, bytesRead: () => raw.bytesRead };
}

/** Async iterator with a look at the first chunk (format detection) without losing it. */
export class PeekableChunks {
  private readonly it: AsyncIterator<Buffer>;
  private head: Buffer | undefined;
  private headTaken = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  async peek(): Promise<Buffer | undefined> {
    if (this.head === undefined && !this.headTaken) {
      const r = await this.it.next();
      this.head = r.done ? Buffer.alloc(0) : r.value;
    }
    return this.head;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    await this.peek();
    this.headTaken = true;
    if (this.head && this.head.length > 0) yield this.head;
    this.head = undefined;
    for (let r = await this.it.next(); !r.done; r = await this.it.next()) yield r.value;
  }
}

/** First lines of a chunk as text (lossy decode: only for detection). */
export function firstLinesOf(chunk: Buffer, max = 20): string[] {
  const text = chunk.subarray(0, Math.min(chunk.length, 256 * 1024)).toString('utf8');
  const lines = text.split('\n');
  if (lines.length > 1 && chunk.length > 256 * 1024) lines.pop(); // last one may be cut
  return lines.slice(0, max);
}
