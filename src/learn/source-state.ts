// What is kept for each source of records: a file, and within a file each host
// it names (a log server's file holds many hosts, each with its own audit serials
// and printk clock). Nested maps, so that looking a source up makes no string;
// records of one source follow each other, so the last one asked for is kept.
// Each source saves itself (its forgery checks, serials and journald's unpaired
// lines) as its piece of a learn state, and loads back.
import { joinGap, SerialState, type Gap, type SerialsJSON } from './gaps.js';
import { JournalPairs, type PairJSON } from './pairing.js';
import { ForgeryState, type ForgeryJSON, type PendingJSON } from './forgery.js';
import { byName } from './saved.js';
import { SeccompLearnError } from '../core/error.js';

/** One source's state: its kernel lines so far (forgery checks), its serials (gaps), journald's unpaired lines. */
export class SourceState {
  readonly forgery = new ForgeryState();
  /** Its serials: its own, or those of the source of its machine read before it, which it goes on (SourceStates.observeSerial). */
  serials: SerialState;
  readonly pairs = new JournalPairs();
  /** The last audit serial read from this source (-1: none yet). */
  lastSerial = -1;

  constructor(
    readonly file: string,
    readonly host: string | null,
    keepWindow = true,
  ) {
    this.serials = new SerialState(keepWindow);
  }

  /** `file` or `file (host h)`, for messages. */
  get label(): string {
    return labelOf(this.file, this.host);
  }
}

function labelOf(file: string, host: string | null): string {
  return host === null ? file : `${file} (host ${host})`;
}

/** The label of serials read from files of one machine: the files, in name order. */
function chainLabel(s: SerialState, file: string, host: string | null): string {
  return labelOf(s.files.length > 0 ? [...s.files].sort(byName).join(', ') : file, host);
}

/** The state of every source, by file and host, and the serial gaps they have. */
export class SourceStates {
  private readonly byFile = new Map<string, Map<string | null, SourceState>>();
  private last: SourceState | null = null;
  /** Per host, the source that read a serial last: a new source whose first serial goes on from it goes on in its serials. */
  private readonly latest = new Map<string | null, SourceState>();
  private lastObserved: SourceState | null = null;
  /** A merge: each state's serials, joined once all are in (joinSerials); a source's serials do not go on from another's until then. */
  private readonly toJoin: Array<{ host: string | null; serials: SerialState; files: string[] }> = [];
  private joining = false;
  /** A merge: the serials joined, by machine (a source holds one of them; a log read by two states, both). */
  private readonly held: Array<{ host: string | null; serials: SerialState }> = [];
  /** A merge: sources met in an earlier state. */
  private readonly met = new Set<SourceState>();

  /** `keepWindows`: each source keeps its first serials (SerialState.early), for a state a merge joins to the part before; without, it keeps none. */
  constructor(private readonly keepWindows = true) {}

  /** The state of (file, host), made on first use. */
  get(file: string, host: string | null): SourceState {
    const l = this.last;
    if (l !== null && l.file === file && l.host === host) return l;
    let m = this.byFile.get(file);
    if (!m) this.byFile.set(file, (m = new Map<string | null, SourceState>()));
    let s = m.get(host);
    if (!s) m.set(host, (s = new SourceState(file, host, this.keepWindows)));
    this.last = s;
    return s;
  }

  *all(): IterableIterator<SourceState> {
    for (const m of this.byFile.values()) yield* m.values();
  }

  /** Serial gaps, by source label (the files of serials that go on from one another, in name order): joined where one label is read twice. */
  get gaps(): Map<string, Gap> {
    const out = new Map<string, Gap>();
    const done = new Set<SerialState>();
    const add = (s: SerialState, file: string, host: string | null) => {
      if (done.has(s)) return;
      done.add(s);
      const g = s.gap;
      if (g === null) return;
      const label = chainLabel(s, file, host);
      const have = out.get(label);
      if (have) joinGap(have, g);
      else out.set(label, g);
    };
    for (const src of this.all()) add(src.serials, src.file, src.host);
    for (const h of this.held) add(h.serials, '', h.host);
    return [...out].sort(([a], [b]) => byName(a, b)).reduce((m, [k, v]) => m.set(k, v), new Map<string, Gap>());
  }

