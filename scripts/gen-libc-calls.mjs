#!/usr/bin/env node
// Generates src/elf/libc-calls.generated.ts: for each C library (glibc, musl) on
// each architecture (x86_64, aarch64), the syscalls each exported function can
// make, read from the library binary itself with binutils.
//
//   node scripts/gen-libc-calls.mjs            write the module
//   node scripts/gen-libc-calls.mjs --check    exit 1 if the committed module differs (or a library is missing)
//   node scripts/gen-libc-calls.mjs --why glibc-x86_64 fork 56
//                                              the chain of calls that gives an entry (fork -> clone)
//
// How: `objdump -d` disassembles the library; `readelf --dyn-syms` gives the
// exported functions and `readelf --debug-dump=frames` the extent of each
// function that has unwind information. From each exported function the code is
// walked as the CPU would go: through jumps and conditional branches, into
// every direct call (a call's fall-through only when the callee can return),
// and into direct jumps to another function (tail calls). Along the way the
// general registers are tracked as sets of known values: a constant, a value
// the function was entered with (an argument), or unknown. At each syscall
// instruction (x86_64 `syscall`, aarch64 `svc #0`) the syscall-number register
// (rax; x8) gives the number, or the argument it came from, which is then
// taken from each caller's registers at its call (musl passes the number
// through __syscall_cp to an assembly stub). Where the number is not known the
// function is marked as making some call not determined: never a guess.
//
// Sound where it can be: memory is not tracked (a number stored and reloaded is
// unknown), an instruction whose register effects are not modelled makes every
// register unknown, and a function holding an indirect jump (a switch table)
// has every instruction of its extent walked. Not followed: indirect calls
// (function pointers, PLT calls to IFUNC-selected string functions); an IFUNC
// export is its resolver's candidates, the addresses it can return.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOrCheck } from './generated-file.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'src/elf/libc-calls.generated.ts');

/** The libraries read, each from the Debian package named (installed by .ci/run). */
export const LIBCS = [
  { libc: 'glibc', arch: 'x86_64', pkg: 'libc6', file: '/lib/x86_64-linux-gnu/libc.so.6', objdump: 'objdump' },
  { libc: 'glibc', arch: 'aarch64', pkg: 'libc6-arm64-cross', file: '/usr/aarch64-linux-gnu/lib/libc.so.6', objdump: 'aarch64-linux-gnu-objdump' },
  { libc: 'musl', arch: 'x86_64', pkg: 'musl', file: '/usr/lib/x86_64-linux-musl/libc.so', objdump: 'objdump' },
];

/** At most this many known values per register; more is unknown. */
const MAX_ATOMS = 16;
const TOP = '*';

// ---------------------------------------------------------------------------
// Values: TOP, or a '|'-joined sorted list of atoms: 'c<number>' (a constant)
// or 'p<register index>' (the register's value when the function was entered).

function join2(a, b) {
  if (a === b || b === undefined) return a;
  if (a === undefined) return b;
  if (a === TOP || b === TOP) return TOP;
  const s = new Set([...a.split('|'), ...b.split('|')]);
  if (s.size > MAX_ATOMS) return TOP;
  return [...s].sort().join('|');
}

function constOf(v) {
  if (v === TOP || v.includes('|') || v[0] !== 'c') return null;
  return Number(v.slice(1));
}

// ---------------------------------------------------------------------------
// Architectures: register names, and what each instruction does to the walk.
// decode() returns { kind, target, effect } where kind is one of
//   seq | jmp | jcc | call | icall | ijmp | ret | sys | stop | bad
// and effect(state) -> state (a new array when anything changes).

const clobber = (regs) => (st) => {
  let out = st;
  for (const r of regs) {
    if (out[r] !== TOP) {
      if (out === st) out = st.slice();
      out[r] = TOP;
    }
  }
  return out;
};
const setReg = (r, v) => (st) => {
  if (st[r] === v) return st;
  const out = st.slice();
  out[r] = v;
  return out;
};
const identity = (st) => st;
const seqs = (...fs) => (st) => fs.reduce((s, f) => f(s), st);

const X86_REGS = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
/** x86 register name -> [index, width in bits]. */
const X86_NAMES = new Map();
X86_REGS.forEach((r, i) => {
  X86_NAMES.set(r, [i, 64]);
  if (i < 8) {
    const b = r.slice(1);
    X86_NAMES.set(`e${b}`, [i, 32]);
    X86_NAMES.set(b, [i, 16]);
    if (i < 4) {
      X86_NAMES.set(`${b[0]}l`, [i, 8]);
      X86_NAMES.set(`${b[0]}h`, [i, 8]);
    } else X86_NAMES.set(`${b}l`, [i, 8]);
  } else {
    X86_NAMES.set(`${r}d`, [i, 32]);
    X86_NAMES.set(`${r}w`, [i, 16]);
    X86_NAMES.set(`${r}b`, [i, 8]);
  }
});
const [RAX, RCX, RDX, RBX, , RBP, RSI, RDI, , , R10, R11] = X86_REGS.map((_, i) => i);
const X86_ALL = X86_REGS.map((_, i) => i);
/** Clobbered by a call (System V AMD64 ABI: the caller-saved registers). */
const X86_CALLER_SAVED = [RAX, RCX, RDX, RSI, RDI, 8, 9, R10, R11];

