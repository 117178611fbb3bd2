// What is kept for each source of records: a file, and within a file each host
// it names (a log server's file holds many hosts, each with its own audit serials
// and printk clock). Nested maps, so that looking a source up makes no string;
// records of one source follow each other, so the last one asked for is kept.
// Each source saves itself (its forgery checks, serials and journald's unpaired
// lines) as its piece of a learn state, and loads back.
import { joinGap, SerialState, GapChange, type Gap, type SerialsJSON } from './gaps.js';
import { JournalPairs, type PairJSON } from './pairing.js';
import { ForgeryState, type ForgeryJSON, type PendingJSON } from './forgery.js';
import { byName } from './saved.js';
import { SeccompLearnError } from '../core/error.js';

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
    return labelOf(this.file, this.host);
  }
}

function labelOf(file: string, host: string | null): string {
  return host === null ? file : `${file} (host ${host})`;
}

/** The state of every source, by file and host, and the serial gaps they have. */
export class SourceStates {
  private readonly byFile = new Map<string, Map<string | null, SourceState>>();
  private last: SourceState | null = null;
  /** Serial gaps, by source label: each source's open gaps, and (after a merge) those of the merged states' sources. */
  readonly gaps = new Map<string, Gap>();

  /** The state of (file, host), made on first use. */
  get(file: string, host: string | null): SourceState {
    const l = this.last;
    if (l !== null && l.file === file && l.host === host) return l;
    let m = this.byFile.get(file);
    if (!m) this.byFile.set(file, (m = new Map<string | null, SourceState>()));
    let s = m.get(host);
    if (!s) m.set(host, (s = new SourceState(file, host)));
    this.last = s;
    return s;
  }

  *all(): IterableIterator<SourceState> {
    for (const m of this.byFile.values()) yield* m.values();
  }

  /** An audit serial read from `src` at file:line: its gaps open, grow, shrink or close (SerialState.observe). */
  observeSerial(src: SourceState, serial: number, time: number | null, file: string, line: number): void {
    const change = src.serials.observe(serial, time, file, line);
    if (change === GapChange.Opened) this.gaps.set(src.label, src.serials.gap!);
    else if (change === GapChange.Closed) this.gaps.delete(src.label);
  }

  /** Every source as a state saves it (LearnState.sources), sorted by file and host. */
  save(): SourceJSON[] {
    const out: SourceJSON[] = [];
    for (const s of this.all()) {
      out.push({ file: s.file, host: s.host, forgery: s.forgery.save(), serials: s.serials.save(), pairs: s.pairs.save(), pending: s.forgery.savePending() });
    }
    return out.sort((a, b) => byName(a.file, b.file) || byName(a.host ?? '', b.host ?? ''));
  }

  /**
   * Take saved sources in. Each source's forgery checks go on from the saved
   * ones, with its kernel lines still waiting (judged by the next line of the
   * source, or by settling). `resume`: the same sources are read on, and their
   * serials and journald's unpaired lines are taken as they were. Otherwise (a
   * merge of states) a source's own checks are over, and only its gaps join
   * those of the same source in other states; but a source with lines still
   * waiting, not met before, is taken whole, so that they go on from it.
   * Throws a SeccompLearnError 'state-invalid' for a source given twice, or a piece this version cannot
   * hold.
   */
  load(saved: readonly SourceJSON[], resume: boolean): void {
    const given = new Set<string>();
    for (const j of saved) {
      const key = JSON.stringify([j.file, j.host]);
      if (given.has(key)) throw new SeccompLearnError('state-invalid', `not a state this version wrote: the source ${labelOf(j.file, j.host)} is given twice`);
      given.add(key);
    }
    for (const j of saved) {
      const src = this.get(j.file, j.host);
      src.forgery.load(j.forgery, j.pending, j.file);
      if (!resume && (src.serials.last >= 0 || j.pending.length === 0)) {
        const g = j.serials.gap;
        if (g) {
          const have = this.gaps.get(src.label);
          if (have) joinGap(have, g);
          else this.gaps.set(src.label, { ...g, first: { ...g.first } });
          // the source holds its gaps too, so that a merged state saves them (merge --format state)
          src.serials.gap ??= this.gaps.get(src.label)!;
        }
        continue;
      }
      src.serials.load(j.serials);
      if (src.serials.gap) this.gaps.set(src.label, src.serials.gap);
      src.pairs.load(j.pairs);
    }
  }
}

// One source as a state saves it.
/** @internal */
export interface SourceJSON {
  file: string;
  host: string | null;
  /** The forgery checks: stamped lines learned, the last lines judged, the lines still waiting to be (learn/forgery.ts). */
  forgery: ForgeryJSON;
  serials: SerialsJSON;
  pairs: { audit: PairJSON[]; kernel: PairJSON[] };
  /** Kernel lines not judged yet: they wait for the lines after them (learned, or not, by the next run or a merge). */
  pending: PendingJSON[];
}
