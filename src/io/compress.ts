// Compressed inputs, known by their first bytes, never by their name: a rotated
// log piped in (`seccomp-learn < syslog.2.gz`) or renamed is read all the same.
// gzip is read (node:zlib); zstd, xz, bzip2 and lz4, which Node 20 cannot read
// without a dependency, stop the run with the command that decompresses them.
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** Each compression, its magic number, and the command that writes it out as text. */
const COMPRESSIONS = [
  { kind: 'gzip', magic: [0x1f, 0x8b], tool: 'gzip -dc' },
  { kind: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], tool: 'zstd -dc' },
  { kind: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], tool: 'xz -dc' },
  // 'BZh' and the block size, '1' to '9' (checked below)
  { kind: 'bzip2', magic: [0x42, 0x5a, 0x68], tool: 'bzip2 -dc' },
  { kind: 'lz4', magic: [0x04, 0x22, 0x4d, 0x18], tool: 'lz4 -dc' },
] as const satisfies ReadonlyArray<{ kind: string; magic: readonly number[]; tool: string }>;

export type Compression = (typeof COMPRESSIONS)[number]['kind'];

/** Enough bytes to tell every compression above. */
export const SNIFF_BYTES = 6;

/**
 * What the first bytes of an input say: a compression, 'plain', or undefined
 * when `head` is too short to tell (it is the start of a magic number and more
 * bytes may follow). With `ended`, no more bytes come: a short head is plain.
 */
export function sniff(head: Uint8Array, ended = false): Compression | 'plain' | undefined {
  let maybe = false;
  for (const f of COMPRESSIONS) {
    const magic: readonly number[] = f.kind === 'bzip2' ? [...f.magic, -1] : f.magic;
    let i = 0;
    for (; i < magic.length && i < head.length; i++) {
      const ok = magic[i] === -1 ? head[i] >= 0x31 && head[i] <= 0x39 : head[i] === magic[i];
      if (!ok) break;
    }
    if (i === magic.length) return f.kind;
    if (i === head.length) maybe = true; // all it has matched so far
  }
  return maybe && !ended ? undefined : 'plain';
}

/** Why a compressed input is not read, and how to read it: for a SeccompLearnError 'input-unreadable'. */
export function unreadable(kind: Exclude<Compression, 'gzip'>, path: string | null): string {
  const tool = COMPRESSIONS.find((f) => f.kind === kind)!.tool;
  return `${kind}-compressed, which seccomp-learn does not read: decompress it first (${tool} ${path ?? 'FILE'} | seccomp-learn ...)`;
}

/**
 * A gzip stream's text (several members one after another, as `cat a.gz b.gz`
 * makes, too). `first`: bytes already taken from `raw`, which come before the rest.
 */
export function gunzip(raw: Readable, first?: Buffer): Readable {
  const out = createGunzip();
  raw.on('error', (err) => out.destroy(err));
  if (first) out.write(first);
  return raw.pipe(out);
}
