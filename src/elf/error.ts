// The one error the ELF reader and the library resolver raise: a code a program
// can switch on, the file it is about, and one line for a person.
//
// (core/error.ts is becoming the project's one coded error; this class is meant
// to be folded into it: same shape, `code` and `file`.)

/** Why a file could not be read as ELF, or a library not found. */
export const ELF_ERROR_CODES = [
  /** The file is shorter than a structure it declares (truncated, or a count or offset that lies). */
  'truncated',
  /** A table or string points outside the file or outside its own section. */
  'out-of-bounds',
  /** Not an ELF file at all (no \x7fELF magic), or a class/endianness/version ELF does not define. */
  'not-elf',
  /** A structure that ELF defines but whose values cannot be right (an entry size too small, a count too large). */
  'malformed',
  /** A path that cannot be followed inside the root: a loop of symbolic links, too many links, not a regular file. */
  'bad-path',
  /** A path or library that is not inside the root. */
  'not-found',
  /** A library whose machine, class or byte order is not the program's. */
  'wrong-machine',
  /** The file could not be read (permissions, an I/O error). */
  'unreadable',
] as const;
export type ElfErrorCode = (typeof ELF_ERROR_CODES)[number];

/** A file that cannot be read as ELF, or a path that cannot be followed inside a root. */
export class ElfError extends Error {
  /**
   * @param code  what went wrong (ELF_ERROR_CODES)
   * @param file  the file it is about, as the caller named it
   * @param detail one phrase: what, where (offsets in bytes from the start of the file)
   */
  constructor(
    readonly code: ElfErrorCode,
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ElfError';
  }
}
