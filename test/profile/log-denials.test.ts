// --log-denials: flags: [SECCOMP_FILTER_FLAG_LOG] in every format that carries
// flags (the OCI runtime spec's linux.seccomp.flags, Docker's template, the SPO
// SeccompProfile), refused by systemd (which has no such setting), kept by
// --merge. Whether a runtime honours it is the end-to-end suite's to show.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { findArch } from '../../src/syscalls/index.js';
import { buildProfile, LOG_FLAG, mergeProfile } from '../../src/profile/model.js';
import { renderProfile } from '../../src/profile/formats/index.js';
import { cli, fixture, tmpDir } from '../helpers.js';
import { ociSeccompValidator, spoValidator } from '../schemas.js';

const x86_64 = findArch('x86_64')!;

describe('--log-denials', () => {
  it('adds the flag to the profile, valid against the OCI runtime spec and the SPO CRD, and carried by the Docker template', () => {
    const p = buildProfile(['read', 'write'], [x86_64], { logDenials: true });
    expect(p.flags).toEqual([LOG_FLAG]);
    expect(buildProfile(['read'], [x86_64]).flags).toBeUndefined();
    const oci = JSON.parse(renderProfile('oci', p));
    expect(oci.flags).toEqual(['SECCOMP_FILTER_FLAG_LOG']);
    const valid = ociSeccompValidator();
    expect(valid(oci), JSON.stringify(valid.errors)).toBe(true);
    expect(JSON.parse(renderProfile('docker', p)).flags).toEqual(['SECCOMP_FILTER_FLAG_LOG']);
    const spo = parseYaml(renderProfile('spo', p, { name: 'web' }));
    expect(spo.spec.flags).toEqual(['SECCOMP_FILTER_FLAG_LOG']);
    const validSpo = spoValidator();
    expect(validSpo(spo), JSON.stringify(validSpo.errors)).toBe(true);
  });

  it('is refused by --format systemd, saying why', () => {
    expect(() => renderProfile('systemd', buildProfile(['read'], [x86_64], { logDenials: true }))).toThrow(/systemd cannot express SECCOMP_FILTER_FLAG_LOG \(--log-denials\)/);
  });

  it('joins the flags of a profile given to --merge, once', () => {
    const base = { defaultAction: 'SCMP_ACT_ERRNO', flags: ['SECCOMP_FILTER_FLAG_SPEC_ALLOW'], syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] };
    const merged = mergeProfile(base, buildProfile(['write'], [x86_64], { logDenials: true }));
    expect(merged.flags).toEqual(['SECCOMP_FILTER_FLAG_SPEC_ALLOW', LOG_FLAG]);
    expect(mergeProfile(merged, buildProfile(['open'], [x86_64], { logDenials: true })).flags).toEqual(['SECCOMP_FILTER_FLAG_SPEC_ALLOW', LOG_FLAG]);
  });

  it('is what the CLI writes with --log-denials, and systemd is a clear error (exit 1) with nothing written', () => {
    const dir = tmpDir();
    {
      const out = join(dir, 'p.json');
      const r = cli(['--comm', 'busybox', '--log-denials', '-o', out, fixture('real/syslog-traditional.log')]);
      expect(r.code, r.stderr).toBe(0);
      const p = JSON.parse(readFileSync(out, 'utf8'));
      expect(p.flags).toEqual(['SECCOMP_FILTER_FLAG_LOG']);
      expect(p.syscalls[0].names.length).toBeGreaterThan(5);
      const conf = join(dir, 'p.conf');
      const s = cli(['--comm', 'busybox', '--log-denials', '--format', 'systemd', '-o', conf, fixture('real/syslog-traditional.log')]);
      expect(s.code).toBe(1);
      expect(s.stderr).toMatch(/SECCOMP_FILTER_FLAG_LOG/);
      expect(existsSync(conf)).toBe(false);
    }
  });
});