const X86_PREFIX = new Set(['lock', 'rep', 'repz', 'repnz', 'repe', 'repne', 'notrack', 'bnd', 'data16', 'cs', 'ds', 'es', 'fs', 'gs', 'ss', 'addr32']);
const X86_JCC = /^(j(a|ae|b|be|c|e|g|ge|l|le|na|nae|nb|nbe|nc|ne|ng|nge|nl|nle|no|np|ns|nz|o|p|pe|po|s|z|rcxz|ecxz)|loop|loope|loopne|loopz|loopnz)$/;
/** Registers an instruction writes without naming them (the ISA's implicit operands), by mnemonic. */
const X86_IMPLICIT = [
  [/^(cpuid)$/, [RAX, RBX, RCX, RDX]],
  [/^(rdtsc|rdpkru|xgetbv|rdmsr|rdpmc)$/, [RAX, RDX]],
  [/^rdtscp$/, [RAX, RCX, RDX]],
  [/^(mul|div|idiv)[bwlq]?$/, [RAX, RDX]],
  [/^(cqto|cltd|cwtd)$/, [RDX]],
  [/^(cwtl|cbtw)$/, [RAX]],
  [/^(stos|movs|cmps|lods|scas|ins|outs)[bwlq]?$/, [RAX, RCX, RSI, RDI]],
  [/^cmpxchg(8b|16b)?[bwlq]?$/, [RAX, RDX]],
  [/^(leave|enter)[wlq]?$/, [RBP]],
  [/^loop(e|ne|z|nz)?$/, [RCX]],
  [/^(lahf|in[bwl]?)$/, [RAX]],
  [/^v?pcmp[ei]stri$/, [RCX]],
  [/^xlat[b]?$/, [RAX]],
];
/** Instructions this model does not know the effects of: everything is unknown after them. */
const X86_OPAQUE = /^(sysenter|sysret|sysexit|int|int1|into|iret[dq]?|enclu|encls|getsec|vmcall|vmmcall|vmfunc|xsave.*|xrstor.*|popa|pusha|rsm|umwait|tpause|wrmsr|(bad))$/;
/** Compare-like: they name registers and write none. */
const X86_NOWRITE = /^(cmp[bwlq]?|test[bwlq]?|bt[wlq]?|push[wlq]?|ucomis[sd]|comis[sd]|v?ptest|kortest[bwdq]|ktest[bwdq]|prefetch.*|nop[wlq]?|endbr(32|64)|pause|[slm]fence|fwait|wait|cld|std|clc|stc|cmc|vzeroupper|vzeroall|xend|xabort|xtest|wrpkru|ldmxcsr|fldcw|fldenv|clflush.*|clwb)$/;

function x86Reg(op) {
  const m = /^%([a-z0-9]+)$/.exec(op);
  return m ? X86_NAMES.get(m[1]) ?? null : null;
}

/** Split AT&T operands at top-level commas (not inside parentheses). */
function splitOps(s) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const x86 = {
  name: 'x86_64',
  nregs: 16,
  nr: RAX,
  ret: RAX,
  callerSaved: X86_CALLER_SAVED,
  afterSyscall: [RAX, RCX, R11],
  /** exit, rt_sigreturn, exit_group: no instruction after them runs. */
  noReturn: ['c60', 'c15', 'c231'],
  all: X86_ALL,
  decode(text) {
    let [body, comment = ''] = splitComment(text, '#');
    let parts = body.trim().split(/\s+/);
    while (parts.length > 1 && X86_PREFIX.has(parts[0])) parts = parts.slice(1);
    if (parts.length > 1 && /^rex/.test(parts[0])) parts = parts.slice(1);
    const mn = parts[0];
    const opsText = parts.slice(1).join(' ');
    const ops = splitOps(opsText);
    const target = /^[0-9a-f]+\b/.test(opsText) ? parseInt(opsText, 16) : null;
    if (mn === 'syscall') return { kind: 'sys' };
    if (mn === 'jmp' || mn === 'jmpq') return target !== null ? { kind: 'jmp', target } : { kind: 'ijmp' };
    if (X86_JCC.test(mn)) return { kind: 'jcc', target, effect: mn.startsWith('loop') ? clobber([RCX]) : identity };
    // a transaction that aborts goes on at its fallback address, with its status in eax
    if (mn === 'xbegin') return { kind: 'jcc', target, effect: clobber([RAX]) };
    if (mn === 'call' || mn === 'callq') return target !== null ? { kind: 'call', target } : { kind: 'icall' };
    if (/^ret[lq]?$/.test(mn)) return { kind: 'ret' };
    if (mn === 'hlt' || /^ud[012]$/.test(mn) || mn === 'int3') return { kind: 'stop' };
    if (mn === '(bad)' || mn === '...' || mn === '') return { kind: 'bad' };
    if (X86_OPAQUE.test(mn)) return { kind: 'seq', effect: clobber(X86_ALL) };
    return { kind: 'seq', effect: x86Effect(mn, ops, comment) };
  },
};

