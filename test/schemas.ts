// Validators made from the public specifications in ../shared/specs (never
// copied into this repository): the OCI runtime spec's `linux.seccomp` schema
// and the Security Profiles Operator's SeccompProfile CRD (its
// openAPIV3Schema, as the API server checks it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { ROOT } from './helpers.js';

export const SPECS = join(ROOT, '..', 'shared', 'specs');

function ajv(): Ajv {
  const a = new Ajv({ strict: false, allErrors: true });
  addFormats.default(a);
  return a;
}

/** The OCI runtime spec's schema for `linux.seccomp` (config-linux.json, with defs-linux.json and defs.json). */
export function ociSeccompValidator(): ValidateFunction {
  const a = ajv();
  for (const f of ['defs.json', 'defs-linux.json', 'config-linux.json']) a.addSchema(JSON.parse(readFileSync(join(SPECS, 'oci-runtime-spec', f), 'utf8')), f);
  return a.compile({ $ref: 'config-linux.json#/linux/properties/seccomp' });
}

/** The SeccompProfile CRD's openAPIV3Schema for `version` (v1 unless told). */
export function spoSchema(version = 'v1'): Record<string, unknown> {
  const crd = parse(readFileSync(join(SPECS, 'spo-seccompprofile-crd.yaml'), 'utf8'));
  const v = crd.spec.versions.find((x: { name: string }) => x.name === version);
  return v.schema.openAPIV3Schema;
}

export function spoValidator(version = 'v1'): ValidateFunction {
  return ajv().compile(spoSchema(version));
}

/**
 * Paths of fields the schema does not declare: the API server prunes them in
 * silence (structural schemas), so a profile must have none.
 */
export function unknownFields(value: unknown, schema: Record<string, unknown>, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) {
    const items = schema.items as Record<string, unknown> | undefined;
    return items ? value.flatMap((v, i) => unknownFields(v, items, `${path}[${i}]`)) : [];
  }
  const props = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (!props) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (!(k in props)) out.push(`${path}.${k}`);
    else out.push(...unknownFields(v, props[k], `${path}.${k}`));
  }
  return out;
}
