// What is kept for each source of records: a file, and within a file each host
// it names (a log server's file holds many hosts, each with its own audit serials
// and printk clock). Nested maps, so that looking a source up makes no string;
// records of one source follow each other, so the last one asked for is kept.
import { SerialState } from './gaps.js';
import { JournalPairs } from './pairing.js';
import { ForgeryState } from './forgery.js';

/** One source's state: its kernel lines so far (forgery checks), its serials (gaps), journald's unpaired lines. */
export class SourceState {
  readonly forgery = new ForgeryState();
  readonly serials = new SerialState();
  readonly pairs = new JournalPairs();

  constructor(
    readonly file: string,
    readonly host: string | null,
  ) {}

  /** `file` or `file (host h)`, for messages. */
  get label(): string {
    return label(this.file, this.host);
  }
}

/** `file` or `file (host h)`, for messages. */
export function label(file: string, host: string | null): string {
  return host === null ? file : `${file} (host ${host})`;
}

export class Sources {
  private readonly byFile = new Map<string, Map<string | null, SourceState>>();
  private last: SourceState | null = null;

  /** The state of (file, host), made on first use. */
  get(file: string, host: string | null): SourceState {
    const l = this.last;
    if (l !== null && l.file === file && l.host === host) return l;
    let m = this.byFile.get(file);
    if (!m) this.byFile.set(file, (m = new Map()));
    let s = m.get(host);
    if (!s) m.set(host, (s = new SourceState(file, host)));
    this.last = s;
    return s;
  }

  *all(): IterableIterator<SourceState> {
    for (const m of this.byFile.values()) yield* m.values();
  }
}
