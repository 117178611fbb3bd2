// A profile file read from disk, in any of the formats (profile/formats/ reads the text).
import { readFileSync } from 'node:fs';
import { FormatError, parseProfile, type LoadedProfile } from '../profile/formats/index.js';

/** Read a profile file of any format. Throws FormatError (one line, naming the file) when it cannot. */
export function loadProfile(file: string): LoadedProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new FormatError(`${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'a directory, not a profile' : e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
  return parseProfile(text, file);
}
