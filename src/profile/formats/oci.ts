// The OCI runtime spec's `linux.seccomp` object: the file runc, crun and the
// kubelet's `localhostProfile` read. Written as seccomp-learn always wrote it
// (profile/model.ts serialiseProfile); read with a shape check that names the
// field at fault, and JSON syntax errors with their line and column.
import { createRequire } from 'node:module';
import { serialiseProfile, type Profile } from '../model.js';
import { SCMP_ACTIONS, SCMP_ARCHES } from './shared.js';
import { SeccompLearnError } from '../../core/error.js';

/** The OCI JSON text of a profile. Throws a SeccompLearnError 'format-cannot-express' for an architecture or action the spec does not know. */
export function renderOci(p: Profile): string {
  checkOci(p, 'oci');
  return serialiseProfile(p);
}

/** Throw a SeccompLearnError 'format-cannot-express' when `p` has an architecture or action the OCI runtime spec does not list. */
export function checkOci(p: Profile, what: string): void {
  const badArch = (p.architectures ?? []).filter((a) => !SCMP_ARCHES.includes(a));
  if (badArch.length) throw new SeccompLearnError('format-cannot-express', `--format ${what} cannot express the architecture ${badArch.join(', ')} (not an SCMP_ARCH_* name of the OCI runtime spec)`);
  const actions = new Set<string>([p.defaultAction, ...(p.syscalls ?? []).map((r) => r.action)]);
  const bad = [...actions].filter((a) => !(SCMP_ACTIONS as readonly string[]).includes(a));
  if (bad.length) throw new SeccompLearnError('format-cannot-express', `--format ${what} cannot express the action ${bad.join(', ')}`);
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/**
 * JSON.parse with a one-line error naming the file, line and column
 * (`FILE:3:14: JSON syntax error: ...`). Throws a SeccompLearnError 'profile-invalid'.
 */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const at = /at position (\d+)/.exec(msg);
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const where = lc ? { line: Number(lc[1]), col: Number(lc[2]) } : at ? lineCol(text, Number(at[1])) : text.trim() === '' ? { line: 1, col: 1 } : yamlWhere(text);
    const short = msg.replace(/ in JSON at position \d+.*$/s, '').replace(/^(Unexpected token .*?), (?:\.\.\.)?".*" is not valid JSON$/s, '$1').replace(/\s*\(line \d+ column \d+\)$/, '').replace(/\s+/g, ' ');
    throw new SeccompLearnError('profile-invalid', `JSON syntax error: ${text.trim() === '' ? 'the file is empty' : short}`, { source: file, line: where?.line, column: where?.col });
  }
}

/**
 * Where a JSON syntax error is when V8's message gives no position (`Unexpected
 * token ','`): the line and column yaml's parser (JSON is YAML) stops at, or null.
 * Loaded only then: yaml is not needed to read a good profile.
 */
function yamlWhere(text: string): { line: number; col: number } | null {
  try {
    const { parseDocument } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    const pos = parseDocument(text).errors[0]?.linePos?.[0];
    return pos ? { line: pos.line, col: pos.col } : null;
  } catch {
    return null;
  }
}