function x86Effect(mn, ops, comment) {
  const last = ops.length ? x86Reg(ops[ops.length - 1]) : null;
  const fx = [];
  for (const [re, regs] of X86_IMPLICIT) if (re.test(mn) && !(mn.startsWith('movs') && ops.some((o) => o.includes('%xmm')))) fx.push(clobber(regs));
  if (/^imul[bwlq]?$/.test(mn) && ops.length === 1) fx.push(clobber([RAX, RDX]));
  if (X86_NOWRITE.test(mn)) return fx.length ? seqs(...fx) : identity;
  if (last && !/^(stos|movs|cmps|lods|scas)/.test(mn)) {
    const [d, w] = last;
    const src = ops.length === 2 ? ops[0] : null;
    const s = src ? x86Reg(src) : null;
    let value = null; // a function of the state, or null for unknown
    if (w < 32 && /^(mov|movb|movw)$/.test(mn) && src && src.startsWith('$')) {
      // a byte or word written into a register whose value is one known constant (musl's `xor %eax,%eax; mov $0x38,%al`)
      const high = /^%[abcd]h$/.test(ops[ops.length - 1]);
      const bits = BigInt(w);
      const shift = high ? 8n : 0n;
      const mask = ((1n << bits) - 1n) << shift;
      const n = (BigInt(src.slice(1)) << shift) & mask;
      value = (st) => {
        const c = constOf(st[d]);
        return c === null ? TOP : `c${(BigInt(c) & ~mask) | n}`;
      };
    } else if (w >= 32 && /^(mov|movl|movq|movabs)$/.test(mn) && src) {
      if (src.startsWith('$')) {
        let n = BigInt(src.slice(1));
        if (w === 32) n &= 0xffffffffn;
        value = () => `c${n}`;
      } else if (s && s[1] >= 32) value = (st) => st[s[0]];
    } else if (w >= 32 && /^(movslq|movsxd)$/.test(mn) && s && s[1] === 32) value = (st) => st[s[0]];
    else if (w >= 32 && /^(xor|sub)[lq]?$/.test(mn) && s && s[0] === d) value = () => 'c0';
    else if (w === 64 && /^lea[q]?$/.test(mn) && src && src.includes('(%rip)')) {
      const m = /^\s*([0-9a-f]+)\b/.exec(comment);
      if (m) value = () => `c${parseInt(m[1], 16)}`;
    } else if (w >= 32 && /^cmov/.test(mn) && s && s[1] >= 32) value = (st) => join2(st[d], st[s[0]]);
    else if (/^xchg[bwlq]?$/.test(mn) && s) {
      if (s[0] === d && s[1] === w) return identity; // xchg %ax,%ax: a nop
      if (s[1] >= 32 && w >= 32) {
        fx.push((st) => {
          const out = st.slice();
          out[d] = st[s[0]];
          out[s[0]] = st[d];
          return out;
        });
        return seqs(...fx);
      }
      fx.push(clobber([s[0]]));
    } else if (/^(xadd|mulx)[lq]?$/.test(mn)) {
      for (const o of ops.slice(1)) {
        const r = x86Reg(o);
        if (r) fx.push(clobber([r[0]]));
      }
    }
    if (mn === 'cltq') return identity;
    fx.push(value ? (st) => setReg(d, value(st))(st) : clobber([d]));
  } else if (mn === 'cltq') return identity;
  // exchanges write their register operand wherever it stands
  if (/^(xchg|xadd|cmpxchg)[bwlq]?$/.test(mn)) for (const o of ops) if (x86Reg(o)) fx.push(clobber([x86Reg(o)[0]]));
  return fx.length ? seqs(...fx) : identity;
}

function splitComment(text, mark) {
  const i = text.indexOf(mark);
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + mark.length)];
}

const A64_CALLER_SAVED = [...Array(19).keys(), 30];
const A64_ALL = [...Array(31).keys()];
function a64Reg(op) {
  const m = /^([xw])(\d+)$/.exec(op);
  if (m && Number(m[2]) <= 30) return { i: Number(m[2]), w: m[1] === 'x' ? 64 : 32 };
  if (op === 'xzr' || op === 'wzr') return { i: -1, w: 64 };
  return null;
}
/** Every general register an instruction's operands name (addressing included). */
function a64Named(opsText) {
  const out = new Set();
  for (const m of opsText.matchAll(/\b([xw])(\d+)\b/g)) if (Number(m[2]) <= 30) out.add(Number(m[2]));
  return [...out];
}
const A64_NOWRITE = /^(cmp|cmn|tst|ccmp|ccmn|fcmp|fcmpe|fccmp|fccmpe|prfm|prfum|nop|dmb|dsb|isb|bti|hint|yield|sev|sevl|wfe|wfi|csdb|esb|clrex|dc|ic|tlbi|msr|sb|ssbb|pssbb)$/;
const A64_COND = /^(b\.[a-z]+|cbz|cbnz|tbz|tbnz)$/;

