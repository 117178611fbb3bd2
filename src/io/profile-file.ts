// A profile file read from disk, in any of the formats (profile/formats/ reads the text).
import { readFileSync } from 'node:fs';
import { parseProfile, type LoadedProfile } from '../profile/formats/index.js';
import { SeccompLearnError } from '../core/error.js';

/**
 * Read a profile file of any format. Throws a SeccompLearnError naming the file:
 * 'input-unreadable' when it cannot be read, else as parseProfile does.
 */
export function loadProfile(file: string): LoadedProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new SeccompLearnError('input-unreadable', e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'a directory, not a profile' : e.code === 'EACCES' ? 'permission denied' : e.message, { source: file });
  }
  return parseProfile(text, file);
}
