// Writing a generated module, or checking the committed one against what its
// generator makes today (the generators' --check, which tests run).
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * With `check`, compare `generated` with the file at `out` and print one line
 * (`TOOL: FILE is up to date`, or on stderr `TOOL: FILE differs from ` and what
 * `differs(committed)` says); without, write it (`TOOL: wrote FILE`).
 * FILE is `out` relative to `root`. Returns the exit code: 0, or 1 when it differs.
 */
export function writeOrCheck({ tool, root, out, generated, check, differs }) {
  const rel = relative(root, out);
  if (!check) {
    writeFileSync(out, generated);
    console.log(`${tool}: wrote ${rel}`);
    return 0;
  }
  let committed = '';
  try {
    committed = readFileSync(out, 'utf8');
  } catch {
    // not there yet: it differs, and is written (or reported by --check)
  }
  if (committed !== generated) {
    console.error(`${tool}: ${rel} differs from ${differs(committed)}`);
    return 1;
  }
  console.log(`${tool}: ${rel} is up to date`);
  return 0;
}