const aarch64 = {
  name: 'aarch64',
  nregs: 31,
  nr: 8,
  ret: 0,
  callerSaved: A64_CALLER_SAVED,
  afterSyscall: [0],
  /** exit, exit_group, rt_sigreturn */
  noReturn: ['c93', 'c94', 'c139'],
  all: A64_ALL,
  decode(text) {
    const [body] = splitComment(text, '//');
    const t = body.trim();
    const sp = t.search(/\s/);
    const mn = sp < 0 ? t : t.slice(0, sp);
    const opsText = sp < 0 ? '' : t.slice(sp).trim();
    const ops = opsText.split(/,\s*/);
    const addr = /(?:^|,\s*)([0-9a-f]+) <[^>]*>\s*$/.exec(opsText);
    const target = addr ? parseInt(addr[1], 16) : /^[0-9a-f]+$/.test(ops[ops.length - 1] ?? '') ? parseInt(ops[ops.length - 1], 16) : null;
    if (mn === 'svc') return opsText === '#0x0' ? { kind: 'sys' } : { kind: 'seq', effect: clobber(A64_ALL) };
    if (mn === 'b') return target !== null ? { kind: 'jmp', target } : { kind: 'bad' };
    if (A64_COND.test(mn)) return { kind: 'jcc', target, effect: identity };
    if (mn === 'bl') return { kind: 'call', target };
    if (/^blr(aa|ab|aaz|abz)?$/.test(mn)) return { kind: 'icall' };
    if (/^br(aa|ab|aaz|abz)?$/.test(mn)) return { kind: 'ijmp' };
    if (/^(ret|retaa|retab|eret)$/.test(mn)) return { kind: 'ret' };
    if (/^(brk|udf|hlt|hvc|smc)$/.test(mn)) return { kind: 'stop' };
    if (mn.startsWith('.') || mn === 'undefined' || mn === '(bad)' || mn === '...') return { kind: 'bad' };
    return { kind: 'seq', effect: a64Effect(mn, ops, opsText) };
  },
};

function a64Effect(mn, ops, opsText) {
  const d = a64Reg(ops[0] ?? '');
  const fx = [];
  // pointer authentication changes x30 (and x16/x17 for the 1716 forms) without naming them
  if (/^(pac|aut|xpac)/.test(mn)) fx.push(clobber([16, 17, 30]));
  // writeback addressing ([xN, #i]! or [xN], #i) changes the base register
  const wb = /\[([xw]\d+|sp)(?:, [^\]]*)?\](!|, )/.exec(opsText);
  if (wb && wb[1] !== 'sp') fx.push(clobber([a64Reg(wb[1]).i]));
  if (A64_NOWRITE.test(mn)) return fx.length ? seqs(...fx) : identity;
  if (/^st/.test(mn)) {
    // stores write no register, but for the exclusive ones' status register (the first operand)
    if (/^st(l?x[rp][bh]?)$/.test(mn) && d && d.i >= 0) fx.push(clobber([d.i]));
    // MTE and LSE store forms (stg, stadd...) write nothing either; SVE st1* name only vectors and bases
    return fx.length ? seqs(...fx) : identity;
  }
  if (d && d.i >= 0 && ops.length >= 2) {
    const s = a64Reg(ops[1]);
    let value = null;
    if ((mn === 'mov' || mn === 'movz') && ops[1].startsWith('#') && ops.length === 2) {
      let n = BigInt(ops[1].slice(1));
      if (n < 0n) n &= d.w === 64 ? 0xffffffffffffffffn : 0xffffffffn;
      if (d.w === 32) n &= 0xffffffffn;
      value = () => `c${n}`;
    } else if (mn === 'movz' && /^#0x[0-9a-f]+$|^#\d+$/.test(ops[1]) && /^lsl #\d+$/.test(ops[2] ?? '')) {
      const n = BigInt(ops[1].slice(1)) << BigInt(ops[2].slice(5));
      value = () => `c${n}`;
    } else if (mn === 'mov' && s && ops.length === 2) {
      value = s.i < 0 ? () => 'c0' : d.w === 64 && s.w === 32 ? null : (st) => st[s.i];
    } else if ((mn === 'sxtw' || mn === 'uxtw') && s && s.i >= 0) value = (st) => st[s.i];
    else if ((mn === 'adrp' || mn === 'adr') && /^[0-9a-f]+$/.test(ops[1].split(' ')[0])) {
      const n = parseInt(ops[1], 16);
      value = () => `c${n}`;
    } else if (mn === 'add' && s && s.i >= 0 && ops.length === 3 && /^#(0x[0-9a-f]+|\d+)$/.test(ops[2]) && d.w === 64) {
      const k = Number(ops[2].slice(1));
      value = (st) => {
        const c = constOf(st[s.i]);
        return c === null ? TOP : `c${c + k}`;
      };
    } else if (mn === 'csel' && ops.length === 4) {
      const a = a64Reg(ops[1]);
      const b = a64Reg(ops[2]);
      if (a && b) value = (st) => join2(a.i < 0 ? 'c0' : st[a.i], b.i < 0 ? 'c0' : st[b.i]);
    }
    if (value) {
      // every other register the instruction names (none, for these forms) stays as it was
      fx.push((st) => setReg(d.i, value(st))(st));
      return seqs(...fx);
    }
  }
  // anything else: every general register it names may have been written
  fx.push(clobber(a64Named(opsText)));
  return seqs(...fx);
}

const ARCHS = { x86_64: x86, aarch64 };

