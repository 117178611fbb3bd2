// Bounds-checked reads of an ELF file's bytes: every read names the structure it
// is for, and a read past the end (or past the region it belongs to) throws an
// ElfError naming the file, never a RangeError or a silent zero.
import { ElfError } from './error.js';

const decoder = new TextDecoder('utf-8');

/** A window onto one file's bytes, in the file's byte order and class. */
export class Bytes {
  private readonly view: DataView;
  /** Whether addresses and offsets are 64 bits wide (ELFCLASS64). */
  wide = false;
  little = true;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  /** Throw unless [offset, offset + size) lies inside the file; `what` names the structure. */
  check(offset: number, size: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0 || offset + size > this.length) {
      const code = offset >= 0 && offset <= this.length && Number.isSafeInteger(offset + size) ? 'truncated' : 'out-of-bounds';
      throw new ElfError(code, this.file, `${what} at byte ${offset} (${size} bytes) lies past the end of the file (${this.length} bytes)`);
    }
  }

  u8(offset: number, what: string): number {
    this.check(offset, 1, what);
    return this.view.getUint8(offset);
  }

  u16(offset: number, what: string): number {
    this.check(offset, 2, what);
    return this.view.getUint16(offset, this.little);
  }

  u32(offset: number, what: string): number {
    this.check(offset, 4, what);
    return this.view.getUint32(offset, this.little);
  }

  /** A 64-bit field as a number; a value past 2^53 cannot be an offset, size or address of a real file. */
  u64(offset: number, what: string): number {
    this.check(offset, 8, what);
    const v = this.view.getBigUint64(offset, this.little);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError('malformed', this.file, `${what} at byte ${offset} is 0x${v.toString(16)}, too large for any file`);
    return Number(v);
  }

  /** A signed 64-bit field (d_tag); tags past 2^53 are returned as NaN (no tag we read is one). */
  s64(offset: number, what: string): number {
    this.check(offset, 8, what);
    const v = this.view.getBigInt64(offset, this.little);
    return v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER) ? Number.NaN : Number(v);
  }

  /** An address, offset or size: 4 bytes in ELFCLASS32, 8 in ELFCLASS64. */
  word(offset: number, what: string): number {
    return this.wide ? this.u64(offset, what) : this.u32(offset, what);
  }

  /**
   * The NUL-terminated string at `offset`, which must end before `limit`
   * (the end of its string table) as well as before the end of the file.
   */
  cstring(offset: number, limit: number, what: string): string {
    const end = Math.min(limit, this.length);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= end) {
      throw new ElfError('out-of-bounds', this.file, `${what} at byte ${offset} lies outside its string table (which ends at byte ${end})`);
    }
    const nul = this.bytes.indexOf(0, offset);
    if (nul < 0 || nul >= end) throw new ElfError('out-of-bounds', this.file, `${what} at byte ${offset} runs past the end of its string table (byte ${end}) with no NUL`);
    return decoder.decode(this.bytes.subarray(offset, nul));
  }

  /** Whether `needle` occurs at `offset`. */
  startsWith(offset: number, needle: Uint8Array): boolean {
    if (offset < 0 || offset + needle.length > this.length) return false;
    for (let i = 0; i < needle.length; i++) if (this.bytes[offset + i] !== needle[i]) return false;
    return true;
  }
}
