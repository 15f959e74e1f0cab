/** Thrown when an XGBoost model file does not have the layout this parser expects; names the byte offset. */
export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`XGBoost model, byte ${offset}: ${message}`);
  }
}

/**
 * Little-endian cursor over XGBoost's binary model file. The file is a dump of C structs written on a
 * little-endian 32-bit (wasm32) target, so every field has a fixed width and no alignment padding beyond
 * what the structs themselves declare.
 */
export class BinaryReader {
  private readonly view: DataView;
  offset = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }

  private need(n: number, what: string): number {
    if (this.remaining < n) {
      throw new ModelFormatError(
        `truncated while reading ${what} (need ${n} bytes, ${this.remaining} left)`,
        this.offset,
      );
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  i32(what: string): number {
    return this.view.getInt32(this.need(4, what), true);
  }

  u32(what: string): number {
    return this.view.getUint32(this.need(4, what), true);
  }

  f32(what: string): number {
    return this.view.getFloat32(this.need(4, what), true);
  }

  /** uint64 as a JS number; lengths beyond 2^53 cannot occur in a file we can hold in memory. */
  u64(what: string): number {
    const at = this.need(8, what);
    return this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 2 ** 32;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
  }

  peekAscii(n: number): string {
    if (this.remaining < n) return '';
    return String.fromCharCode(...this.bytes.subarray(this.offset, this.offset + n));
  }

  /** dmlc::Stream string: uint64 length, then the bytes. */
  string(what: string): string {
    return this.text(this.u64(`${what} length`), what);
  }

  /** `len` bytes decoded as UTF-8. */
  text(len: number, what: string): string {
    if (len > this.remaining) throw new ModelFormatError(`${what} length ${len} exceeds the file`, this.offset);
    const at = this.need(len, what);
    return new TextDecoder().decode(this.bytes.subarray(at, at + len));
  }

  /** A sub-view of n bytes, advancing the cursor (used for arrays of packed structs). */
  structs(n: number, what: string): DataView {
    const at = this.need(n, what);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + at, n);
  }
}