// ---------------------------------------------------------------------------
// Reading the library with binutils.

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Exported functions: name -> [{ addr, size, ifunc }], from readelf --dyn-syms. */
function exportedFunctions(file) {
  const out = new Map();
  for (const line of run('readelf', ['-W', '--dyn-syms', file]).split('\n')) {
    const m = /^\s*\d+: ([0-9a-f]+)\s+(\d+) (FUNC|IFUNC)\s+(GLOBAL|WEAK)\s+(DEFAULT|PROTECTED)\s+(\d+) (\S+)/.exec(line);
    if (!m) continue;
    const name = m[7].replace(/@.*/, '');
    const list = out.get(name) ?? [];
    const addr = parseInt(m[1], 16);
    if (!list.some((e) => e.addr === addr)) list.push({ addr, size: Number(m[2]), ifunc: m[3] === 'IFUNC' });
    out.set(name, list);
  }
  return out;
}

/** Function extents from the unwind tables (FDE pc ranges), sorted by start. */
function frameRanges(file) {
  const out = [];
  for (const m of run('readelf', ['-W', '--debug-dump=no-follow-links', '--debug-dump=frames', file]).matchAll(/ FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.([0-9a-f]+)/g)) {
    out.push([parseInt(m[1], 16), parseInt(m[2], 16)]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Every instruction: addresses in order, and their text. */
function disassemble(objdump, file) {
  const addrs = [];
  const texts = [];
  for (const line of run(objdump, ['-d', '--no-show-raw-insn', '-w', file]).split('\n')) {
    const m = /^\s*([0-9a-f]+):\t(.*)$/.exec(line);
    if (!m) continue;
    addrs.push(parseInt(m[1], 16));
    texts.push(m[2]);
  }
  return { addrs, texts };
}

// ---------------------------------------------------------------------------
// The walk.

export function analyze(arch, dis, exported, frames) {
  const A = ARCHS[arch];
  const index = new Map();
  dis.addrs.forEach((a, i) => index.set(a, i));
  // glibc jumps over a `lock` prefix byte to run the same instruction unlocked when single-threaded
  dis.texts.forEach((t, i) => {
    if (/^lock\s/.test(t) && !index.has(dis.addrs[i] + 1)) index.set(dis.addrs[i] + 1, i);
  });
  const decoded = dis.texts.map((t) => A.decode(t));
  const next = (i) => (i + 1 < dis.addrs.length ? dis.addrs[i + 1] : -1);

  // where functions start: exports, unwind table entries, direct call targets
  const entries = new Set();
  for (const list of exported.values()) for (const e of list) entries.add(e.addr);
  for (const [s] of frames) entries.add(s);
  for (const d of decoded) if (d.kind === 'call' && d.target !== null) entries.add(d.target);
  const sortedEntries = [...entries].sort((a, b) => a - b);
  const symRanges = [...exported.values()].flat().filter((e) => e.size > 0).map((e) => [e.addr, e.addr + e.size]);

  /** The extent of the function an address is in: its FDE, its symbol, or up to the next known start. */
  function extentOf(addr) {
    for (const [s, e] of frames) if (addr >= s && addr < e) return [s, e];
    for (const [s, e] of symRanges) if (addr >= s && addr < e) return [s, e];
    let lo = 0;
    let hi = sortedEntries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sortedEntries[mid] <= addr) lo = mid + 1;
      else hi = mid;
    }
    return [addr, sortedEntries[lo] ?? addr + 1];
  }

  const entryState = Array.from({ length: A.nregs }, (_, r) => `p${r}`);
  const topState = Array.from({ length: A.nregs }, () => TOP);
  const returns = new Set();

  function walk(entry) {
    const s = { sys: new Set(), sysTop: false, calls: [], tails: new Set(), rets: false, retVal: undefined, lost: false, indirect: false };
    const states = new Map();
    const work = [];
    const flow = (addr, st) => {
      const old = states.get(addr);
      if (old === undefined) {
        states.set(addr, st);
        work.push(addr);
        return;
      }
      let changed = null;
      for (let r = 0; r < A.nregs; r++) {
        const j = join2(old[r], st[r]);
        if (j !== old[r]) (changed ??= old.slice())[r] = j;
      }
      if (changed) {
        states.set(addr, changed);
        work.push(addr);
      }
    };
    const call = (target, st) => s.calls.push({ target, st });
    const drain = () => {
      while (work.length) {
        const addr = work.pop();
        const st = states.get(addr);
        const i = index.get(addr);
        if (i === undefined) {
          s.lost = true;
          continue;
        }
        const d = decoded[i];
        const after = d.effect ? d.effect(st) : st;
        switch (d.kind) {
          case 'seq':
            flow(next(i), after);
            break;
          case 'sys': {
            const v = st[A.nr];
            if (v === TOP) s.sysTop = true;
            else for (const a of v.split('|')) s.sys.add(a);
            if (v === TOP || v.split('|').some((a) => !A.noReturn.includes(a))) flow(next(i), clobber(A.afterSyscall)(st));
            break;
          }
          case 'jmp':
            if (d.target !== entry && entries.has(d.target)) {
              call(d.target, after);
              s.tails.add(d.target);
            } else flow(d.target, after);
            break;
          case 'jcc':
            if (d.target === null) s.lost = true;
            else if (d.target !== entry && entries.has(d.target)) {
              call(d.target, after);
              s.tails.add(d.target);
            } else flow(d.target, after);
            flow(next(i), after);
            break;
          case 'call':
            call(d.target, after);
            if (returns.has(d.target)) flow(next(i), clobber(A.callerSaved)(after));
            break;
          case 'icall':
            s.indirect = true;
            flow(next(i), clobber(A.callerSaved)(after));
            break;
          case 'ijmp':
            s.ijmp = true;
            break;
          case 'ret':
            s.rets = true;
            s.retVal = join2(s.retVal, st[A.ret]);
            break;
          case 'stop':
            break;
          case 'bad':
            s.lost = true;
            break;
        }
      }
    };
    flow(entry, entryState);
    drain();
    if (s.ijmp) {
      // a jump table: its targets are not read, so every instruction of the extent is walked
      const [lo, hi] = extentOf(entry);
      for (let i = index.get(lo) ?? -1; i >= 0 && i < dis.addrs.length && dis.addrs[i] < hi; i++) {
        if (!states.has(dis.addrs[i])) {
          flow(dis.addrs[i], topState);
          drain();
        }
      }
    }
    return s;
  }

  // walk every function reachable from the exports (and the IFUNC resolvers'
  // candidates), again whenever a callee is found to return after all
  const summaries = new Map();
  const callers = new Map();
  const queue = [];
  const queued = new Set();
  const enqueue = (a) => {
    if (!queued.has(a)) {
      queued.add(a);
      queue.push(a);
    }
  };
  for (const list of exported.values()) for (const e of list) enqueue(e.addr);
  const ifuncs = [...exported.values()].flat().filter((e) => e.ifunc);
  while (queue.length) {
    const a = queue.pop();
    queued.delete(a);
    const s = walk(a);
    summaries.set(a, s);
    for (const c of s.calls) {
      if (!callers.has(c.target)) callers.set(c.target, new Set());
      callers.get(c.target).add(a);
      if (!summaries.has(c.target)) enqueue(c.target);
    }
    if (ifuncs.some((e) => e.addr === a) && s.retVal !== undefined && s.retVal !== TOP) {
      for (const atom of s.retVal.split('|')) {
        const c = atom[0] === 'c' ? Number(atom.slice(1)) : null;
        if (c !== null && index.has(c) && !summaries.has(c)) enqueue(c);
      }
    }
    const canReturn = s.rets || s.ijmp || s.lost || [...s.tails].some((t) => returns.has(t));
    if (canReturn && !returns.has(a)) {
      returns.add(a);
      for (const c of callers.get(a) ?? []) enqueue(c);
    }
  }

  // What each function's calls come to: numbers, arguments the number comes from,
  // or unknown. Two closures: `all` follows every call; `normal` leaves out the
  // calls into functions that never return (abort, fatal errors, a thread's
  // cancellation, exit) from functions that do return: the calls a function
  // makes on its way to its own return, not those of a process dying under it.
  // A function that itself never returns (exit, abort) keeps them: they are its work.
  const closure = (mode) => {
    const made = new Map();
    for (const [a, s] of summaries) {
      const nums = new Set();
      const params = new Set();
      for (const atom of s.sys) (atom[0] === 'c' ? nums : params).add(Number(atom.slice(1)));
      made.set(a, { nums, params, unknown: s.sysTop || s.lost, indirect: s.indirect || s.ijmp });
    }
    const pending = [...summaries.keys()];
    const inPending = new Set(pending);
    while (pending.length) {
      const a = pending.pop();
      inPending.delete(a);
      const m = made.get(a);
      const before = `${m.nums.size}/${m.params.size}/${m.unknown}/${m.indirect}`;
      const dying = !returns.has(a);
      for (const c of summaries.get(a).calls) {
        if (mode === 'normal' && !dying && !returns.has(c.target)) continue;
        const t = made.get(c.target);
        for (const n of t.nums) m.nums.add(n);
        if (t.unknown) m.unknown = true;
        if (t.indirect) m.indirect = true;
        for (const r of t.params) {
          const v = c.st[r];
          if (v === TOP) m.unknown = true;
          else for (const atom of v.split('|')) (atom[0] === 'c' ? m.nums : m.params).add(Number(atom.slice(1)));
        }
      }
      if (`${m.nums.size}/${m.params.size}/${m.unknown}/${m.indirect}` !== before) {
        for (const c of callers.get(a) ?? []) {
          if (!inPending.has(c)) {
            inPending.add(c);
            pending.push(c);
          }
        }
      }
    }
    return made;
  };

  /** An exported function: the numbers its calls can make, and whether any is not determined. */
  const resultOf = (made) => {
    const result = new Map();
    for (const [name, list] of exported) {
      const nums = new Set();
      let unknown = false;
      let indirect = false;
      for (const e of list) {
        let targets = [e.addr];
        if (e.ifunc) {
          const rv = summaries.get(e.addr)?.retVal;
          const cands = rv === undefined || rv === TOP ? [] : rv.split('|').filter((x) => x[0] === 'c' && made.has(Number(x.slice(1))));
          if (rv === undefined || rv === TOP || cands.length !== rv.split('|').length) unknown = true;
          targets = cands.map((x) => Number(x.slice(1)));
        }
        for (const t of targets) {
          const m = made.get(t);
          for (const n of m.nums) nums.add(n);
          // a number taken from the caller's arguments (syscall(2)) is not known here
          if (m.unknown || m.params.size > 0) unknown = true;
          if (m.indirect) indirect = true;
        }
      }
      result.set(name, { nums: [...nums].sort((x, y) => x - y), unknown, indirect });
    }
    return result;
  };
  const made = closure('all');
  const normal = resultOf(closure('normal'));
  const all = resultOf(made);
  const result = new Map([...normal].map(([n, r]) => [n, { ...r, all: all.get(n) }]));
  return { result, functions: summaries.size, instructions: dis.addrs.length, summaries, returns };
}

// ---------------------------------------------------------------------------
// The module.

function packageVersion(pkg) {
  return run('dpkg-query', ['-W', '-f', '${Version}', pkg]).trim();
}

function binutilsVersion(objdump) {
  return /\d+(\.\d+)+\S*$/.exec(run(objdump, ['--version']).split('\n')[0])?.[0] ?? 'unknown';
}

export function readLibc(spec) {
  let bytes;
  try {
    bytes = readFileSync(spec.file);
  } catch (err) {
    throw new Error(`${spec.file} (Debian package ${spec.pkg}) cannot be read: ${err.message}; install it (apt-get install ${spec.pkg}), as .ci/run does`);
  }
  const version = packageVersion(spec.pkg);
  const exported = exportedFunctions(spec.file);
  const frames = frameRanges(spec.file);
  const dis = disassemble(spec.objdump, spec.file);
  const { result, functions, instructions, summaries, returns } = analyze(spec.arch, dis, exported, frames);
  return {
    summaries,
    returns,
    exported,
    ...spec,
    version: version.replace(/-[^-]*$/, '').replace(/^\d+:/, ''),
    pkgVersion: version,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    binutils: binutilsVersion(spec.objdump),
    result,
    functions,
    instructions,
  };
}

export function generate(tables) {
  const names = [...new Set(tables.flatMap((t) => [...t.result.keys()]))].sort();
  const sets = [];
  const setIndex = new Map();
  const setOf = (r) => {
    if (!r) return -1;
    const set = [...(r.unknown ? [-1] : []), ...(r.indirect ? [-2] : []), ...r.nums];
    const key = set.join(',');
    if (!setIndex.has(key)) {
      setIndex.set(key, sets.length);
      sets.push(set);
    }
    return setIndex.get(key);
  };
  const rows = tables.map((t) => ({
    t,
    normal: names.map((n) => setOf(t.result.get(n))),
    all: names.map((n) => setOf(t.result.get(n)?.all)),
  }));
  // each set index in base 36, in as few characters as every index (and the "absent" mark) fits
  let width = 1;
  while (36 ** width - 1 <= sets.length) width++;
  const absent = (36 ** width - 1).toString(36);
  const pack = (list) => list.map((i) => (i < 0 ? absent : i.toString(36).padStart(width, '0'))).join('');
  const out = [];
  out.push('// GENERATED FILE: do not edit. Regenerate with `npm run gen:libc-calls` (scripts/gen-libc-calls.mjs).');
  out.push('// The syscalls each exported function of a C library can make, read from the library');
  out.push('// itself (objdump -d: the syscall instructions and the numbers loaded before them, through');
  out.push("// the library's direct calls and jumps; calls through function pointers are not followed).");
  out.push('// `node scripts/gen-libc-calls.mjs --why glibc-x86_64 fork 56` shows the chain behind an entry.');
  out.push('// Sources, as Debian packages them:');
  for (const t of tables) {
    out.push(`//   ${t.libc} ${t.version} ${t.arch}: ${t.file} from ${t.pkg} ${t.pkgVersion}, sha256 ${t.sha256},`);
    out.push(`//     ${t.result.size} functions, ${t.instructions} instructions, disassembled by ${t.objdump} (binutils ${t.binutils})`);
  }
  out.push('');
  out.push('/** Every function name any table has, sorted, separated by spaces; tables refer to them by position. */');
  out.push(`export const LIBC_FUNCTION_NAMES = ${JSON.stringify(names.join(' '))};`);
  out.push('');
  out.push('/**');
  out.push(" * Distinct sets of syscall numbers (each architecture's table numbers, as src/syscalls has them),");
  out.push(" * separated by ';', numbers by ','; -1 in a set: and some call whose number is not determined;");
  out.push(' * -2: and calls through function pointers, not followed (what they make is not in the set).');
  out.push(' */');
  out.push(`export const LIBC_CALL_SETS = ${JSON.stringify(sets.map((x) => x.join(',')).join(';'))};`);
  out.push('');
  out.push(`/** Characters per set index in LibcCallsTable.normal and .all (base 36); ${JSON.stringify(absent)}: the library exports no such function. */`);
  out.push(`export const LIBC_CALLS_WIDTH = ${width};`);
  out.push('');
  out.push('export interface LibcCallsTable {');
  out.push("  readonly libc: 'glibc' | 'musl';");
  out.push('  /** Upstream version (2.36, 1.2.3). */');
  out.push('  readonly version: string;');
  out.push('  /** The architecture (src/syscalls name: x86_64, aarch64) whose numbers the sets hold. */');
  out.push('  readonly arch: string;');
  out.push('  /** The Debian package and version the library came from. */');
  out.push('  readonly package: string;');
  out.push('  readonly file: string;');
  out.push('  readonly sha256: string;');
  out.push('  /**');
  out.push('   * For each LIBC_FUNCTION_NAMES position, LIBC_CALLS_WIDTH characters: the LIBC_CALL_SETS index of what');
  out.push('   * the function makes on its way to returning (calls into functions that never return, such as');
  out.push("   * abort, fatal errors and a thread's cancellation, left out unless the function itself never returns).");
  out.push('   */');
  out.push('  readonly normal: string;');
  out.push('  /** The same with every path followed, those into functions that never return included. */');
  out.push('  readonly all: string;');
  out.push('}');
  out.push('');
  out.push('export const LIBC_CALLS: readonly LibcCallsTable[] = [');
  for (const { t, normal, all } of rows) {
    out.push('  {');
    out.push(`    libc: ${JSON.stringify(t.libc)},`);
    out.push(`    version: ${JSON.stringify(t.version)},`);
    out.push(`    arch: ${JSON.stringify(t.arch)},`);
    out.push(`    package: ${JSON.stringify(`${t.pkg} ${t.pkgVersion}`)},`);
    out.push(`    file: ${JSON.stringify(t.file)},`);
    out.push(`    sha256: ${JSON.stringify(t.sha256)},`);
    out.push(`    normal: ${JSON.stringify(pack(normal))},`);
    out.push(`    all: ${JSON.stringify(pack(all))},`);
    out.push('  },');
  }
  out.push('];');
  out.push('');
  return out.join('\n');
}

/**
 * Why a table says a function can make a call: the shortest chain of calls and
 * jumps (on the `normal` reading) from the function to a syscall instruction
 * given that number, as addresses in the library (exported names where known).
 */
function why(id, fn, nr) {
  const spec = LIBCS.find((l) => `${l.libc}-${l.arch}` === id);
  if (!spec) return `no library ${id}: one of ${LIBCS.map((l) => `${l.libc}-${l.arch}`).join(', ')}`;
  const t = readLibc(spec);
  const names = new Map();
  for (const [n, list] of t.exported) for (const e of list) if (!names.has(e.addr)) names.set(e.addr, n);
  const label = (a) => `0x${a.toString(16)}${names.has(a) ? ` <${names.get(a)}>` : ''}`;
  const starts = (t.exported.get(fn) ?? []).map((e) => e.addr);
  if (!starts.length) return `${spec.file} exports no function ${fn}`;
  const prev = new Map(starts.map((a) => [a, null]));
  const queue = [...starts];
  while (queue.length) {
    const a = queue.shift();
    const s = t.summaries.get(a);
    if (!s) continue;
    const passed = s.calls.find((c) => c.st.some((v) => v !== TOP && v.split('|').includes(`c${nr}`)));
    if (s.sys.has(`c${nr}`) || passed) {
      const chain = [];
      for (let x = a; x !== null; x = prev.get(x)) chain.unshift(label(x));
      // a number handed to another function as an argument (musl's __syscall_cp): where it goes
      const tail = s.sys.has(`c${nr}`) ? '' : `\n  passes ${nr} as an argument to ${label(passed.target)}, a syscall number there if it reaches a syscall instruction`;
      return chain.join('\n  -> ') + tail;
    }
    for (const c of s.calls) {
      if (!t.returns.has(c.target) && t.returns.has(a)) continue; // not on the normal reading
      if (!prev.has(c.target)) {
        prev.set(c.target, a);
        queue.push(c.target);
      }
    }
  }
  return `no chain from ${fn} to a syscall instruction given ${nr} (on the normal reading)`;
}

function main(argv) {
  let check = false;
  if (argv[0] === '--why') {
    if (argv.length !== 4 || !/^\d+$/.test(argv[3])) {
      console.error('usage: gen-libc-calls.mjs --why LIBC-ARCH FUNCTION NUMBER   (e.g. --why glibc-x86_64 fork 56)');
      return 2;
    }
    console.log(why(argv[1], argv[2], Number(argv[3])));
    return 0;
  }
  for (const a of argv) {
    if (a === '--check') check = true;
    else {
      console.error(`gen-libc-calls: unknown argument ${a}\nusage: gen-libc-calls.mjs [--check] | --why LIBC-ARCH FUNCTION NUMBER`);
      return 2;
    }
  }
  let tables;
  try {
    tables = LIBCS.map(readLibc);
  } catch (err) {
    console.error(`gen-libc-calls: ${err.message}`);
    return 1;
  }
  const generated = generate(tables);
  const headers = (text) => text.split('\n').filter((l) => l.startsWith('//   ')).join('\n');
  const differs = (committed) => {
    const [was, now] = [headers(committed), headers(generated)];
    const why = was !== now ? `the libraries here are not those it was made from:\n  committed:\n${was}\n  here:\n${now}` : 'the analysis made something else from the same libraries';
    return `what this machine generates (${why}); run npm run gen:libc-calls`;
  };
  return writeOrCheck({ tool: 'gen-libc-calls', root, out: OUT, generated, check, differs });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
