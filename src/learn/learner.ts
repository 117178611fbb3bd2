// The Learner: reads lines (a LineSink) and ties together what makes a profile
// right and honest. Per line: the parser (parse/event.ts); per source (a file, and
// each host it names): the forgery checks (learn/forgery.ts), serial gaps
// (learn/gaps.ts) and journald's two transports (learn/pairing.ts), kept together
// in learn/source-state.ts; across sources: records read twice (learn/duplicates.ts);
// per machine: process lives and the programs they make (learn/lives.ts). What it
// counts on the way (lost, skipped, untrusted, forged lines, denied calls...) is
// turned into findings by report/findings.ts.
//
// Each part saves itself as its piece of a learn state and loads back (each in
// its own file); state/state.ts composes them, with the counts kept here.
import type { Action, AuditMark, LineResult, LossNotice, SeccompEvent, Skip, SkipCode } from '../parse/event.js';
import { blankEvent, Parser } from '../parse/event.js';
import { showsEveryType, type LogFormat } from '../parse/envelope.js';
import { countIn, keepExample, mergeCounted, type Counted } from './examples.js';
import type { Gap } from './gaps.js';
import { addCall, addDetail, newDetail, uncountDetail, type Calls } from './calls.js';
import { joinLife, joinPending, Lives, MAX_LABELS, type Life, type Pending, type Program } from './lives.js';
import { kernelTransport } from './pairing.js';
import { buildProfile, type BuildOptions, type Profile } from '../profile/model.js';
import type { LossReason } from '../parse/record.js';
import { runtimeBaseOf, type RuntimeBase } from './runtime.js';
import type { LineSink } from '../parse/lines.js';
import { SourceStates, type SourceState } from './source-state.js';
import type { Arch } from '../syscalls/index.js';
import { judged, lineSuspicion, MAX_WAITING, SUSPICIONS, type Suspicion } from './forgery.js';
import { RecordWindow } from './duplicates.js';
import { countLoss, type Loss } from './loss.js';
import { countDenied, loadDenied, strictModeKill, uncountDenied, type Denied } from './denied.js';
import { RECEIPT_RECORDS, receiptOf, twinKey, type Receipt } from './receipts.js';
import { LabelCounts } from './labels.js';
import type { ItemSink } from '../parse/wire.js';

/** The kernel keeps 15 bytes of a thread's name (TASK_COMM_LEN 16, with the NUL). */
export const COMM_MAX_BYTES = 15;

/** Which processes to learn: any that logged one of these comm, exe or pid values (none at all: every process). */
export interface Selection {
  comms: readonly string[];
  exes: readonly string[];
  pids: readonly number[];
}

/** A selection with every list (those left out empty), as a state saves it. */
export function fullSelection(s: Partial<Selection> | undefined): Selection {
  return { comms: s?.comms ?? [], exes: s?.exes ?? [], pids: s?.pids ?? [] };
}

export interface LearnOptions {
  /** Which processes to learn (by comm, exe or pid; a list left out is empty); none given: every process. */
  selection?: Partial<Selection>;
  /** Learn records whose envelope does not say the kernel wrote them. */
  trustAnySource?: boolean;
  /** Keep per-call counts, times and pids for each program (for `report`). */
  detail?: boolean;
  /** Leave out what an OCI runtime's init can do after loading the filter (see learn/runtime.ts). */
  noRuntimeBase?: boolean;
  /**
   * The machine's name for lines that name none (the kernel log, audit.log): a
   * node's name, so that states learned on many nodes merge without their
   * processes, serials and sources taken for one another's.
   */
  node?: string;
  /**
   * Keep each pid's first process apart from the programs until finish() (a
   * learn state keeps them, so that a merge joins them to what an earlier
   * part left open: see Lives). Off, programs() is the same after finish().
   */
  heads?: boolean;
  /** Called when a syscall enters the profile for the first time on an ABI (the event is valid during the call only). */
  onLearn?: (event: SeccompEvent, name: string, abi: Arch) => void;
}

