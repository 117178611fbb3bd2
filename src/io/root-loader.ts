// A program and the libraries it loads, found inside a root file system (a
// container's exported root, an unpacked image, `/`, or /proc/PID/root) as the
// dynamic loader would find them there, never outside it.
//
// Paths inside the root are followed one component at a time: a symbolic link is
// read and resolved against the root (an absolute target starts again at the
// root, `..` never climbs above it: chroot's rules), so no host path outside the
// root is ever opened. A loop of links, or more than 40 (Linux's MAXSYMLINKS),
// is an error naming the path.
//
// The search for each DT_NEEDED name follows glibc's ld.so (elf/dl-load.c,
// ld.so(8)): a name with a slash is a path; else DT_RPATH of the object that
// needs it and of the objects that loaded it (each only where it has no
// DT_RUNPATH), LD_LIBRARY_PATH (not known here: ignored), DT_RUNPATH of the
// object, the directories of /etc/ld.so.conf and its `include`s (what
// ld.so.cache is built from), then the default directories (the multiarch
// ones Debian and Ubuntu use, lib64 for Fedora and the like, /lib, /usr/lib).
// For musl's loader (a PT_INTERP of /lib/ld-musl-*): DT_RPATH and DT_RUNPATH
// alike, then /etc/ld-musl-ARCH.path or /lib:/usr/local/lib:/usr/lib; and the
// names of the C library (libc.so, libc.musl-*, libpthread.so...) are the loader
// itself. A candidate of another machine, class or byte order is skipped, as
// the loaders skip it, and named when nothing else is found.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readElf, type ElfFile } from '../elf/elf.js';
import { ElfError } from '../elf/error.js';

/** Linux's limit of symbolic links in one path lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;
/** Nested `include`s of ld.so.conf past this are a loop. */
const MAX_INCLUDE_DEPTH = 16;

/** A file found inside the root. */
export interface RootFile {
  /** Its path inside the root, absolute, with every symbolic link resolved (/usr/lib/x86_64-linux-gnu/libc.so.6). */
  readonly path: string;
  /** The same file as the host sees it: the root joined with `path`. */
  readonly hostPath: string;
}

/** An object the loader maps: the program, or a library it needs. */
export interface LoadedObject extends RootFile {
  /** The name it was asked for by (a DT_NEEDED entry), or the program's path. */
  readonly name: string;
  readonly elf: ElfFile;
  /** The path inside the root of the object whose DT_NEEDED named it first; null for the program. */
  readonly neededBy: string | null;
}

/** A library that could not be loaded, and why. */
export interface LibraryProblem {
  /** The DT_NEEDED name. */
  readonly name: string;
  /** The path inside the root of the object that needs it. */
  readonly neededBy: string;
  /** 'not-found' (with the directories searched and the candidates skipped), or what reading it raised. */
  readonly error: ElfError;
}

/** A program and its whole DT_NEEDED closure inside a root. */
export interface LoadedProgram {
  readonly root: string;
  readonly program: LoadedObject;
  /** Each library once, in the order the loader would map them (breadth first), then the interpreter if no DT_NEEDED named it. */
  readonly libraries: readonly LoadedObject[];
  readonly problems: readonly LibraryProblem[];
  /** Which loader's rules were used: musl's when PT_INTERP is musl's. */
  readonly loader: 'glibc' | 'musl';
}

/**
 * Files already read, by host path: one Map shared by the caller over many
 * programs of the same root saves reading libc again for each.
 */
export type ElfCache = Map<string, ElfFile | ElfError>;

/**
 * The path inside `root` that `path` leads to, every symbolic link followed
 * inside the root.
 * @throws ElfError 'not-found' (a component is missing or not a directory),
 *   'bad-path' (a loop of links, more than 40 links), 'unreadable'
 */
export function resolveInRoot(root: string, path: string): RootFile {
  const done: string[] = [];
  let todo = path.split('/');
  let links = 0;
  const seen = new Set<string>();
  while (todo.length > 0) {
    const c = todo.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      done.pop(); // at the root, .. is the root
      continue;
    }
    const inside = '/' + [...done, c].join('/');
    const host = join(root, inside);
    let st;
    try {
      st = lstatSync(host);
    } catch (err) {
      throw fsError(err, path, inside);
    }
    if (st.isSymbolicLink()) {
      const state = `${inside}\0${todo.join('/')}`;
      if (seen.has(state)) throw new ElfError('bad-path', path, `a loop of symbolic links at ${inside} (inside ${root})`);
      seen.add(state);
      if (++links > MAX_LINKS) throw new ElfError('bad-path', path, `more than ${MAX_LINKS} symbolic links (inside ${root})`);
      let target: string;
      try {
        target = readlinkSync(host);
      } catch (err) {
        throw fsError(err, path, inside);
      }
      if (target.startsWith('/')) done.length = 0;
      todo = [...target.split('/'), ...todo];
      continue;
    }
    if (todo.some((t) => t !== '' && t !== '.') && !st.isDirectory()) throw new ElfError('not-found', path, `${inside} is not a directory (inside ${root})`);
    done.push(c);
  }
  const inside = '/' + done.join('/');
  return { path: inside, hostPath: join(root, inside) };
}