  /**
   * An audit serial read from `src` at file:line: its gaps open, grow, shrink or
   * close (SerialState.observe). A source's first serial that goes on from the
   * last one read from another file of its machine (SerialState.continues: a log
   * rotated, a log read in parts) goes on in that file's serials. `seccompLine`:
   * the serial is a SECCOMP record's in auditd's own form (SerialState.onlySeccomp).
   */
  observeSerial(src: SourceState, serial: number, time: number | null, file: string, line: number, seccompLine = false): void {
    if (src !== this.lastObserved) {
      if (!this.joining && src.lastSerial < 0 && src.serials.last < 0) {
        const p = this.latest.get(src.host);
        if (p !== undefined && p.file !== src.file && p.serials.continues(serial, time)) src.serials = p.serials;
      }
      this.latest.set(src.host, src);
      this.lastObserved = src;
    }
    src.serials.observe(serial, time, file, line, seccompLine);
    src.lastSerial = serial;
  }

  /** Every source as a state saves it (LearnState.sources), sorted by file and host; serials a source goes on in are saved with the first file's. */
  save(): SourceJSON[] {
    const out: SourceJSON[] = [];
    for (const s of this.all()) {
      const head = s.serials.files[0] ?? s.file;
      const own = head === s.file;
      out.push({ file: s.file, host: s.host, forgery: s.forgery.save(), serials: own ? s.serials.save() : null, serialsOf: own ? null : head, lastSerial: s.lastSerial, latest: this.latest.get(s.host) === s, pairs: s.pairs.save(), pending: s.forgery.savePending() });
    }
    return out.sort((a, b) => byName(a.file, b.file) || byName(a.host ?? '', b.host ?? ''));
  }

  /**
   * Take saved sources in. Each source's forgery checks go on from the saved
   * ones, with its kernel lines still waiting (judged by the next line of the
   * source, or by settling). `resume`: the same sources are read on, and their
   * serials and journald's unpaired lines are taken as they were. Otherwise (a
   * merge of states) a source's own checks are over; its serials wait for
   * joinSerials, once every state is in; a source with lines still waiting, not
   * met before, takes journald's unpaired lines, so that they go on from it.
   * Throws a SeccompLearnError 'state-invalid' for a source given twice, serials
   * given with none or two files, or a piece this version cannot hold.
   */
  load(saved: readonly SourceJSON[], resume: boolean): void {
    const given = new Set<string>();
    for (const j of saved) {
      const key = JSON.stringify([j.file, j.host]);
      if (given.has(key)) throw new SeccompLearnError('state-invalid', `not a state this version wrote: the source ${labelOf(j.file, j.host)} is given twice`);
      given.add(key);
      if ((j.serials === null) === (j.serialsOf === null)) throw new SeccompLearnError('state-invalid', `not a state this version wrote: the source ${labelOf(j.file, j.host)} has ${j.serials === null ? 'no serials' : 'its serials twice'}`);
      if (j.serialsOf !== null && !saved.some((k) => k.file === j.serialsOf && k.host === j.host && k.serials !== null)) throw new SeccompLearnError('state-invalid', `not a state this version wrote: the source ${labelOf(j.file, j.host)} goes on in ${j.serialsOf}, which the state does not hold`);
    }
    const loaded = new Map<string, SerialState>();
    for (const j of saved) {
      if (j.serials === null) continue;
      const s = new SerialState();
      s.load(j.serials);
      loaded.set(JSON.stringify([j.file, j.host]), s);
      if (!resume) this.toJoin.push({ host: j.host, serials: s, files: saved.filter((k) => k === j || (k.serialsOf === j.file && k.host === j.host)).map((k) => k.file) });
    }
    if (!resume) this.joining = true;
    for (const j of saved) {
      const src = this.get(j.file, j.host);
      src.forgery.load(j.forgery, j.pending, j.file);
      // its serials (a merge: the lines still waiting, judged next, go on in them; joinSerials joins them)
      src.serials = loaded.get(JSON.stringify([j.serialsOf ?? j.file, j.host]))!;
      if (resume) {
        src.lastSerial = j.lastSerial;
        // the next file read goes on from it, as in one run
        if (j.latest) this.latest.set(j.host, src);
        src.pairs.load(j.pairs);
        continue;
      }
      if (j.lastSerial > src.lastSerial) src.lastSerial = j.lastSerial;
      if (!this.met.has(src) && j.pending.length > 0) src.pairs.load(j.pairs);
      this.met.add(src);
    }
  }