/** Cut a --comm value to what the kernel can log: its first 15 bytes (never half a UTF-8 character). */
export function truncateComm(comm: string): string {
  const bytes = Buffer.from(comm, 'utf8');
  if (bytes.length <= COMM_MAX_BYTES) return comm;
  let end = COMM_MAX_BYTES;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

export type SkipReason = SkipCode | 'line-too-long';

/**
 * Processes tracked at once. Past that the oldest is let go (retired first if it
 * was selected: its calls are kept), so memory stays bounded on a busy host
 * whose processes never log exit_group.
 */
const MAX_LIVES = 1 << 16;

export class Learner implements LineSink, ItemSink {
  readonly selection: Selection;
  private readonly comms: Set<string>;
  private readonly exes: Set<string>;
  private readonly pids: Set<number>;
  private readonly selectAll: boolean;
  /** Every process is learned, for a state (heads): each life keeps the comm and exe values it logged, and what it adds (Programs.groups). */
  readonly grouped: boolean;

  /** Lines read. */
  lines = 0;
  /** Seccomp records read from lines the kernel wrote (before selection), each counted once however many logs showed it. */
  records = 0;
  /** Records of the selected processes that went into the profile. */
  used = 0;
  /** Reads of a record already counted (another log, journald's other transport, a second copy). */
  duplicates = 0;
  /** Same `TIME:SERIAL` as an earlier record, other content. */
  readonly conflicts: Counted = { count: 0, examples: [] };
  /** Records two merged states held with one audit(TIME:SERIAL) and other content (both learned: see mergeStates). */
  readonly stateConflicts: Counted = { count: 0, examples: [] };
  /** Records in lines the kernel did not write (or that cannot tell), by the line's format. */
  readonly untrusted = new Map<LogFormat, Counted>();
  /** Records whose envelope claims the kernel, but which the kernel's own lines around them contradict. */
  readonly suspicious = new Map<Suspicion, Counted>();
  /** Lines that hold a record which could not be read, by reason. */
  readonly skipped = new Map<SkipReason, Counted>();
  /** Records lost on the way, by reason, as the kernel or journald said. */
  readonly loss = new Map<LossReason, Loss>();
  /** Calls of selected processes whose number has no name, by `abi nr`: how many processes made them. */
  readonly unnamed = new Map<string, number>();
  /** Calls of selected processes that a profile already in force denied (action other than LOG), by `comm syscall action`. */
  readonly denied = new Map<string, Denied>();
  /** Records of selected processes without arch= (kernels before 3.16): their number cannot be named. */
  readonly noArch: Counted = { count: 0, examples: [] };
  /** Records whose code= could not be read: the action the filter took is unknown. */
  readonly unknownAction: Counted = { count: 0, examples: [] };
  /** Records counted in `ausearch -i` form: their dates have no zone and were read as local time (each example names the zone). */
  readonly localTimes: Counted = { count: 0, examples: [] };
  /**
   * Records met in `ausearch -i` form and raw, at times a whole number of quarter
   * hours apart: the raw one's time is the record's; each example names the
   * zone the -i date was written in and the one it was read in.
   */
  readonly zoneTwins: Counted = { count: 0, examples: [] };
  /** As zoneTwins, but the -i form came first (an earlier file) and was counted: its time is its date read in the wrong zone. */
  readonly zoneMisread: Counted = { count: 0, examples: [] };
  /** OCI runtimes whose init was seen in a selected process, with the ABIs it ran on. */
  readonly runtimes = new Map<RuntimeBase, Set<Arch>>();
  /** The union of what every selected process did, by ABI. */
  readonly union: Calls = new Map();

  // Its parts, each of which saves and loads itself (state/state.ts composes them).
  /** Records counted, by comm (or exe): see `seen`. */
  readonly labels = new LabelCounts();
  /** Each source's forgery checks, serials and gaps, and journald's unpaired lines. */
  readonly sources: SourceStates;
  /** The records read so far, to know one read twice. */
  readonly window = new RecordWindow();
  /** The processes open now, and the programs of those that ended. */
  readonly lives: Lives;

  private readonly parser = new Parser();
  private readonly scratch = blankEvent();

  /** LearnOptions.node, or null. */
  readonly node: string | null;

  constructor(private readonly opts: LearnOptions = {}) {
    this.node = opts.node ?? null;
    // (for a state: each source's first serials, which a merge reads again after the part before)
    this.sources = new SourceStates(opts.heads === true);
    this.selection = fullSelection(opts.selection);
    this.comms = new Set(this.selection.comms.map(truncateComm));
    this.exes = new Set(this.selection.exes);
    this.pids = new Set(this.selection.pids);
    this.selectAll = this.comms.size === 0 && this.exes.size === 0 && this.pids.size === 0;
    this.grouped = this.selectAll && opts.heads === true;
    this.lives = new Lives(MAX_LIVES, opts.detail === true, opts.heads === true, this.grouped);
  }

  /** comm/exe values seen, with their record counts, for the "nothing matched" message. */
  get seen(): Map<string, number> {
    return this.labels.counts();
  }

  /** Serial gaps, by source label (`file` or `file (host h)`). */
  get gaps(): Map<string, Gap> {
    return this.sources.gaps;
  }

  // ---- LineSink (a line's `file` is the input's name: what LineSink calls its source) ----
  line(buf: Buffer, start: number, end: number, file: string, lineNo: number): void {
    this.lines++;
    // one event object for every record: nothing of it is kept past the call (copies are made where kept)
    // a line may hold several records (a Loki push body): each is learned before the next is read into the scratch event
    for (let r = this.parser.parseInto(buf, start, end, file, lineNo, this.scratch); r !== null; r = this.parser.more()) this.result(r, file, lineNo, headFor(r, buf, start, end));
  }

  /**
   * A line's result, parsed here or elsewhere (a worker thread: parse/wire.ts), of line
   * `line` of `file`; `head` is headFor's description of the line. Lines are
   * counted by line() and passed(), not here.
   */
  result(r: NonNullable<LineResult>, file: string, line: number, head: string | null): void {
    // another file: the kernel lines still waiting are judged first, so that each
    // file's records are learned before the next file's (processes of one pid
    // across the logs of one machine follow each other)
    if (file !== this.lastFile) {
      if (this.lastFile !== null) this.settle();
      this.lastFile = file;
    }
    switch (r.kind) {
      case 'seccomp':
        if (!r.trusted && !this.opts.trustAnySource) this.untrustedRecord(r, head);
        else this.event(r);
        return;
      case 'skip':
        return this.skip(r, file, line);
      case 'mark':
        return this.mark(r);
      case 'loss':
        return this.lossNotice(r, file, line, head ?? '');
    }
  }

  /** One line of text (a convenience for callers with strings). */
  lineText(text: string, file: string, lineNo: number): void {
    const b = Buffer.from(text, 'utf8');
    this.line(b, 0, b.length, file, lineNo);
  }

  passed(count: number): void {
    this.lines += count;
  }

  overlong(file: string, lineNo: number, bytes: number): void {
    this.lines++;
    this.longLine(file, lineNo, bytes);
  }

  /** ItemSink: a line over the cap that a worker read (its range's lines are counted by passed()). */
  longLine(file: string, lineNo: number, bytes: number): void {
    countIn(this.skipped, 'line-too-long', { file, line: lineNo, message: `a line of ${bytes} bytes, longer than the cap` });
  }

  private skip(s: Skip, file: string, line: number): void {
    countIn(this.skipped, s.code, { file, line, message: s.message });
  }

  private untrustedRecord(e: SeccompEvent, head: string | null): void {
    const a = /^[aeiou]/.test(e.format) ? 'an' : 'a';
    const what = head ? `${a} ${e.format} line beginning ${JSON.stringify(head)}` : `${a} ${e.format} line`;
    countIn(this.untrusted, e.format, { file: e.file, line: e.line, message: what });
  }

  /** The file of the last line result (see result()). */
  private lastFile: string | null = null;

  private mark(m: AuditMark): void {
    if (!m.trusted) return;
    const src = this.sources.get(m.file, m.host ?? this.node);
    if (!this.opts.trustAnySource && judged(m) && !this.judgeLine(src, m, null, null)) return;
    if (this.everyType(m.format, m.file)) this.sources.observeSerial(src, m.serial, m.time, m.file, m.line);
  }

  /** Files whose records came in a format that shows only some record types (ausearch's output): see everyType. */
  private readonly someTypesFiles = new Set<string>();

  /**
   * Whether a record's source shows every audit record type, so that its serial gaps mean loss. Plain ausearch
   * output is told from audit.log only by its `time->` headers: a --jobs range that starts inside such a file
   * reads its first records as audit.log's, so a file once seen in a some-types format stays one (records come
   * here in file order, and the file's first range begins with a header).
   */
  private everyType(format: LogFormat, file: string): boolean {
    if (!showsEveryType(format)) {
      this.someTypesFiles.add(file);
      return false;
    }
    return format !== 'auditd' || !this.someTypesFiles.has(file);
  }

  /**
   * A kernel line of `src` (one judged() holds). What it gives away alone is
   * said at once; otherwise it waits among the next lines of its source and is
   * learned, or not, when judged (learn/forgery.ts). True when the caller may take it
   * now (a journald audit-transport line whose tag is right).
   */
  private judgeLine(src: SourceState, x: SeccompEvent | AuditMark, pid: number | null, tagPid: number | null): boolean {
    if (x.format === 'journal') {
      const v = lineSuspicion(x, pid, tagPid);
      if (v === null) return true;
      this.suspect(v, x.file, x.line);
      return false;
    }
    const f = src.forgery;
    if (x.printk === null && f.stamped > 0) {
      this.suspect('no-printk-stamp', x.file, x.line);
      return false;
    }
    f.hold(x);
    if (f.waiting >= MAX_WAITING) this.judgeOldest(src, false);
    return false;
  }

  /** The oldest waiting kernel line of `src`, judged: learned, or counted as likely forged. */
  private judgeOldest(src: SourceState, final: boolean): void {
    const f = src.forgery;
    const v = f.judgeOldest(final);
    const x = f.release(v === null);
    if (v !== null) return this.suspect(v, x.file, x.line);
    if (x.kind === 'seccomp') this.accept(src, x);
    else this.sources.observeSerial(src, x.serial, x.time, x.file, x.line);
  }

  /**
   * Judge every kernel line still waiting for the lines after it: the input
   * ended, or a followed stream paused (else a quiet workload's last calls
   * would wait for its next). Call after each chunk of a followed stream.
   */
  settle(): void {
    // the ausearch -i records of the file that ended: their raw forms, if any, were read
    if (this.heldLocal.length > 0) for (const x of this.heldLocal.splice(0)) this.takeLocal(x);
    this.settleKernel();
  }

  /** settle() for the kernel lines alone (a merge judges each state's as it loads them; its ausearch -i records wait for every state's). */
  settleKernel(): void {
    for (const src of this.sources.all()) while (src.forgery.waiting > 0) this.judgeOldest(src, true);
  }

  private suspect(why: Suspicion, file: string, line: number): void {
    countIn(this.suspicious, why, { file, line, message: SUSPICIONS[why] });
  }

  /** Whether records may be missing: loss notices or serial gaps. */
  get possibleLoss(): boolean {
    return this.loss.size > 0 || this.gaps.size > 0;
  }

  /** LineSink: /dev/kmsg's buffer overwrote lines before they were read (after line `lineNo` of `file`). */
  overrun(file: string, lineNo: number): void {
    this.lossNotice({ kind: 'loss', reason: 'kmsg-overrun', count: null, trusted: true, printk: null }, file, lineNo, 'a read of the kernel log failed with EPIPE: lines were overwritten before they were read');
  }

  private lossNotice(n: LossNotice, file: string, line: number, text: string): void {
    countLoss(this.loss, n.reason, n.count, { file, line, message: text });
  }

  /**
   * `ausearch -i` records not taken yet, oldest first (copies): their date has no
   * zone, so each waits until its file ends (or the stream pauses) for its raw
   * form, whose time is the record's, to come first (a paste of both forms, the
   * -i one above); then it is taken, a duplicate if its raw form came.
   */
  private readonly heldLocal: SeccompEvent[] = [];

  /** Hold an `ausearch -i` record (a copy) until settle(); past MAX_HELD_LOCAL waiting, the older half is taken. */
  holdLocal(e: SeccompEvent): void {
    this.heldLocal.push({ ...e });
    if (this.heldLocal.length > MAX_HELD_LOCAL) for (const x of this.heldLocal.splice(0, MAX_HELD_LOCAL / 2)) this.takeLocal(x);
  }

  /** The `ausearch -i` records waiting (copies, oldest first), as a state saves them. */
  get localWaiting(): readonly SeccompEvent[] {
    return this.heldLocal;
  }

  private takeLocal(e: SeccompEvent): void {
    this.accept(this.sources.get(e.file, e.host ?? this.node), e);
  }

  /** One parsed record. An untrusted one is only counted, unless LearnOptions.trustAnySource. */
  event(e: SeccompEvent): void {
    if (!e.trusted && !this.opts.trustAnySource) return this.untrustedRecord(e, null);
    if (e.format === 'ausearch-i' && e.serial !== null && e.time !== null) return this.holdLocal(e);
    const src = this.sources.get(e.file, e.host ?? this.node);
    if (!this.opts.trustAnySource && judged(e) && !this.judgeLine(src, e, e.pid, e.tagPid)) return;
    this.accept(src, e);
  }

  /** A record the checks let through. */
  private accept(src: SourceState, e: SeccompEvent): void {
    // every source's serials, duplicates included: each source has its own gaps
    // (not ausearch's: it prints only the record types asked for, and the others leave gaps)
    // (a file of auditd's SECCOMP lines alone, `ausearch -m SECCOMP --raw`, has none either: SerialState.onlySeccomp)
    if (e.trusted && e.serial !== null && this.everyType(e.format, e.file)) this.sources.observeSerial(src, e.serial, e.time, e.file, e.line, e.format === 'auditd');
    const host = e.host ?? this.node;
    const machine = this.window.machine(host);
    if (e.trusted && (e.format === 'journal' || kernelTransport(e)) && src.pairs.paired(e)) {
      // journald's other transport: the record was counted with its twin (its key is still remembered)
      this.window.check(e, machine);
      this.duplicates++;
      return;
    }
    const seen = this.window.check(e, machine);
    // one record in ausearch -i form and raw, a zone apart: the raw time is the record's (the one counted, or taken below)
    if ((seen === 'duplicate' || seen === 'elsewhere') && (this.window.apart >= ZONE_STEP_MS || this.window.apart <= -ZONE_STEP_MS)) this.zoneTwin(e, this.window.apart);
    if (seen === 'duplicate') {
      this.duplicates++;
      return;
    }
    if (seen === 'conflict') {
      this.conflicts.count++;
      keepExample(this.conflicts.examples, { file: e.file, line: e.line, message: `audit(${e.time?.toFixed(3)}:${e.serial}) was already read with other content` });
      return;
    }
    // 'elsewhere': counted already, from a log that names this machine otherwise; its processes need it still
    const counted = seen === 'new';
    if (counted) this.records++;
    else this.duplicates++;
    if (counted) {
      this.labels.count(e.comm ?? e.exe ?? '(null)');
      if (e.action === null) keepCount(this.unknownAction, e, 'code= missing or unreadable: the action is unknown');
      if (e.format === 'ausearch-i' && e.time !== null) keepCount(this.localTimes, e, `read as local time in ${zoneAt(e.time)}`);
    }

    const life = this.lives.get(host, e.pid, e.time ?? NaN, e.serial ?? -1);
    // a record of a life that has ended, read after its last (Lives.get): it changes neither its program nor its end
    const late = life.endSerial >= 0;
    if (this.opts.detail) addDetail((life.detail ??= newDetail()), e, counted);
    // what a state's first records counted, for a merge to take back a copy an earlier part counted too (receipts.ts)
    if (counted && e.serial !== null) {
      if (e.serial > life.maxSerial) life.maxSerial = e.serial;
      if (life.head && this.opts.heads === true && this.records <= RECEIPT_RECORDS) (life.receipts ??= []).push(receiptOf(e));
    }
    life.firstSeen.add(e, counted);
    if (this.grouped) this.label(life, e, counted);
    if (!late) {
      if (e.comm !== null) life.lastComm = e.comm;
      if (e.exe !== null && e.exe !== '/') life.lastExe = e.exe;
    }
    if (!life.matched && this.matches(e)) {
      life.matched = true;
      for (const [abi, names] of life.calls) for (const n of names) this.learn(e, abi, n);
      for (const u of life.unnamed) this.unnamed.set(u, (this.unnamed.get(u) ?? 0) + 1);
      this.used += life.before;
      // the whole process counts: its records before this one too
      this.countPending(life.pending);
      life.pending = null;
    }
    const abi = e.arch;
    if (abi === null) {
      if (life.matched && counted) keepCount(this.noArch, e, noArchWhy(e));
      else if (counted) keepCount(pendingOf(life).noArch, e, noArchWhy(e));
    } else if (e.syscall === null) {
      const key = `${abi.name} ${e.nr}`;
      if (!life.unnamed.has(key)) {
        life.unnamed.add(key);
        if (life.matched) this.unnamed.set(key, (this.unnamed.get(key) ?? 0) + 1);
      }
    } else {
      // the set of the ABI used last: one process stays on one ABI
      let set = life.lastAbi === abi ? life.lastSet : undefined;
      if (set === undefined) {
        set = life.calls.get(abi);
        if (!set) life.calls.set(abi, (set = new Set()));
        life.lastAbi = abi;
        life.lastSet = set;
      }
      if (!set.has(e.syscall)) {
        set.add(e.syscall);
        if (life.matched) this.learn(e, abi, e.syscall);
      }
    }
    // is this comm an OCI runtime's init? asked again only when the comm changes
    if (abi && life.runtime === null && e.comm !== life.notRuntime) {
      const base = runtimeBaseOf(e.comm);
      if (base) life.runtime = { base, abi, added: false };
      else life.notRuntime = e.comm;
    }
    if (life.matched && life.runtime && !life.runtime.added) {
      life.runtime.added = true;
      if (!this.opts.noRuntimeBase) for (const n of life.runtime.base.names) addCall(life.calls, life.runtime.abi, n);
      this.addRuntime(e, life.runtime.base, life.runtime.abi);
    }
    if (!life.matched) {
      if (counted) {
        life.before++;
        // what it counts if the process is selected later (by a later record, or, a head, by the life an earlier part left open)
        countDenial(pendingOf(life).denied, e);
      }
    } else if (counted) {
      this.used++;
      countDenial(this.denied, e);
    }
    // the end of a process: its pid may be reused by an unrelated one
    if (late) {
      // (a piece of a life retired: into the same program; a head is kept whole, as it ended)
      if (!life.head) this.lives.programs.retire(life);
    } else if (e.syscall === 'exit_group' || e.action === 'KILL_PROCESS') this.lives.exit(life, e.serial ?? -1);
  }

  /**
   * A record read again a zone apart (`apart` ms: the earlier read's time less
   * this one's): one of the two was an `ausearch -i` date, written in another
   * zone than the one it was read in; which zone it was written in is said.
   */
  private zoneTwin(e: SeccompEvent, apart: number): void {
    // the -i date is the later read (held until its file ended) or, pasted after its raw form in another file, the earlier one
    const local = e.format === 'ausearch-i' ? e.time! : e.time! + apart / 1000;
    const raw = e.format === 'ausearch-i' ? e.time! + apart / 1000 : e.time!;
    // the -i form counted first (its file read before the raw one's): its time stands, a zone off
    keepCount(e.format === 'ausearch-i' ? this.zoneTwins : this.zoneMisread, e, `audit(${raw.toFixed(3)}:${e.serial}) in ausearch -i form was written at ${offsetText(offsetAt(local) + (local - raw))}, and read as ${zoneAt(local)}`);
  }

  /** A life's records without arch= and denied calls, counted (it is selected). */
  private countPending(p: Pending | null): void {
    if (!p) return;
    mergeCounted(this.noArch, p.noArch);
    loadDenied(this.denied, [...p.denied.values()]);
  }

  /** Grouped: the record's comm and exe join the life's labels, and what it adds is kept with the life (Programs.groups). */
  private label(life: Life, e: SeccompEvent, counted: boolean): void {
    const labels = life.labels;
    if (labels !== null) {
      // (a value is added when it changes: the life's last one is in already)
      if (e.comm !== null && e.comm !== life.lastComm) labels.add(`comm:${e.comm}`);
      if (e.exe !== null && e.exe !== life.lastExe) labels.add(`exe:${e.exe}`);
      if (labels.size > MAX_LABELS) life.labels = null;
    }
    if (!counted) return;
    life.ownUsed++;
    if (e.arch === null) keepCount(ownOf(life).noArch, e, noArchWhy(e));
    else countDenial(ownOf(life).denied, e);
  }

  /** Whether a life that logged these labels (Life.labels) is selected. */
  selectsLabels(labels: ReadonlySet<string>): boolean {
    if (this.selectAll) return true;
    for (const c of this.comms) if (labels.has(`comm:${c}`)) return true;
    for (const x of this.exes) if (labels.has(`exe:${x}`)) return true;
    return false;
  }

  private matches(e: SeccompEvent): boolean {
    if (this.selectAll) return true;
    return (e.comm !== null && this.comms.has(e.comm)) || (e.exe !== null && this.exes.has(e.exe)) || this.pids.has(e.pid);
  }

  private addRuntime(e: SeccompEvent | null, base: RuntimeBase, abi: Arch): void {
    if (this.opts.noRuntimeBase) return;
    let set = this.runtimes.get(base);
    if (!set) this.runtimes.set(base, (set = new Set()));
    if (set.has(abi)) return;
    set.add(abi);
    for (const n of base.names) this.learn(e, abi, n);
  }

  private learn(e: SeccompEvent | null, abi: Arch, name: string): void {
    if (addCall(this.union, abi, name) && e !== null) this.opts.onLearn?.(e, name, abi);
  }

  /**
   * Merged states' processes, as one run over their parts would have them: per
   * part (in the merge's fixed order), the lives it left open and its heads
   * that ended (Lives.takeAll()). A part comes before another when all its
   * processes' records are more than a second older than all of the other's
   * (a syslog stamp has whole seconds, the audit record milliseconds);
   * otherwise (times that overlap, no time) they keep the fixed order. Per machine and pid, a head goes on from the life the part before
   * left open (unless it began more than a second before that life's last
   * record: Lives.get), and what it changes is counted: a process selected in
   * one part is selected in the other too (its calls, records, unnamed calls,
   * records without arch= and denials, its runtime's init), and it is retired
   * into the program it ran last. Every life ends into its program; `keep`:
   * as in one state of all the parts, the lives still open at the end stay
   * open, and the first life of each pid that ended stays a head (a merged
   * state, merged again with later parts, joins them as the parts would).
   */
  joinParts(parts: ReadonlyArray<{ open: readonly Life[]; ended: readonly Life[] }>, keep = false): void {
    interface Slot {
      head: Life | null;
      open: Life | null;
      part: number;
    }
    const byKey = new Map<string | null, Map<number, Slot[]>>();
    const slot = (life: Life, part: number): Slot => {
      let m = byKey.get(life.host);
      if (!m) byKey.set(life.host, (m = new Map<number, Slot[]>()));
      let list = m.get(life.pid);
      if (!list) m.set(life.pid, (list = []));
      let s = list.find((x) => x.part === part);
      if (!s) list.push((s = { head: null, open: null, part }));
      return s;
    };
    parts.forEach((p, i) => {
      for (const life of p.ended) slot(life, i).head = life;
      for (const life of p.open) {
        const s = slot(life, i);
        s.open = life;
        if (life.head) s.head = life;
      }
    });
    // each part's place: its records' times (of the processes it holds), from the first to the last
    const spans = parts.map((p) => {
      let [lo, hi] = [Infinity, -Infinity];
      for (const life of [...p.ended, ...p.open])
        for (const t of [life.firstTime, life.lastTime])
          if (!Number.isNaN(t)) [lo, hi] = [Math.min(lo, t), Math.max(hi, t)];
      return { lo, hi };
    });
    const before = (a: number, b: number) => spans[a].lo <= spans[a].hi && spans[b].lo <= spans[b].hi && spans[a].hi < spans[b].lo - 1;
    const order = parts.map((_, i) => i).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : a - b));
    const place: number[] = [];
    order.forEach((part, k) => (place[part] = k));
    const [open, ended]: [Life[], Life[]] = [[], []];
    // a life ends: into its program, or (keep) among the heads, when it is the first of its pid
    const end = (life: Life) => (keep && life.head ? ended.push(life) : this.lives.programs.retire(life));
    for (const m of byKey.values())
      for (const slots of m.values()) {
        slots.sort((a, b) => place[a.part] - place[b.part]);
        let carried: Life | null = null;
        // a head that ended in its part, kept one part longer: the next part may hold copies of its records
        let endedHead: Life | null = null;
        for (const [k, s] of slots.entries()) {
          const h = s.head;
          if (h !== null && carried === null && endedHead !== null && this.copiesOnly(endedHead, h)) {
            // every record of this head is a copy of one the part before held (journald's other transport,
            // a few lines later): one run took them as the ended process's own late records (Lives.get)
            this.join(endedHead, h);
            // (copies to the end of the part: the process stays ended, for copies in the parts after)
            if (s.open !== null && s.open !== h) {
              end(endedHead);
              endedHead = null;
              carried = s.open;
            }
            continue;
          }
          if (endedHead !== null) end(endedHead);
          endedHead = null;
          if (h !== null) {
            if (carried !== null && !(h.firstTime < carried.lastTime - 1)) this.join(carried, h);
            else {
              if (carried !== null) end(carried);
              carried = h;
              // the first life of its pid only in the first part that holds the pid
              h.head = k === 0;
            }
            // the head went on to the end of its part: so does the joined life
            if (h === s.open) continue;
            endedHead = carried;
            carried = null;
          } else if (carried !== null) {
            end(carried);
            carried = null;
          }
          if (s.open !== null) carried = s.open;
        }
        if (endedHead !== null) end(endedHead);
        if (carried !== null) {
          if (keep) open.push(carried);
          else this.lives.programs.retire(carried);
        }
      }
    if (keep) this.lives.restore(open, ended);
  }

  /**
   * Records two merged states both hold (LearnState.window), by twinKey: set
   * while states are merged (state/state.ts), null otherwise.
   */
  twins: Set<string> | null = null;
  /** Records two merged states both held whose later copy was taken back out of what it counted (a merge). */
  twinsTaken = 0;

  /**
   * What `later`'s records that an earlier part also held counted, taken back
   * out: one run over both parts counted only the earlier copy (a cut between
   * journald's two copies of one record). By `later`'s receipts.
   */
  private takeBackTwins(life: Life, later: Life): number {
    const twins = this.twins;
    if (twins === null || later.receipts === null) return 0;
    let taken = 0;
    const kept: Receipt[] = [];
    for (const r of later.receipts) {
      // a copy of one `life` counted: held by another state, and not past `life`'s records (else it is the first copy)
      if (r.serial === null || r.serial > life.maxSerial || !twins.delete(twinKey(later.host, r.serial))) {
        kept.push(r);
        continue;
      }
      taken++;
      this.twinsTaken++;
      if (later.detail) uncountDetail(later.detail, r);
      later.firstSeen.uncount(r.time);
      this.labels.uncount(r.comm ?? r.exe ?? '(null)');
      if (r.action === null && this.unknownAction.count > 0) this.unknownAction.count--;
      const takeFrom = (noArch: Counted, denied: Map<string, Denied>) => {
        if (r.arch === null) noArch.count = Math.max(0, noArch.count - 1);
        else uncountDenial(denied, r);
      };
      if (later.ownUsed > 0) later.ownUsed--;
      if (later.own) takeFrom(later.own.noArch, later.own.denied);
      if (later.matched) {
        this.used--;
        takeFrom(this.noArch, this.denied);
      } else {
        if (later.before > 0) later.before--;
        if (later.pending) takeFrom(later.pending.noArch, later.pending.denied);
      }
    }
    later.receipts = kept.length > 0 ? kept : null;
    return taken;
  }

  /** Whether every record `head` counted is a copy of one `ended` counted (all have receipts, all are held by another state, none past `ended`'s records). */
  private copiesOnly(ended: Life, head: Life): boolean {
    const twins = this.twins;
    const r = head.receipts;
    if (twins === null || r === null || r.length === 0 || r.length !== head.firstSeen.records) return false;
    return r.every((x) => x.serial !== null && x.serial <= ended.maxSerial && twins.has(twinKey(head.host, x.serial)));
  }

  /** `later` (a head) goes on from `life`: `life` becomes both, and the Learner counts what being one process changes. */
  private join(life: Life, later: Life): void {
    // a later head of copies only (every record counted by `life` already): one run read them as duplicates, and nothing else of them
    if (this.takeBackTwins(life, later) > 0 && later.firstSeen.records === 0) return;
    // the joined process keeps the receipts of both (a merged state merged again: merge --format state)
    if (later.receipts !== null) life.receipts = life.receipts === null ? later.receipts : [...life.receipts, ...later.receipts];
    const [was, wasLater] = [life.matched, later.matched];
    if (was && !wasLater) this.selectedLate(later, life);
    else if (!was && wasLater) this.selectedLate(life, later);
    else if (was && wasLater) for (const u of later.unnamed) if (life.unnamed.has(u)) this.unnamed.set(u, this.unnamed.get(u)! - 1);
    // one process, selected: the records of each part count (what the part not selected kept apart)
    const pending = joinPending(joinPending(null, life.pending), later.pending);
    if (was || wasLater) this.countPending(pending);
    const runtime = life.runtime ?? later.runtime;
    const added = (life.runtime?.added ?? false) || (later.runtime?.added ?? false);
    joinLife(life, later);
    life.matched = was || wasLater;
    life.pending = life.matched ? null : pending;
    life.runtime = runtime && { ...runtime, added };
    if (life.matched && life.runtime && !life.runtime.added) {
      life.runtime.added = true;
      if (!this.opts.noRuntimeBase) for (const n of life.runtime.base.names) addCall(life.calls, life.runtime.abi, n);
      this.addRuntime(null, life.runtime.base, life.runtime.abi);
    }
  }

  /** What selecting `life` counts, joined to `other` (selected already): its calls learned, its records used, its unnamed calls that `other` did not make. */
  private selectedLate(life: Life, other: Life): void {
    for (const [abi, names] of life.calls) for (const n of names) this.learn(null, abi, n);
    for (const u of life.unnamed) if (!other.unnamed.has(u)) this.unnamed.set(u, (this.unnamed.get(u) ?? 0) + 1);
    this.used += life.before;
  }

  /** Processes being tracked now. */
  get tracked(): number {
    return this.lives.size;
  }

  /** Processes let go because more than 65,536 were open at once (their calls are kept). */
  get evicted(): number {
    return this.lives.evicted;
  }

  /**
   * Ends the input: the kernel lines still waiting are judged; every process
   * still alive is retired into its program. Call once, at the end of input.
   */
  finish(): void {
    this.settle();
    this.lives.endAll();
  }

  /** The last audit serial read so far from `file`, per host its lines name (null: no host), by host. */
  lastSerials(file: string): Array<{ host: string | null; serial: number }> {
    const out: Array<{ host: string | null; serial: number }> = [];
    for (const s of this.sources.all()) if (s.file === file && s.lastSerial >= 0) out.push({ host: s.host, serial: s.lastSerial });
    return out.sort((a, b) => ((a.host ?? '') < (b.host ?? '') ? -1 : (a.host ?? '') > (b.host ?? '') ? 1 : 0));
  }

  /** The learned names, sorted (every ABI together). */
  names(): string[] {
    const all = new Set<string>();
    for (const set of this.union.values()) for (const n of set) all.add(n);
    return [...all].sort();
  }

  profile(opts: BuildOptions = {}): Profile {
    return buildProfile(this.names(), this.union.keys(), opts);
  }

  /** The programs (after finish()), for --out-dir and report. */
  programs(): Program[] {
    return this.lives.programs.list();
  }

  /**
   * Each selected process's executable and calls so far: the programs, then the
   * processes still open (while following a stream, before finish()), so that
   * what depends on the executables (--include-unexercised) is whole at any time.
   */
  executables(): Array<{ readonly exe: string | null; readonly calls: Calls }> {
    return [...this.lives.programs.list(), ...this.lives.open()];
  }

  get skippedTotal(): number {
    let n = 0;
    for (const c of this.skipped.values()) n += c.count;
    return n;
  }

  /** The options it learns with (a saved state keeps them). */
  get options(): Readonly<LearnOptions> {
    return this.opts;
  }
}

