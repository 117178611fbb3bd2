// seccomp-learn's library API: types and functions, no process.* here.
export { detectEnvelope, envelopeOf, type Envelope, type Format } from './envelope.js';
export { readFields, readHead, showSafely, Fields, type Head, type LossReason, type Value } from './record.js';
export { actionOf, decodeAction, isEvent, MARKERS, parseBytes, parseLine, recordKey, type Action, type AuditMark, type LineResult, type LossNotice, type SeccompEvent, type Skip, type SkipCode } from './event.js';
export { closeInput, LineSplitter, openInput, readLines, type Input, sourceName, SourceError, DEFAULT_MAX_LINE, type LineSink } from './source.js';
export { Learner, RecordWindow, truncateComm, COMM_MAX_BYTES, type CallStat, type Detail, type Gap, type Group, type LearnOptions, type Selection } from './learn.js';
export { buildProfile, checkProfile, mergeProfile, serialiseProfile, ProfileError, DEFAULT_ACTIONS, type BuildOptions, type Profile, type SyscallRule } from './profile.js';
export { buildReport, renderReport, type Report, type ReportCall, type ReportFinding, type ReportProcess } from './report.js';
export { ForgeryCheck, type Suspicion } from './trust.js';
export * from './syscalls/index.js';

import type { SeccompEvent } from './event.js';

/** The stable JSON form of an event (one line of `seccomp-learn parse`): the ABI by its short name, no internals. */
export type EventJSON = Omit<SeccompEvent, 'arch' | 'printk'> & { arch: string | null };

export function eventToJSON(e: SeccompEvent): EventJSON {
  return {
    format: e.format,
    trusted: e.trusted,
    time: e.time,
    serial: e.serial,
    pid: e.pid,
    uid: e.uid,
    auid: e.auid,
    comm: e.comm,
    exe: e.exe,
    arch: e.arch?.name ?? null,
    nr: e.nr,
    syscall: e.syscall,
    compat: e.compat,
    action: e.action,
    sig: e.sig,
    file: e.file,
    line: e.line,
    host: e.host,
  };
}
