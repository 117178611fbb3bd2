// seccomp-learn's library API: what the README's Library section documents, and
// nothing else (test/index.test.ts holds the list). 40 values, each for a step a
// library user takes: read lines to records, learn, save and merge states, build,
// render, read, check, diff and merge profiles, name syscalls; and the types their
// signatures use. Internal helpers stay inside their modules. No process.* here.

// Errors for people: one class, its kinds told apart by `code` (one of ERROR_CODES).
export { SeccompLearnError, ERROR_CODES, type ErrorCode, type ErrorPlace } from './core/error.js';

// Reading lines: a Parser per stream, or parseLine for one line.
export { Parser, parseLine, type Action, type AuditMark, type LineResult, type LossNotice, type SeccompEvent, type Skip, type SkipCode } from './parse/event.js';
export { LOG_FORMATS, type LogFormat } from './parse/envelope.js';
export type { LossReason } from './parse/record.js';

// Inputs: files, gzip, streams -> lines.
export { LineSplitter, type LineSink } from './parse/lines.js';
export { openInput, readLines, closeInput, type Input, type ReadOptions } from './io/input.js';

// Learning: selection, processes, duplicates, gaps, forgeries; and what it found.
export { Learner, type LearnOptions, type Selection, type SkipReason } from './learn/learner.js';
export type { Loss } from './learn/loss.js';
export type { Program } from './learn/lives.js';
export type { Detail, CallStat } from './learn/calls.js';
export type { Gap } from './learn/gaps.js';
export type { Counted, Example } from './learn/examples.js';
export type { Suspicion } from './learn/forgery.js';
export { findings, FINDING_KINDS, type Finding, type FindingKind, type Severity } from './report/findings.js';

// Saved learn states: read on later, merge many nodes'.
export { toState, fromState, parseState, serialiseState, mergeStates, type LearnState, type InputRecord } from './state/state.js';

// Profiles and reports.
export { buildProfile, checkProfile, mergeProfile, serialiseProfile, type BuildOptions, type DefaultAction, type Profile, type SyscallRule } from './profile/model.js';
export { buildReport, renderReport, type Report, type ReportCall, type ReportFinding, type ReportProcess } from './report/report.js';

// Syscall names and numbers, per architecture.
export { ARCHES, findArch, nameOf, numberOf, resolve, type Arch, type Resolved } from './syscalls/index.js';

// Profile formats, and what a profile does: check, diff, merge.
export {
  FORMATS as PROFILE_FORMATS, renderProfile, parseProfile, resolveTemplate,
  type FormatName, type InputKind, type LoadedProfile, type RenderOptions, type TemplateAssumptions,
} from './profile/formats/index.js';
export { Policy, type Effect, type Outcome, type Verdict } from './profile/policy.js';
export { buildCheck, renderCheck, type CheckCall, type CheckProcess, type CheckReport } from './report/check.js';
export { diffPolicies, renderDiff, type DiffReport, type DiffSection, type DiffSide } from './profile/diff.js';
export { loadProfile } from './io/profile-file.js';
export { mergeProfiles, type MergeInput, type MergeResult } from './profile/merge.js';
export { eventToJSON, type EventJSON } from './report/event-json.js';