function fsError(err: unknown, path: string, inside: string): ElfError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new ElfError('not-found', path, `${inside} does not exist`);
  return new ElfError('unreadable', path, `${inside}: ${(err as Error).message}`);
}

/**
 * Read a regular file found by resolveInRoot (never through a link: O_NOFOLLOW).
 * @throws ElfError 'bad-path' (not a regular file), 'unreadable'
 */
function readRootFile(f: RootFile, label: string): Uint8Array {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted in an image opens at once (and is refused below) instead of waiting for a writer forever
    fd = openSync(f.hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    throw fsError(err, label, f.path);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ElfError('bad-path', label, `${f.path} is not a regular file`);
    const buf = new Uint8Array(st.size);
    let at = 0;
    while (at < buf.length) {
      const n = readSync(fd, buf, at, buf.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return buf.subarray(0, at);
  } catch (err) {
    if (err instanceof ElfError) throw err;
    throw new ElfError('unreadable', label, `${f.path}: ${(err as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** Read the ELF file at a path inside the root (links followed inside it); errors name `label`. */
export function readElfInRoot(root: string, path: string, cache: ElfCache = new Map(), label = path): { file: RootFile; elf: ElfFile } {
  const file = resolveInRoot(root, path);
  const hit = cache.get(file.hostPath);
  if (hit instanceof ElfError) throw hit;
  if (hit) return { file, elf: hit };
  try {
    const elf = readElf(readRootFile(file, label), label);
    cache.set(file.hostPath, elf);
    return { file, elf };
  } catch (err) {
    if (err instanceof ElfError) cache.set(file.hostPath, err);
    throw err;
  }
}

/** Debian's multiarch tuple for an architecture (lib/TUPLE, usr/lib/TUPLE), where it has one. */
const MULTIARCH: Readonly<Record<string, readonly string[]>> = {
  x86_64: ['x86_64-linux-gnu'],
  x32: ['x86_64-linux-gnux32'],
  i386: ['i386-linux-gnu'],
  aarch64: ['aarch64-linux-gnu'],
  arm: ['arm-linux-gnueabihf', 'arm-linux-gnueabi'],
  ppc64le: ['powerpc64le-linux-gnu'],
  ppc64: ['powerpc64-linux-gnu'],
  ppc: ['powerpc-linux-gnu'],
  s390x: ['s390x-linux-gnu'],
  riscv64: ['riscv64-linux-gnu'],
  mips64el: ['mips64el-linux-gnuabi64'],
  mipsel: ['mipsel-linux-gnu'],
  mips: ['mips-linux-gnu'],
  loongarch64: ['loongarch64-linux-gnu'],
  sparc64: ['sparc64-linux-gnu'],
  m68k: ['m68k-linux-gnu'],
  alpha: ['alpha-linux-gnu'],
  sh: ['sh4-linux-gnu'],
  parisc: ['hppa-linux-gnu'],
};

/** glibc's default directories for a program's machine, in the order its ld.so tries them. */
export function defaultLibraryDirs(elf: ElfFile): string[] {
  const dirs: string[] = [];
  for (const t of MULTIARCH[elf.arch?.name ?? ''] ?? []) dirs.push(`/lib/${t}`, `/usr/lib/${t}`);
  if (elf.arch?.name === 'x32') dirs.push('/libx32', '/usr/libx32');
  else if (elf.class === 64) dirs.push('/lib64', '/usr/lib64');
  dirs.push('/lib', '/usr/lib');
  return dirs;
}

/** The C library names musl's loader answers itself (ldso/dynlink.c: the builtin libc names). */
const MUSL_BUILTIN = /^(libc|libdl|libm|libpthread|librt|libutil|libxnet|libcrypt)\.so(\.|$)|^libc\.musl-|^ld-musl-/;

/** Lines of a text file inside the root, or null when it is not there (it need not be). */
function readTextInRoot(root: string, path: string): string | null {
  try {
    const f = resolveInRoot(root, path);
    return new TextDecoder().decode(readRootFile(f, path));
  } catch (err) {
    if (err instanceof ElfError && err.code === 'not-found') return null;
    throw err;
  }
}

/** Paths inside the root matching a glob (`*`, `?`, `[...]` in any component), sorted as glob(3) sorts them. */
function globInRoot(root: string, pattern: string): string[] {
  let found = ['/'];
  for (const part of pattern.split('/').filter((p) => p !== '')) {
    const next: string[] = [];
    for (const dir of found) {
      if (!/[*?[]/.test(part)) {
        next.push(posix.join(dir, part));
        continue;
      }
      const re = new RegExp(`^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
      let names: string[];
      try {
        names = readdirSync(resolveInRoot(root, dir).hostPath);
      } catch {
        continue;
      }
      for (const n of names.sort()) if (!n.startsWith('.') && re.test(n)) next.push(posix.join(dir, n));
    }
    found = next;
  }
  return found;
}

/** The directories /etc/ld.so.conf lists, its `include`s followed (globs expanded, relative ones from /etc), inside the root. */
export function ldSoConfDirs(root: string): string[] {
  const dirs: string[] = [];
  const visited = new Set<string>();
  const read = (path: string, depth: number): void => {
    if (depth > MAX_INCLUDE_DEPTH) throw new ElfError('bad-path', path, `ld.so.conf includes nest deeper than ${MAX_INCLUDE_DEPTH} (a loop?)`);
    let key: string;
    try {
      key = resolveInRoot(root, path).path;
    } catch (err) {
      if (err instanceof ElfError && err.code === 'not-found') return;
      throw err;
    }
    if (visited.has(key)) return;
    visited.add(key);
    const text = readTextInRoot(root, path);
    if (text === null) return;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      if (line === '') continue;
      const inc = /^include\s+(.*)$/.exec(line);
      if (inc) {
        for (const pat of inc[1].trim().split(/\s+/)) {
          for (const p of globInRoot(root, pat.startsWith('/') ? pat : `/etc/${pat}`)) read(p, depth + 1);
        }
        continue;
      }
      if (/^hwcap\s/.test(line)) continue;
      // ldconfig splits on space, tab, comma and colon; an old `=TYPE` suffix is ignored
      for (const d of line.split(/[\s,:]+/)) if (d.startsWith('/')) dirs.push(d.replace(/=.*$/, ''));
    }
  };
  read('/etc/ld.so.conf', 0);
  return dirs;
}

/** musl's search path: /etc/ld-musl-ARCH.path (names split at newlines and colons), or its default. */
function muslDirs(root: string, interpreter: string): string[] {
  const arch = /ld-musl-([^/]+)\.so\.1$/.exec(interpreter)?.[1];
  const text = arch ? readTextInRoot(root, `/etc/ld-musl-${arch}.path`) : null;
  if (text === null) return ['/lib', '/usr/local/lib', '/usr/lib'];
  return text.split(/[\n:]/).map((s) => s.trim()).filter((s) => s.startsWith('/'));
}

/** $ORIGIN (the object's directory), $LIB and $PLATFORM expanded: one path or, where the value is not known, each candidate. */
function expandTokens(dir: string, origin: string, elf: ElfFile): string[] {
  let out = [dir.replace(/\$(ORIGIN\b|\{ORIGIN\})/g, origin)];
  if (/\$(LIB\b|\{LIB\})/.test(dir)) {
    const libs = [...(MULTIARCH[elf.arch?.name ?? ''] ?? []).map((t) => `lib/${t}`), elf.class === 64 ? 'lib64' : 'lib', 'lib'];
    out = out.flatMap((d) => [...new Set(libs)].map((l) => d.replace(/\$(LIB\b|\{LIB\})/g, l)));
  }
  if (/\$(PLATFORM\b|\{PLATFORM\})/.test(dir)) out = out.map((d) => d.replace(/\$(PLATFORM\b|\{PLATFORM\})/g, elf.arch?.name ?? ''));
  return out;
}

/** Whether a library can be loaded beside the program: same machine, class and byte order. */
function sameMachine(a: ElfFile, b: ElfFile): boolean {
  return a.machine === b.machine && a.class === b.class && a.endian === b.endian;
}

function describe(elf: ElfFile): string {
  return `${elf.arch?.name ?? elf.machineName ?? `machine ${elf.machine}`} ELFCLASS${elf.class} ${elf.endian}-endian`;
}

/**
 * Load a program (its `exe=` path) and its whole DT_NEEDED closure from inside
 * `root`, as its dynamic loader would. The program itself must be read: it
 * raises; a library that cannot be found or read is a LibraryProblem and the
 * rest goes on.
 * @param cache files already read (by host path), the caller's to keep across programs
 * @throws ElfError for the program: 'not-found', 'bad-path', 'unreadable', or what readElf raises
 */
export function loadProgram(root: string, exe: string, cache: ElfCache = new Map()): LoadedProgram {
  const { file, elf } = readElfInRoot(root, exe, cache);
  const program: LoadedObject = { ...file, name: exe, elf, neededBy: null };
  const loader = elf.interpreter !== null && /\/ld-musl-[^/]+$/.test(elf.interpreter) ? 'musl' : 'glibc';
  const libraries: LoadedObject[] = [];
  const problems: LibraryProblem[] = [];
  const byName = new Map<string, LoadedObject>();
  const byPath = new Map<string, LoadedObject>([[program.path, program]]);
  const parent = new Map<LoadedObject, LoadedObject | null>([[program, null]]);
  let confDirs: string[] | null = null;
  let muslPath: string[] | null = null;

  const dirsFor = (obj: LoadedObject): string[] => {
    const origin = posix.dirname(obj.path);
    const dyn = obj.elf.dynamic;
    const dirs: string[] = [];
    if (loader === 'musl') {
      for (const d of [...(dyn?.rpath ?? []), ...(dyn?.runpath ?? [])]) dirs.push(...expandTokens(d, origin, obj.elf));
      muslPath ??= muslDirs(root, elf.interpreter!);
      return [...dirs, ...muslPath];
    }
    if (!dyn?.runpath) {
      // DT_RPATH of the object, then of each object up the chain that loaded it (the program last)
      for (let o: LoadedObject | null | undefined = obj; o; o = parent.get(o)) {
        if (o.elf.dynamic?.runpath) continue;
        for (const d of o.elf.dynamic?.rpath ?? []) dirs.push(...expandTokens(d, posix.dirname(o.path), o.elf));
      }
    }
    for (const d of dyn?.runpath ?? []) dirs.push(...expandTokens(d, origin, obj.elf));
    confDirs ??= ldSoConfDirs(root);
    return [...dirs, ...confDirs, ...defaultLibraryDirs(elf)];
  };

  const find = (name: string, by: LoadedObject): LoadedObject => {
    if (loader === 'musl' && MUSL_BUILTIN.test(name)) {
      const { file: f, elf: e } = readElfInRoot(root, elf.interpreter!, cache, name);
      return { ...f, name, elf: e, neededBy: by.path };
    }
    const candidates = name.includes('/') ? [name] : dirsFor(by).filter((d) => d !== '').map((d) => posix.join(d, name));
    const skipped: string[] = [];
    for (const c of candidates) {
      let got;
      try {
        got = readElfInRoot(root, c, cache, name);
      } catch (err) {
        if (!(err instanceof ElfError)) throw err;
        // the loader goes on to the next directory when a candidate cannot be opened or is no library
        if (err.code !== 'not-found') skipped.push(`${c} (${err.detail})`);
        continue;
      }
      if (!sameMachine(got.elf, elf)) {
        skipped.push(`${c} (${describe(got.elf)}, not ${describe(elf)})`);
        continue;
      }
      return { ...got.file, name, elf: got.elf, neededBy: by.path };
    }
    const searched = [...new Set(candidates.map((c) => posix.dirname(c)))].join(':');
    const also = skipped.length ? `; skipped: ${skipped.join(', ')}` : '';
    throw new ElfError('not-found', name, `needed by ${by.path}, not found in ${searched} (inside ${root})${also}`);
  };

  const queue: LoadedObject[] = [program];
  while (queue.length > 0) {
    const obj = queue.shift()!;
    for (const name of obj.elf.dynamic?.needed ?? []) {
      if (byName.has(name)) continue;
      let lib: LoadedObject;
      try {
        lib = find(name, obj);
      } catch (err) {
        if (!(err instanceof ElfError)) throw err;
        problems.push({ name, neededBy: obj.path, error: err });
        byName.set(name, program); // said once
        continue;
      }
      const already = byPath.get(lib.path);
      byName.set(name, already ?? lib);
      if (already) continue;
      byPath.set(lib.path, lib);
      if (lib.elf.dynamic?.soname) byName.set(lib.elf.dynamic.soname, lib);
      parent.set(lib, obj);
      libraries.push(lib);
      queue.push(lib);
    }
  }
  // the interpreter (PT_INTERP) is mapped too, whether or not a DT_NEEDED names it
  if (elf.interpreter !== null) {
    try {
      const got = readElfInRoot(root, elf.interpreter, cache);
      if (!byPath.has(got.file.path)) libraries.push({ ...got.file, name: elf.interpreter, elf: got.elf, neededBy: program.path });
    } catch (err) {
      if (!(err instanceof ElfError)) throw err;
      problems.push({ name: elf.interpreter, neededBy: program.path, error: err });
    }
  }
  return { root, program, libraries, problems, loader };
}
