// The one error every layer raises for people: a code saying what went wrong (as
// csv-parse's CsvError does), the file and line where known, and a message of one
// line. The CLI picks its exit status from the code (cli/exit.ts); a library user
// tells the kinds apart by `err.code`.

/** What went wrong; the list every SeccompLearnError's `code` is one of. */
export const ERROR_CODES = [
  /** the command line: an unknown command or option, a bad value, options that do not go together */
  'usage',
  /** an input (a log, standard input, a FIFO, a profile file) cannot be opened or read: missing, a directory, not valid gzip, zstd/xz/bzip2/lz4 */
  'input-unreadable',
  /** an output (-o, --out-dir, --state) cannot be written or made */
  'output-unwritable',
  /** a file that is not a profile in any format: a syntax error, a shape or a name no runtime takes, a template Docker refuses */
  'profile-invalid',
  /** a learn state given where a profile goes */
  'profile-is-state',
  /** a profile that only its own tool can read through (systemd's @groups) */
  'profile-unsupported',
  /** profiles that cannot be one filter (different listener paths) */
  'profiles-unmergeable',
  /** a profile the chosen format cannot express: a name, an architecture, an action, a field */
  'format-cannot-express',
  /** a state file that cannot be read */
  'state-unreadable',
  /** a state that this version did not write: not JSON, another version, not its schema, a content it cannot hold */
  'state-invalid',
  /** states that cannot be merged into one: none, or learned with other options */
  'states-unmergeable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where an error is: the file (or the input's name, `<stdin>`), and the 1-based line and column when known. */
export interface ErrorPlace {
  source: string;
  line?: number;
  column?: number;
}

/**
 * An error for people: `code` says what went wrong (one of ERROR_CODES),
 * `reason` says it in words, `source`/`line`/`column` say where when known.
 * The message is one line: `SOURCE[:LINE[:COLUMN]]: REASON`, or the reason
 * alone where no file is known (or the reason names it itself: `cannot write
 * p.json: permission denied`). A line break in the reason (a JSON parser's
 * excerpt, yargs' "Invalid values:") is made a space.
 */
export class SeccompLearnError extends Error {
  static {
    // on the prototype, so that the stack's first line names it too
    this.prototype.name = 'SeccompLearnError';
  }
  /** What went wrong, in words, without the place; one line. */
  readonly reason: string;
  /** The file (or input name) the error is in, when known. */
  readonly source?: string;
  /** 1-based line in `source`, when known. */
  readonly line?: number;
  /** 1-based column on `line`, when known. */
  readonly column?: number;

  constructor(
    readonly code: ErrorCode,
    reason: string,
    at?: ErrorPlace,
    options?: ErrorOptions,
  ) {
    const line = reason.replace(/\s*\n\s*/g, ' ').trim();
    super(at ? `${placeOf(at)}: ${line}` : line, options);
    this.reason = line;
    if (at) {
      this.source = at.source;
      if (at.line !== undefined) this.line = at.line;
      if (at.column !== undefined) this.column = at.column;
    }
  }

  /** The same error (code, place) with `note` after its reason, in a caller's words (`; nothing was written`); this one is its cause. */
  withNote(note: string): SeccompLearnError {
    return new SeccompLearnError(this.code, this.reason + note, this.source === undefined ? undefined : { source: this.source, line: this.line, column: this.column }, { cause: this });
  }
}

/** `SOURCE`, `SOURCE:LINE` or `SOURCE:LINE:COLUMN`, as compilers name a place. */
function placeOf(at: ErrorPlace): string {
  if (at.line === undefined) return at.source;
  return at.column === undefined ? `${at.source}:${at.line}` : `${at.source}:${at.line}:${at.column}`;
}
