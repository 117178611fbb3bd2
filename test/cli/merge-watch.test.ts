// merge STATE --default-action: the watch profiles of the watch loop (issue 22)
// from the states of many nodes: the learned allow list with SCMP_ACT_LOG as
// the default, so that only calls outside it reach the log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, ROOT, tmpDir } from '../helpers.js';

describe('merge STATE --default-action', () => {
  it('writes the merged allow list with the default action asked for (SCMP_ACT_LOG: a watch profile), to -o and --out-dir; profiles are refused it', () => {
    const dir = tmpDir();
    const [s1, s2] = [join(dir, 'a.json'), join(dir, 'b.json')];
    expect(cli(['-q', '--state', s1, '--node', 'a', fixture('real/rotated/syslog.1')]).code).toBe(0);
    expect(cli(['-q', '--state', s2, '--node', 'b', fixture('real/rotated/syslog')]).code).toBe(0);
    const enforce = JSON.parse(cli(['merge', '-q', s1, s2]).stdout);
    const watch = cli(['merge', '-q', '--default-action', 'SCMP_ACT_LOG', s1, s2]);
    expect(watch.code, watch.stderr).toBe(0);
    const w = JSON.parse(watch.stdout);
    expect(enforce.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(w.defaultAction).toBe('SCMP_ACT_LOG');
    expect(w.syscalls).toEqual(enforce.syscalls);
    expect(w.syscalls[0].names.length).toBeGreaterThan(10);
    const out = join(dir, 'watch');
    expect(cli(['merge', '-q', '--default-action', 'SCMP_ACT_LOG', '--out-dir', out, '--exe', '/usr/bin/busybox', s1, s2]).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'busybox.json'), 'utf8')).defaultAction).toBe('SCMP_ACT_LOG');
    const profiles = cli(['merge', '--default-action', 'SCMP_ACT_LOG', join(ROOT, 'test/golden/http-echo.json')]);
    expect(profiles.code).toBe(2);
    expect(profiles.stderr).toMatch(/--default-action are for merging learn states/);
  });
});
