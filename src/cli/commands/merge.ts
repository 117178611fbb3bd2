// `seccomp-learn merge PROFILE...`: the union of profiles (any formats; replicas
// or runs of one program), the less restrictive action winning per name. Given
// learn states instead, it is `merge STATE...` (merge-states.ts).
import { basename } from 'node:path';
import { SeccompLearnError } from '../../core/error.js';
import { renderProfile, type FormatName } from '../../profile/formats/index.js';
import { mergeProfiles } from '../../profile/merge.js';
import { prepareOutput, writeAtomic } from '../../io/output.js';
import type { Io, Say } from '../../io/read.js';
import { EXIT } from '../exit.js';
import type { MergeArgs } from '../options.js';
import { asOci, loadFor, nativeFrom } from '../read-profiles.js';
import { isStateFile } from '../state-file.js';
import { mergeStatesCommand } from './merge-states.js';

/** merge: profiles, or learn states, never both; the options for states only are refused with profiles. */
export function mergeCommand(a: MergeArgs, io: Io, say: Say): number {
  const states = a.profiles.filter(isStateFile);
  if (states.length > 0 && states.length < a.profiles.length) throw new SeccompLearnError('usage', `merge takes profiles or learn states, not both (states: ${states.join(', ')})`);
  if (states.length > 0) return mergeStatesCommand(a, io, say);
  if (a.format === 'state') throw new SeccompLearnError('usage', '--format state merges learn states; these are profiles');
  if (a['out-dir'] !== undefined || a.report || a.comm.length > 0 || a.exe.length > 0 || a.root !== undefined || a['include-unexercised'] || a['default-action'] !== undefined)
    throw new SeccompLearnError('usage', '--out-dir, --report, --comm, --exe, --root, --include-unexercised and --default-action are for merging learn states');
  return mergeProfilesCommand(a, a.format, io, say);
}

function mergeProfilesCommand(a: MergeArgs, format: FormatName, io: Io, say: Say): number {
  if (a.profiles.length === 0) throw new SeccompLearnError('usage', 'merge needs one or more PROFILE files');
  // before any profile is read: -o can be written
  if (a.output !== undefined) prepareOutput(a.output);
  const loaded = a.profiles.map((f) => loadFor(f, 'merge'));
  const native = nativeFrom(a);
  const inputs = loaded.map((l) => {
    const r = asOci(l, native, a);
    if (!a.quiet) for (const n of r.notes) say(`seccomp-learn: ${l.file}: assumed: ${n}`);
    return { file: l.file, profile: r.profile };
  });
  const merged = mergeProfiles(inputs, native);
  const program = a.name ?? loaded.find((l) => l.name)?.name ?? basename(a.profiles[0]).replace(/\.[^.]*$/, '');
  let text: string;
  try {
    text = renderProfile(format, merged.profile, { program, name: a.name });
  } catch (err) {
    if (err instanceof SeccompLearnError && a.output !== undefined) throw err.withNote(` (${a.output} not written)`);
    throw err;
  }
  if (!a.quiet) for (const n of merged.notes) say(`seccomp-learn: merge: ${n}`);
  if (a.output !== undefined) writeAtomic(a.output, text);
  else io.stdout.write(text);
  return EXIT.ok;
}
