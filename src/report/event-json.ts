// The stable JSON form of an event: one line of `seccomp-learn parse`.
import type { SeccompEvent } from '../parse/event.js';

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