  /**
   * A merge, once every state is in: the serials of each machine's sources, in
   * the order they were read in, each going on from the serials of the one
   * before it where they go on (SerialState.continues: a log cut in parts,
   * learned part by part, as one run over the parts in order reads them), else
   * apart; each source then holds its own. The order is that of the parts' first
   * records' times where they lie more than a second apart (a part that holds a
   * reboot starts high and ends low: the order of first serials would put the
   * part after it before it), else of their first files' names (as the parts
   * of one log are named: journald's two lines of one record, in parts, start
   * at the same time and serial); parts without times, by their first serials.
   */
  joinSerials(): void {
    const toJoin = this.toJoin.splice(0);
    // the parts' places in time: a new place where the first record's time is more than a second after the one before
    const place = new Map<(typeof toJoin)[number], number>();
    let [k, t] = [0, -Infinity];
    for (const it of [...toJoin].filter((x) => x.serials.firstTime !== null).sort((a, b) => a.serials.firstTime! - b.serials.firstTime!)) {
      if (it.serials.firstTime! > t + 1) k++;
      t = it.serials.firstTime!;
      place.set(it, k);
    }
    const items = toJoin.sort((a, b) => byName(a.host ?? '', b.host ?? '') || (place.get(a) ?? 0) - (place.get(b) ?? 0) || (place.has(a) ? 0 : a.serials.first - b.serials.first) || byName(a.files[0], b.files[0]));
    const chains: Array<{ host: string | null; serials: SerialState }> = [];
    // per machine, the serials the one before in that order went on in
    const before = new Map<string | null, SerialState>();
    for (const it of items) {
      let owner = it.serials;
      if (it.serials.last >= 0) {
        const c = before.get(it.host);
        if (c !== undefined && it.serials.replayable && c.continues(it.serials.first, it.serials.firstTime) && !it.files.some((f) => c.files.includes(f))) {
          c.continueWith(it.serials);
          owner = c;
        }
        before.set(it.host, owner);
      }
      if (owner === it.serials) chains.push({ host: it.host, serials: owner });
      for (const f of it.files) this.get(f, it.host).serials = owner;
    }
    this.held.push(...chains);
    this.joining = false;
    // a merged state read on (learn --state): the next file goes on from the last file of each machine's last serials
    this.latest.clear();
    this.lastObserved = null;
    for (const [host, c] of before) if (c.files.length > 0) this.latest.set(host, this.get(c.files[c.files.length - 1], host));
  }
}

// One source as a state saves it.
/** @internal */
export interface SourceJSON {
  file: string;
  host: string | null;
  /** The forgery checks: stamped lines learned, the last lines judged, the lines still waiting to be (learn/forgery.ts). */
  forgery: ForgeryJSON;
  /** Its serials, or null when it goes on in those of the source of `serialsOf` (the same host): one of the two. */
  serials: SerialsJSON | null;
  serialsOf: string | null;
  /** The last audit serial read from it (-1: none). */
  lastSerial: number;
  /** The source of its machine that read a serial last: a source read next whose first serial goes on from it goes on in its serials. */
  latest: boolean;
  pairs: { audit: PairJSON[]; kernel: PairJSON[] };
  /** Kernel lines not judged yet: they wait for the lines after them (learned, or not, by the next run or a merge). */
  pending: PendingJSON[];
}
