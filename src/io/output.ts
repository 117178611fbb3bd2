// Outputs checked before anything is read, and written atomically: a profile
// is never half-written, and never replaces an input.
import { closeSync, fstatSync, lstatSync, mkdirSync, realpathSync, openSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SeccompLearnError } from '../core/error.js';

/** Why a write failed, in words (no errno prefix, no stack). */
function writeReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOENT':
      return 'no such file or directory';
    case 'EEXIST':
      return 'exists and is not a directory (a dangling symbolic link?)';
    default:
      return (e.message ?? String(err)).replace(/^[A-Z]+: /, '');
  }
}

/** stat (or, `follow` false, lstat) of `path`, or null when there is nothing there. */
function statOrNull(path: string, follow = true): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return null;
  }
}

/**
 * `mkdir -p`, one directory at a time from the nearest that exists: Node's
 * `mkdirSync(dir, { recursive: true })` never returns for a path under /proc
 * (ENOENT for the child, EEXIST for the parent, again and again).
 */
function makeDirs(dir: string, what: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); statOrNull(d) === null; d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      throw new SeccompLearnError('output-unwritable', `${what}: cannot create the directory ${d}: ${writeReason(err)}`);
    }
  }
}

/**
 * Prove that `dir` can be made and written: a file can be created in it, or, when
 * it does not exist yet, in the nearest directory above it that does (where its
 * first missing part will be made). Nothing is left behind, so a run that ends
 * without writing leaves no empty directories; writeAtomic makes them.
 */
function writableDir(dir: string, what: string): void {
  let at = resolve(dir);
  let st = statOrNull(at);
  while (st === null && dirname(at) !== at) {
    if (statOrNull(at, false) !== null) throw new SeccompLearnError('output-unwritable', `${what}: cannot create the directory ${at}: exists and is not a directory (a dangling symbolic link?)`);
    at = dirname(at);
    st = statOrNull(at);
  }
  if (st !== null && !st.isDirectory()) throw new SeccompLearnError('output-unwritable', `${what}: ${at} is not a directory`);
  const probe = join(at, `.seccomp-learn.${process.pid}.probe`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (err) {
    // /proc and the like: the directory is there, a new name in it is not
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'files cannot be created there' : writeReason(err);
    throw new SeccompLearnError('output-unwritable', `${what}: cannot create a file in ${at}: ${why}`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * Before any input is read: `-o FILE` can be written. Its missing parent
 * directories (`-o profiles/app.json`) are created when it is written; a directory, or a place where no file can be
 * created (read-only, /proc), is a SeccompLearnError 'output-unwritable'. An existing device or FIFO
 * (/dev/stdout) is written in place, as writeAtomic does.
 */
export function prepareOutput(path: string, option = '-o'): void {
  const what = `${option} ${path}`;
  const st = statOrNull(path);
  if (st?.isDirectory()) throw new SeccompLearnError('output-unwritable', `${what}: is a directory; name a file (${join(path, 'profile.json')})`);
  if (st && !st.isFile()) return;
  writableDir(dirname(path), what);
}

/**
 * Before anything is read: no output is one of the inputs, or another output
 * (`-o log` would replace the log, `-o state.json --state state.json` the state).
 * `outputs` are [option, path] pairs; files are the same when they are one inode
 * (hard links, symbolic links) or, when the output does not exist, one path.
 * A SeccompLearnError 'usage' names both.
 */
export function refuseOverwrite(outputs: ReadonlyArray<readonly [string, string | undefined]>, inputs: readonly string[]): void {
  const outs = outputs.filter((o): o is readonly [string, string] => o[1] !== undefined);
  outs.forEach(([option, path], i) => {
    for (const input of inputs.length === 0 ? ['-'] : inputs) {
      if (sameFile(path, input)) throw new SeccompLearnError('usage', `${option} ${path} is also an input (${input === '-' ? 'standard input' : input}): writing it would replace what is read; name another file`);
    }
    for (const [other, p2] of outs.slice(i + 1)) {
      if (sameFile(path, p2)) throw new SeccompLearnError('usage', `${option} ${path} and ${other} ${p2} are one file: name two`);
    }
  });
}

/**
 * Whether writing `out` would replace the regular file `input` (`-`: standard
 * input, when it is a file: `< log`): one inode (hard links, symbolic links,
 * /dev/stdin), or, when `out` does not exist yet, one path.
 */
export function sameFile(out: string, input: string): boolean {
  const so = statOrNull(out);
  let si: Stats | null;
  if (input === '-') {
    try {
      si = fstatSync(0);
    } catch {
      return false;
    }
  } else si = statOrNull(input);
  if (so !== null && si !== null) return si.isFile() && so.dev === si.dev && so.ino === si.ino;
  return input !== '-' && resolve(out) === resolve(input);
}

/** Before any input is read: `--out-dir DIR` can be made (it is, with its parents, when a profile is written) and a file created in it. */
export function prepareOutDir(dir: string): void {
  const what = `--out-dir ${dir}`;
  const st = statOrNull(dir);
  if (st && !st.isDirectory()) throw new SeccompLearnError('output-unwritable', `${what}: not a directory`);
  writableDir(dir, what);
}

/**
 * Write a file atomically: a temporary file in the same directory, then rename.
 * A target that exists and is not a regular file (/dev/stdout, a FIFO) is written
 * in place: renaming over it would replace the device. A failure is a
 * SeccompLearnError 'output-unwritable' naming the file, and leaves no temporary file.
 */
export function writeAtomic(path: string, text: string): void {
  // a symbolic link (-o /dev/stdout, a link to a profile) is written through: the
  // temporary file is renamed over its target, not over the link
  if (statOrNull(path, false)?.isSymbolicLink()) {
    try {
      path = realpathSync(path);
    } catch {
      // dangling: written as a new file where it points, or failing there
    }
  }
  const st = statOrNull(path);
  if (st && !st.isFile()) {
    try {
      writeFileSync(path, text);
    } catch (err) {
      throw new SeccompLearnError('output-unwritable', `cannot write ${path}: ${writeReason(err)}`);
    }
    return;
  }
  makeDirs(dirname(path), `cannot write ${path}`);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the directory went away with it
    }
    throw new SeccompLearnError('output-unwritable', `cannot write ${path}: ${writeReason(err)}`);
  }
}

export function safeFileName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '_').slice(0, 100);
  return cleaned || 'process';
}
