// seccomp-learn's library API: what the README's Library section documents, and
// nothing else (a test holds the list of exports). No process.* here.

// Reading lines: a Parser per stream, or parseLine for one line.
export { Parser, parseLine, recordKey, decodeAction, type Action, type AuditMark, type LineResult, type LossNotice, type SeccompEvent, type Skip, type SkipCode } from './event.js';
export { FORMATS, type Format } from './envelope.js';
export type { LossReason } from './record.js';

// Inputs: files, gzip, streams -> lines.
export { LineSplitter, openInput, readLines, closeInput, SourceError, DEFAULT_MAX_LINE, type Input, type LineSink, type ReadOptions } from './source.js';

// Learning: selection, processes, duplicates, gaps, forgeries; and what it found.
export { Learner, truncateComm, COMM_MAX_BYTES, type LearnOptions, type Selection, type SkipReason, type Loss } from './learn.js';
export type { Group, Detail, CallStat } from './lives.js';
export type { Gap } from './gaps.js';
export type { Counted, Example } from './examples.js';
export type { Suspicion } from './trust.js';
export { findings, mayBeIncomplete, FINDING_KINDS, type Finding, type FindingKind, type Severity } from './findings.js';

// Saved learn states: read on later, merge many nodes'.
export { toState, fromState, parseState, serialiseState, mergeStates, StateError, STATE_VERSION, type LearnState, type InputRecord } from './state.js';

// Profiles and reports.
export { buildProfile, checkProfile, mergeProfile, serialiseProfile, ProfileError, DEFAULT_ACTIONS, type BuildOptions, type DefaultAction, type Profile, type SyscallRule } from './profile.js';
export { buildReport, renderReport, type Report, type ReportCall, type ReportFinding, type ReportProcess } from './report.js';

// Syscall names and numbers, per architecture.
export { ARCHES, X32_SYSCALL_BIT, TABLE_KERNEL_VERSION, findArch, archFromAudit, archFromToken, abiOf, nameOf, numberOf, resolve, listTable, type Arch, type Column, type Resolved } from './syscalls/index.js';

// Profile formats, and what a profile does: check, diff, merge.
export {
  FORMATS as PROFILE_FORMATS, KIND_NAMES, FormatError, StateInputError, renderProfile, parseProfile, loadProfile, detectKind, extensionOf, archMapFor, resolveTemplate,
  DOCKER_DEFAULT_CAPS, dnsName, isDns1123Subdomain, SPO_API_VERSION, SYSTEMD_ARCHES, errnoName, errnoNumber, showErrno,
  type FormatName, type InputKind, type LoadedProfile, type RenderOptions, type TemplateAssumptions,
} from './formats/index.js';
export { Policy, effectOf, showEffect, restriction, BAD_ARCH, type Effect, type Outcome, type Verdict } from './policy.js';
export { buildCheck, checkPassed, renderCheck, type CheckCall, type CheckProcess, type CheckReport } from './check.js';
export { diffPolicies, renderDiff, type DiffReport, type DiffSection, type DiffSide } from './diff.js';
export { mergeProfiles, MergeError, type MergeInput, type MergeResult } from './profile-merge.js';

import type { SeccompEvent } from './event.js';

/** The stable JSON form of an event (one line of `seccomp-learn parse`): the ABI by its short name, no internals. */
export type EventJSON = Omit<SeccompEvent, 'kind' | 'arch' | 'printk' | 'tagPid' | 'logSecond'> & { arch: string | null };

/** An event as `seccomp-learn parse` prints it (keys in the documented order). */
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