const NO_ARCH = 'no arch=: the syscall number cannot be named';
/** At most this many `ausearch -i` records wait for their raw forms (Learner.holdLocal). */
export const MAX_HELD_LOCAL = 4096;
/** Zones are whole quarter hours apart: two reads of one record this far apart or more are a zone apart. */
const ZONE_STEP_MS = 15 * 60 * 1000;

/** The offset from UTC (seconds) of the zone this process runs in (TZ), at `time` (seconds since the epoch). */
function offsetAt(time: number): number {
  return -new Date(time * 1000).getTimezoneOffset() * 60;
}

/** `UTC+10:00`, `UTC-07:00`, `UTC+05:30`. */
export function offsetText(seconds: number): string {
  const m = Math.round(Math.abs(seconds) / 60);
  return `UTC${seconds < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The zone this process runs in, named, with its offset at `time`: `Australia/Sydney (UTC+10:00)`. */
function zoneAt(time: number): string {
  let name = '';
  try {
    name = Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    name = '';
  }
  return `${name || process.env.TZ || 'the local zone'} (${offsetText(offsetAt(time))})`;
}
/** What the Security Profiles Operator's log-enricher leaves out (its line names the node's call, on an arch it does not give). */
export const NO_ARCH_ENRICHER = "no arch=: the Security Profiles Operator's log-enricher does not give it, and a syscall's number or name is not one without its architecture";

/** Why a record has no architecture: an old kernel's record, or a tool's line that leaves it out. */
function noArchWhy(e: SeccompEvent): string {
  return e.format === 'spo-enricher' ? NO_ARCH_ENRICHER : NO_ARCH;
}

/** What a life not selected yet would have counted (Life.pending), made on first use. */
function pendingOf(life: Life): Pending {
  return (life.pending ??= { noArch: { count: 0, examples: [] }, denied: new Map() });
}

/** What a life adds when selected (Life.own, grouped), made on first use. */
function ownOf(life: Life): Pending {
  return (life.own ??= { noArch: { count: 0, examples: [] }, denied: new Map() });
}

/** A record whose action is neither LOG nor ALLOW: a profile in force denied its call; counted into `denied`. */
/** Whether a record is a denied call: an action other than LOG and ALLOW, on a named call. */
function isDenial(e: Receipt): e is Receipt & { action: Action; syscall: string } {
  return e.action !== null && e.action !== 'LOG' && e.action !== 'ALLOW' && e.syscall !== null;
}

function countDenial(denied: Map<string, Denied>, e: SeccompEvent): void {
  if (isDenial(e)) countDenied(denied, e.comm ?? e.exe ?? '(null)', e.syscall, e.action, e.file, e.line, strictModeKill(e.action, e.sig));
}

/** countDenial's record taken back out (Learner.takeBackTwins). */
function uncountDenial(denied: Map<string, Denied>, r: Receipt): void {
  if (isDenial(r)) uncountDenied(denied, r.comm ?? r.exe ?? '(null)', r.syscall, r.action, strictModeKill(r.action, r.sig));
}

function keepCount(c: Counted, e: SeccompEvent, message: string): void {
  c.count++;
  keepExample(c.examples, { file: e.file, line: e.line, message });
}

/**
 * What the Learner keeps of a line besides its result: for an untrusted record,
 * its first bytes shown safely (to say what kind of line it was); for a loss
 * notice, its text (the notice's example). Null for anything else.
 */
export function headFor(r: NonNullable<LineResult>, b: Buffer, s: number, e: number): string | null {
  if (r.kind === 'loss') return b.toString('utf8', s, Math.min(e, s + 300));
  if (r.kind !== 'seccomp' || r.trusted) return null;
  const n = Math.min(e, s + 32);
  let t = '';
  for (let i = s; i < n; i++) {
    const c = b[i];
    t += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return e > n ? `${t}...` : t;
}
