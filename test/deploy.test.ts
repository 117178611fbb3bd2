// deploy/kubernetes and the Containerfile, checked offline:
// - every manifest, as each kustomization (and its components) makes it, against the
//   Kubernetes OpenAPI schemas (kubernetes-models' validators, Kubernetes 1.33) and the
//   same models' TypeScript types (which, unlike the schemas, reject an unknown or
//   misspelled field, as the API server's strict field validation does), and against
//   the rules the API server adds (selectors, volumes, $(VAR) references...);
// - the containers' exact command lines, env and volume mounts taken from the manifests
//   and run here: the learn DaemonSet on a FIFO fed with real /dev/kmsg lines and on a
//   real rotated syslog pair, then the merge Job on their states, then the installer,
//   so that the manifests cannot drift from the CLI;
// - the Containerfile's stages, and that what they copy exists and runs.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { CLI, cli, fixture, IN_CI, readFixture, ROOT, tmpDir, waitFor } from './helpers.js';
import { spoValidator } from './schemas.js';

const DEPLOY = join(ROOT, 'deploy/kubernetes');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

// ------------------------------------------------------------------ reading YAML

/**
 * The documents of a YAML file, read as the API server's decoder reads them (YAML
 * 1.1, where `yes`, `on` and `0444` are not what they look like); the test fails if
 * YAML 1.2 would read any of them otherwise, so no scalar depends on the version.
 */
function yamlDocs(file: string): Obj[] {
  const text = readFileSync(file, 'utf8');
  const as = (version: '1.1' | '1.2') =>
    parseAllDocuments(text, { version }).map((d) => {
      if (d.errors.length) throw new Error(`${relative(ROOT, file)}: ${d.errors[0].message}`);
      return d.toJS() as Obj;
    }).filter((d) => d !== null);
  const docs = as('1.1');
  expect(as('1.2'), `${relative(ROOT, file)} reads the same in YAML 1.1 and 1.2`).toEqual(docs);
  return docs;
}

// ------------------------------------------------------------------ a small kustomize

/**
 * What `kubectl apply -k` makes of a kustomization, for the fields these use and no
 * other (any other is an error here, so this cannot silently differ from kustomize):
 * resources (files or directories), components, and patches given as RFC 6902 JSON
 * patches with a target. Checked by hand against kubectl kustomize 5.5 (README.md).
 */
function kustomize(dir: string, extraComponents: string[] = []): Obj[] {
  const k = yamlDocs(join(dir, 'kustomization.yaml'))[0];
  expect(Object.keys(k).filter((x) => !['apiVersion', 'kind', 'resources', 'components', 'patches'].includes(x)), `${dir}: fields this test applies`).toEqual([]);
  expect(k.kind).toBe('Kustomization');
  const objs: Obj[] = [];
  for (const r of k.resources ?? []) {
    const p = join(dir, r);
    objs.push(...(statSync(p).isDirectory() ? kustomize(p) : yamlDocs(p)));
  }
  for (const c of [...(k.components ?? []).map((c: string) => join(dir, c)), ...extraComponents]) applyComponent(objs, c);
  applyPatches(objs, k.patches ?? [], dir);
  return objs;
}

function applyComponent(objs: Obj[], dir: string): void {
  const c = yamlDocs(join(dir, 'kustomization.yaml'))[0];
  expect(Object.keys(c).filter((x) => !['apiVersion', 'kind', 'resources', 'patches'].includes(x)), `${dir}: fields this test applies`).toEqual([]);
  expect(c.kind).toBe('Component');
  for (const r of c.resources ?? []) objs.push(...yamlDocs(join(dir, r)));
  applyPatches(objs, c.patches ?? [], dir);
}

function applyPatches(objs: Obj[], patches: Obj[], dir: string): void {
  for (const p of patches) {
    expect(Object.keys(p).sort()).toEqual(['path', 'target']);
    const [ops] = yamlDocs(join(dir, p.path)) as unknown as Obj[][];
    const { group = '', version, kind, name } = p.target;
    const hits = objs.filter((o) => o.apiVersion === (group ? `${group}/${version}` : version) && o.kind === kind && o.metadata?.name === name);
    expect(hits, `${p.path}: its target`).toHaveLength(1);
    const i = objs.indexOf(hits[0]);
    objs[i] = jsonPatch(hits[0], ops, `${relative(ROOT, dir)}/${p.path}`);
  }
}

/** RFC 6902: test, replace, add, remove (the operations kustomize's library has and these use). */
function jsonPatch(doc: Obj, ops: Obj[], where: string): Obj {
  const out = structuredClone(doc);
  for (const op of ops) {
    const keys = String(op.path).split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let parent: Obj = out;
    for (const k of keys) {
      parent = parent[k];
      if (parent === undefined || parent === null) throw new Error(`${where}: ${op.op} ${op.path}: no such path`);
    }
    const arr = Array.isArray(parent);
    const idx = arr ? (last === '-' ? parent.length : Number(last)) : -1;
    if (arr && (!Number.isInteger(idx) || idx < 0 || idx > parent.length)) throw new Error(`${where}: ${op.op} ${op.path}: no such index`);
    const has = arr ? idx < parent.length : last in parent;
    switch (op.op) {
      case 'test':
        expect(arr ? parent[idx] : parent[last], `${where}: test ${op.path}`).toEqual(op.value);
        break;
      case 'replace':
        if (!has) throw new Error(`${where}: replace ${op.path}: nothing there`);
        if (arr) parent[idx] = op.value;
        else parent[last] = op.value;
        break;
      case 'add':
        if (arr) parent.splice(idx, 0, op.value);
        else parent[last] = op.value;
        break;
      case 'remove':
        if (!has) throw new Error(`${where}: remove ${op.path}: nothing there`);
        if (arr) parent.splice(idx, 1);
        else delete parent[last];
        break;
      default:
        throw new Error(`${where}: op ${op.op} is not applied by this test`);
    }
  }
  return out;
}

const FILES = join(DEPLOY, 'components/files');
const RWX = join(DEPLOY, 'components/rwx');
const VARIANTS: Record<string, () => Obj[]> = {
  'deploy/kubernetes (kmsg)': () => kustomize(DEPLOY),
  '+ components/files': () => kustomize(DEPLOY, [FILES]),
  '+ components/rwx': () => kustomize(DEPLOY, [RWX]),
  '+ components/files + components/rwx': () => kustomize(DEPLOY, [FILES, RWX]),
  'deploy/kubernetes/install': () => kustomize(join(DEPLOY, 'install')),
  'deploy/kubernetes/merge': () => kustomize(join(DEPLOY, 'merge')),
};
const made = Object.fromEntries(Object.entries(VARIANTS).map(([k, f]) => [k, f()]));
const base = made['deploy/kubernetes (kmsg)'];
const withFiles = made['+ components/files'];
const withRwx = made['+ components/rwx'];
const install = made['deploy/kubernetes/install'];
const merge = made['deploy/kubernetes/merge'];
const find = (objs: Obj[], kind: string, name?: string): Obj => {
  const hits = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(hits, `one ${kind} ${name ?? ''}`).toHaveLength(1);
  return hits[0];
};
const scripts: Record<string, string> = find(base, 'ConfigMap', 'seccomp-learn-scripts').data;

// ------------------------------------------------------------------ the schemas

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const MODELS: Record<string, { model: new (o: any) => { validate(): void }; iface: string; from: string }> = {
  'v1/Namespace': { model: Namespace, iface: 'INamespace', from: 'kubernetes-models/v1/Namespace' },
  'v1/ServiceAccount': { model: ServiceAccount, iface: 'IServiceAccount', from: 'kubernetes-models/v1/ServiceAccount' },
  'v1/ConfigMap': { model: ConfigMap, iface: 'IConfigMap', from: 'kubernetes-models/v1/ConfigMap' },
  'v1/PersistentVolumeClaim': { model: PersistentVolumeClaim, iface: 'IPersistentVolumeClaim', from: 'kubernetes-models/v1/PersistentVolumeClaim' },
  'apps/v1/DaemonSet': { model: DaemonSet, iface: 'IDaemonSet', from: 'kubernetes-models/apps/v1/DaemonSet' },
  'batch/v1/Job': { model: Job, iface: 'IJob', from: 'kubernetes-models/batch/v1/Job' },
};
const typeOf = (o: Obj) => `${o.apiVersion}/${o.kind}`;

/**
 * Type-check every object as a TypeScript literal of its kubernetes-models interface:
 * an object literal may only name known properties, at any depth, so a misspelled
 * field (readOnlyRootFileSystem) fails here, where the JSON schemas (which allow any
 * additional property) let it through and the API server would reject or drop it.
 */
function typeCheck(objs: Obj[]): string[] {
  const file = join(ROOT, 'test', '__deploy_manifests__.ts');
  const used = [...new Set(objs.map(typeOf))];
  const src =
    used.map((t) => `import type { ${MODELS[t].iface} } from '${MODELS[t].from}';`).join('\n') +
    '\n' +
    objs.map((o, i) => `export const o${i}: ${MODELS[typeOf(o)].iface} = ${JSON.stringify(o, null, 2)};`).join('\n');
  const opts: ts.CompilerOptions = { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(opts);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, ...rest) => (f === file ? ts.createSourceFile(f, src, lang) : read(f, lang, ...rest));
  const program = ts.createProgram([file], opts, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
    const line = at && d.file === program.getSourceFile(file) ? ` (at: ${src.split('\n')[at.line].trim()})` : '';
    return ts.flattenDiagnosticMessageText(d.messageText, ' ') + line;
  });
}

const podSpec = (o: Obj): Obj => o.spec.template.spec;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** What the API server (and the kubelet) check beyond the schema, for what these use. */
function semantics(o: Obj, all: Obj[]): string[] {
  const bad: string[] = [];
  const say = (s: string) => bad.push(`${o.kind} ${o.metadata?.name}: ${s}`);
  if (!DNS1123_LABEL.test(o.metadata?.name ?? '')) say('name is not a DNS-1123 label');
  if (o.kind !== 'Namespace' && o.metadata?.namespace !== 'seccomp-learn') say('not in the namespace seccomp-learn');
  if (!o.spec?.template) return bad;
  const spec = podSpec(o);
  const labels = o.spec.template.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(o.spec.selector?.matchLabels ?? {})) if (labels[k] !== v) say(`selector ${k}=${String(v)} does not match the template's labels`);
  if (o.kind === 'Job' && o.spec.selector) say('a Job selector is set by the API server');
  if (spec.automountServiceAccountToken !== false) say('mounts a service account token it has no use for');
  if (!all.some((x) => x.kind === 'ServiceAccount' && x.metadata.name === spec.serviceAccountName)) say(`no ServiceAccount ${spec.serviceAccountName}`);
  if (spec.securityContext?.seccompProfile?.type !== 'RuntimeDefault') say('pod seccompProfile is not RuntimeDefault');
  const volumes = new Map<string, Obj>((spec.volumes ?? []).map((v: Obj) => [v.name, v]));
  if (volumes.size !== (spec.volumes ?? []).length) say('two volumes with one name');
  const mounted = new Set<string>();
  for (const c of spec.containers) {
    if (!DNS1123_LABEL.test(c.name)) say(`container name ${c.name}`);
    const sc = c.securityContext ?? {};
    if (sc.privileged && sc.allowPrivilegeEscalation === false) say('privileged with allowPrivilegeEscalation false (refused)');
    if (sc.readOnlyRootFilesystem !== true) say(`${c.name}: root filesystem writable`);
    if (!sc.capabilities?.drop?.includes('ALL')) say(`${c.name}: capabilities not dropped`);
    if (!sc.privileged && sc.allowPrivilegeEscalation !== false) say(`${c.name}: privilege escalation allowed`);
    for (const add of sc.capabilities?.add ?? []) if (/^CAP_/.test(add)) say(`capability ${add}: Kubernetes names drop the CAP_ prefix`);
    const lim = c.resources?.limits ?? {};
    const req = c.resources?.requests ?? {};
    if (!lim.memory || !req.memory || !req.cpu) say(`${c.name}: no memory limit or no requests`);
    else if (mebibytes(lim.memory) < mebibytes(req.memory)) say(`${c.name}: memory limit below its request`);
    const defined = new Set<string>();
    for (const e of c.env ?? []) {
      for (const m of String(e.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) if (!defined.has(m[1])) say(`${c.name}: env ${e.name} uses $(${m[1]}) before it is defined`);
      defined.add(e.name);
    }
    const paths = new Set<string>();
    for (const m of c.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      if (!v) say(`${c.name}: mount of an undefined volume ${m.name}`);
      if (paths.has(m.mountPath)) say(`${c.name}: two mounts at ${m.mountPath}`);
      paths.add(m.mountPath);
      mounted.add(m.name);
      if (v?.hostPath && m.mountPath.startsWith('/host/') && v.hostPath.path !== m.mountPath.slice('/host'.length) && !m.subPath) say(`${m.mountPath} is not the host's ${v.hostPath.path}`);
      if (v?.configMap && !v.configMap.optional && !all.some((x) => x.kind === 'ConfigMap' && x.metadata.name === v.configMap.name)) say(`no ConfigMap ${v.configMap.name}`);
      if (v?.persistentVolumeClaim && !all.some((x) => x.kind === 'PersistentVolumeClaim' && x.metadata.name === v.persistentVolumeClaim.claimName)) say(`no claim ${v.persistentVolumeClaim.claimName}`);
    }
    // the script it runs is a key of the ConfigMap mounted there
    const [sh, script] = c.command ?? [];
    if (sh !== '/bin/sh') say(`${c.name}: command is not /bin/sh SCRIPT`);
    const m = (c.volumeMounts ?? []).find((m: Obj) => script?.startsWith(m.mountPath + '/'));
    const cm = m && volumes.get(m.name)?.configMap;
    const data = cm && all.find((x) => x.kind === 'ConfigMap' && x.metadata.name === cm.name)?.data;
    if (!data || !(script.slice(m.mountPath.length + 1) in data)) say(`${c.name}: ${script} is no script of a mounted ConfigMap`);
  }
  for (const name of volumes.keys()) if (!mounted.has(name)) say(`volume ${name} is not mounted`);
  return bad;
}

function mebibytes(q: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q);
  if (!m) throw new Error(`quantity ${q}`);
  return Number(m[1]) * { Ki: 1 / 1024, Mi: 1, Gi: 1024 }[(m[2] ?? 'Mi') as 'Ki'];
}

describe('deploy/kubernetes: the manifests', () => {
  for (const [variant, objs] of Object.entries(made)) {
    it(`${variant}: every object is valid under the Kubernetes 1.33 OpenAPI schema`, () => {
      expect(objs.length).toBeGreaterThan(0);
      for (const o of objs) {
        const m = MODELS[typeOf(o)];
        expect(m, `a model for ${typeOf(o)}`).toBeDefined();
        expect(() => new m.model(o).validate(), `${o.kind} ${o.metadata?.name}`).not.toThrow();
      }
    });
    it(`${variant}: the API server's own rules`, () => {
      const all = [...(variant.includes('merge') ? withRwx : base), ...objs];
      expect(objs.flatMap((o) => semantics(o, all))).toEqual([]);
    });
  }

  it('every object names only fields its type has (kubernetes-models TypeScript types)', () => {
    const all = Object.values(made).flat();
    expect(typeCheck(all)).toEqual([]);
  }, 60_000);

  it('the type check does catch a misspelled field and a wrong type', () => {
    const ds = structuredClone(find(base, 'DaemonSet'));
    podSpec(ds).containers[0].securityContext.readOnlyRootFileSystem = true;
    podSpec(ds).terminationGracePeriodSeconds = '30';
    const errors = typeCheck([ds]);
    expect(errors.join('\n')).toMatch(/readOnlyRootFileSystem/);
    expect(errors.join('\n')).toMatch(/terminationGracePeriodSeconds|not assignable to type 'number'/);
    expect(() => new DaemonSet(ds).validate()).toThrow(/terminationGracePeriodSeconds/);
  }, 60_000);

  it('binds no Role: nothing here talks to the API server', () => {
    const kinds = new Set(Object.values(made).flat().map((o) => o.kind));
    for (const k of ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']) expect(kinds.has(k)).toBe(false);
    expect(find(base, 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  it('each source has the least privilege it needs', () => {
    const kmsg = podSpec(find(base, 'DaemonSet')).containers[0];
    // privileged for the device cgroup; caps as they would be without it
    expect(kmsg.securityContext).toMatchObject({ privileged: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['SYSLOG'] } });
    expect(podSpec(find(base, 'DaemonSet')).volumes.find((v: Obj) => v.name === 'kmsg').hostPath).toEqual({ path: '/dev/kmsg', type: 'CharDevice' });
    expect(kmsg.volumeMounts.find((m: Obj) => m.name === 'kmsg').readOnly).toBe(true);
    const files = podSpec(find(withFiles, 'DaemonSet'));
    expect(files.containers[0].securityContext).toEqual({ privileged: false, allowPrivilegeEscalation: false, runAsUser: 0, runAsNonRoot: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(files.volumes.map((v: Obj) => v.name)).not.toContain('kmsg');
    expect(files.containers[0].volumeMounts.find((m: Obj) => m.name === 'varlog').readOnly).toBe(true);
    expect(files.containers[0].env.map((e: Obj) => e.name)).not.toContain('SECCOMP_LEARN_KMSG');
    for (const o of [find(merge, 'Job'), find(install, 'DaemonSet')]) expect(podSpec(o).containers[0].securityContext.privileged).toBeUndefined();
  });

  /** Whether a script names PATH itself: at the start of a word (after a variable, it is that variable's subdirectory). */
  const namesPath = (text: string, p: string) => new RegExp(`(^|[\\s'"=:(])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=/|$|[\\s'"])`, 'm').test(text);
  it('the scripts are POSIX sh that dash accepts, and name no path of their own', () => {
    expect(namesPath('cat /host/var/log/syslog', '/host')).toBe(true);
    expect(namesPath('ls "$SECCOMP_LEARN_OUT/profiles"', '/profiles')).toBe(false);
    const mountPaths = new Set(Object.values(made).flat().filter((o) => o.spec?.template).flatMap((o) => podSpec(o).containers.flatMap((c: Obj) => (c.volumeMounts ?? []).map((m: Obj) => m.mountPath))));
    for (const [name, text] of Object.entries(scripts)) {
      const r = spawnSync('dash', ['-n'], { input: text, encoding: 'utf8' });
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      for (const p of mountPaths) expect(namesPath(text, p), `${name} names ${p} (take it from the environment, so that the test can move it)`).toBe(false);
    }
  });
});

// ------------------------------------------------------------------ running the containers

/** Kubernetes' $(VAR) expansion (k8s.io/kubernetes third_party/forked/golang/expansion). */
function expand(s: string, env: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '$' || i + 1 >= s.length) {
      out += s[i];
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const end = s.indexOf(')', i + 2);
      if (end < 0) {
        out += s.slice(i);
        break;
      }
      const name = s.slice(i + 2, end);
      out += name in env ? env[name] : `$(${name})`;
      i = end;
    } else {
      out += '$' + next;
      i++;
    }
  }
  return out;
}

/**
 * A container of a pod template as the kubelet would start it, on this machine: its
 * env in order (each value's $(VAR) from the ones before; fieldRef spec.nodeName),
 * command and args expanded from that env, and each volume mount's path replaced by
 * the stand-in directory (or file) given for its volume here (plus its subPath),
 * wherever it starts a path in a command-line word or an env value.
 */
function containerRun(o: Obj, node: string, volumes: Record<string, string>): { argv: string[]; env: Record<string, string> } {
  const c = podSpec(o).containers[0];
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.valueFrom) {
      expect(e.valueFrom, `${e.name}: the only valueFrom this test gives`).toEqual({ fieldRef: { fieldPath: 'spec.nodeName' } });
      env[e.name] = node;
    } else env[e.name] = expand(String(e.value ?? ''), env);
  }
  const argv = [...(c.command ?? []), ...(c.args ?? [])].map((a) => expand(a, env));
  const mounts: [string, string][] = (c.volumeMounts ?? []).map((m: Obj) => {
    expect(volumes[m.name], `a stand-in for volume ${m.name}`).toBeDefined();
    return [m.mountPath, m.subPath ? join(volumes[m.name], m.subPath) : volumes[m.name]];
  });
  // one pass, longest path first: a stand-in is never moved again
  mounts.sort((a, b) => b[0].length - a[0].length);
  const to = new Map(mounts);
  const any = new RegExp(`(^|[\\s=:])(${mounts.map(([from]) => from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?=/|$|\\s)`, 'g');
  const move = (s: string) => (mounts.length ? s.replace(any, (_, before: string, from: string) => before + to.get(from)) : s);
  return { argv: argv.map(move), env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, move(v)])) };
}

/** A directory holding `seccomp-learn` (the built CLI), as the image's /usr/local/bin does. */
function binDir(): string {
  const d = tmpDir();
  symlinkSync(CLI, join(d, 'seccomp-learn'));
  return d;
}

/** A ConfigMap's data as a mounted volume: one file per key. */
function configMapDir(data: Record<string, string>): string {
  const d = tmpDir();
  for (const [k, v] of Object.entries(data)) writeFileSync(join(d, k), v);
  return d;
}

function start(run: { argv: string[]; env: Record<string, string> }, bin: string): ChildProcess & { out: string; err: string; exited: Promise<number | null> } {
  const child = spawn(run.argv[0], run.argv.slice(1), {
    env: { PATH: `${bin}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, ...run.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { out: string; err: string; exited: Promise<number | null> };
  child.out = '';
  child.err = '';
  child.stdout!.on('data', (b) => (child.out += b));
  child.stderr!.on('data', (b) => (child.err += b));
  child.exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve(sig ? -1 : code)));
  return child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Wait for a file a pod writes; on failure, say what the pod said. */
async function waitChild(child: { err: string }, pred: () => boolean, what: string): Promise<void> {
  try {
    await waitFor(pred, 20_000, what);
  } catch (err) {
    throw new Error(`${(err as Error).message}; the pod's stderr: ${child.err || '(nothing)'}`);
  }
}

/** syslog.1's first part: the file as a first run read it, up to the end of the stop marker's line. */
function rotatedFirstPart(): string {
  const s1 = readFixture('real/rotated/syslog.1');
  const m = /^.*seccomp-learn-fixture rotated\d+-stop .*$/m.exec(s1);
  expect(m, 'the stop marker in rotated/syslog.1').not.toBeNull();
  return s1.slice(0, m!.index + m![0].length + 1);
}

// pods started and stopped, waiting for files: generous on a loaded machine
describe('deploy/kubernetes: the command lines, run here', { timeout: 90_000 }, () => {
  const bin = binDir();
  const states = tmpDir();
  const scriptsDir = configMapDir(scripts);

  it('the learn DaemonSet (kmsg) follows /dev/kmsg, writes its state on SIGTERM, counts nothing twice after a restart, and the state merges to what learn gives', async () => {
    const t = tmpDir();
    const kmsg = join(t, 'kmsg');
    execFileSync('mkfifo', [kmsg]);
    mkdirSync(join(t, 'state'));
    const run = containerRun(find(base, 'DaemonSet'), 'node-a', { scripts: scriptsDir, state: join(t, 'state'), kmsg });
    const state = join(t, 'state', 'node-a.json');
    // one pod's life: /dev/kmsg from the start of the kernel's buffer, stopped with SIGTERM
    const pod = async () => {
      const child = start(run, bin);
      // /dev/kmsg never ends: the writer stays open until the pod is stopped. After the
      // fixture, 256 KiB of lines of another kind (more than a pipe holds): once they are
      // written, the reader has read every fixture line
      const writer = createWriteStream(kmsg);
      const write = (b: Buffer | string) => new Promise<void>((resolve, reject) => writer.write(b, (err) => (err ? reject(err) : resolve())));
      await write(readFileSync(fixture('real/kmsg.log')));
      await write('6,9999999,9999999999,-;seccomp-learn-test: not a record, padding\n'.repeat(4096));
      await sleep(500);
      child.kill('SIGTERM');
      expect(await child.exited, child.err).toBe(0);
      writer.destroy();
      expect(existsSync(state), `${state} written on SIGTERM`).toBe(true);
      return JSON.parse(readFileSync(state, 'utf8')).totals;
    };
    const first = await pod();
    // the pod restarted: /dev/kmsg is read again from the start of the buffer, and every
    // record already in the state is known as one (its audit serial)
    const again = await pod();
    expect(again.records).toBe(first.records);
    expect(again.duplicates).toBe(first.duplicates + first.records);
    copyFileSync(state, join(states, 'node-a.json'));
    const merged = cli(['merge', '-q', state, '-o', join(t, 'merged.json')]);
    expect(merged.code, merged.stderr).toBe(0);
    const learned = cli(['learn', '-q', fixture('real/kmsg.log'), '-o', join(t, 'learned.json')]);
    expect(learned.code, learned.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(t, 'merged.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(t, 'learned.json'), 'utf8')));
  });

  it('the learn DaemonSet (components/files, syslog) resumes after a real rotation: its state merges to what learn gives on the whole pair', async () => {
    const t = tmpDir();
    const varlog = join(t, 'varlog');
    mkdirSync(varlog);
    mkdirSync(join(t, 'state'));
    const ds = find(withFiles, 'DaemonSet');
    const run = containerRun(ds, 'node-b', { scripts: scriptsDir, state: join(t, 'state'), varlog, tmp: join(t, 'tmp') });
    const state = join(t, 'state', 'node-b.json');
    const first = rotatedFirstPart();
    writeFileSync(join(varlog, 'syslog'), first);
    // the first pod: one run, then it sleeps; stopped there
    let child = start(run, bin);
    await waitChild(child, () => existsSync(state), 'the first run\'s state');
    child.kill('SIGTERM');
    expect(await child.exited, child.err).toBe(0);
    const before = statSync(state).ino;
    // what rsyslogd wrote after the stop, then logrotate's rename and a new file
    const whole = readFileSync(fixture('real/rotated/syslog.1'));
    appendFileSync(join(varlog, 'syslog'), whole.subarray(Buffer.byteLength(first)));
    renameSync(join(varlog, 'syslog'), join(varlog, 'syslog.1'));
    copyFileSync(fixture('real/rotated/syslog'), join(varlog, 'syslog'));
    // the pod again (a restart, or the next round of its loop)
    child = start(run, bin);
    await waitChild(child, () => statSync(state).ino !== before, 'the second run\'s state');
    child.kill('SIGTERM');
    expect(await child.exited, child.err).toBe(0);
    // every line of the pair read once: none twice, none lost
    const whole2 = readFileSync(fixture('real/rotated/syslog.1'), 'utf8') + readFileSync(fixture('real/rotated/syslog'), 'utf8');
    expect(JSON.parse(readFileSync(state, 'utf8')).totals).toMatchObject({ lines: whole2.split('\n').length - 1, duplicates: 0 });
    copyFileSync(state, join(states, 'node-b.json'));
    const merged = cli(['merge', '-q', state, '-o', join(t, 'merged.json')]);
    expect(merged.code, merged.stderr).toBe(0);
    const learned = cli(['learn', '-q', fixture('real/rotated/syslog.1'), fixture('real/rotated/syslog'), '-o', join(t, 'learned.json')]);
    expect(learned.code, learned.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(t, 'merged.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(t, 'learned.json'), 'utf8')));
  });

  it('a state it cannot read stops the pod (exit 2, the reason in its log) instead of looping', async () => {
    const t = tmpDir();
    mkdirSync(join(t, 'varlog'));
    mkdirSync(join(t, 'state'));
    writeFileSync(join(t, 'varlog', 'syslog'), rotatedFirstPart());
    writeFileSync(join(t, 'state', 'node-x.json'), '{"seccompLearnState": 99}');
    const child = start(containerRun(find(withFiles, 'DaemonSet'), 'node-x', { scripts: scriptsDir, state: join(t, 'state'), varlog: join(t, 'varlog'), tmp: join(t, 'tmp') }), bin);
    expect(await child.exited).toBe(2);
    expect(child.err).toMatch(/node-x\.json/);
    expect(readFileSync(join(t, 'state', 'node-x.json'), 'utf8')).toBe('{"seccompLearnState": 99}');
  });

  it('the merge Job (merge/, on the claim of components/rwx) merges both nodes\' states and prints a ConfigMap of OCI profiles and the SeccompProfiles', async () => {
    const t = tmpDir();
    mkdirSync(join(t, 'claim', 'nodes'), { recursive: true });
    for (const f of readdirSync(states)) copyFileSync(join(states, f), join(t, 'claim', 'nodes', f));
    expect(readdirSync(join(t, 'claim', 'nodes')).sort()).toEqual(['node-a.json', 'node-b.json']);
    const run = containerRun(find(merge, 'Job'), 'node-c', { scripts: scriptsDir, states: join(t, 'claim') });
    const child = start(run, bin);
    expect(await child.exited, child.err).toBe(0);
    // the same profiles as learn --out-dir on both nodes' logs
    const want = join(t, 'want', 'profiles');
    const learned = cli(['learn', '-q', '--out-dir', want, fixture('real/kmsg.log'), fixture('real/rotated/syslog.1'), fixture('real/rotated/syslog')]);
    expect(learned.code, learned.stderr).toBe(0);
    const got = join(t, 'claim', 'profiles');
    expect(readdirSync(got).sort()).toEqual(readdirSync(want).sort());
    for (const f of readdirSync(want)) expect(JSON.parse(readFileSync(join(got, f), 'utf8')), f).toEqual(JSON.parse(readFileSync(join(want, f), 'utf8')));
    // its output: one YAML stream, a ConfigMap of those files and valid SeccompProfiles
    const docs = parseAllDocuments(child.out).map((d) => d.toJS() as Obj);
    const cm = docs[0];
    expect(() => new ConfigMap(cm).validate()).not.toThrow();
    expect(cm.metadata).toEqual({ name: 'seccomp-learn-profiles', namespace: 'seccomp-learn' });
    expect(Object.keys(cm.data).sort()).toEqual(readdirSync(want).sort());
    for (const [k, v] of Object.entries(cm.data)) expect(v).toBe(readFileSync(join(got, k), 'utf8'));
    const spo = spoValidator();
    const profiles = docs.slice(1);
    expect(profiles.length).toBe(readdirSync(join(t, 'claim', 'spo')).length);
    for (const p of profiles) {
      expect(p.kind).toBe('SeccompProfile');
      expect(spo(p), JSON.stringify(spo.errors)).toBe(true);
    }
    expect(existsSync(join(t, 'claim', 'cluster-state.json'))).toBe(true);
    // the installer, on what that ConfigMap holds
    const dest = tmpDir();
    const inst = containerRun(find(install, 'DaemonSet'), 'node-a', { scripts: scriptsDir, profiles: configMapDir(cm.data), seccomp: dest });
    const installer = start(inst, bin);
    await waitChild(installer, () => existsSync(join(dest, 'profiles')) && readdirSync(join(dest, 'profiles')).filter((f) => f.endsWith('.json')).length === Object.keys(cm.data).length, 'the profiles installed');
    installer.kill('SIGTERM');
    expect(await installer.exited, installer.err).toBe(0);
    for (const [k, v] of Object.entries(cm.data)) expect(readFileSync(join(dest, 'profiles', k), 'utf8')).toBe(v);
  });
});

// ------------------------------------------------------------------ the journal source

// a binary journal, made by systemd-journal-remote from real `journalctl -o export` output
const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';
const journalWhy = !existsSync(JOURNAL_REMOTE) ? `${JOURNAL_REMOTE} is missing (apt-get install systemd-journal-remote)` : spawnSync('journalctl', ['--version']).status !== 0 ? 'journalctl is missing' : null;
if (journalWhy && !IN_CI) console.warn(`skipping the journal source's run: ${journalWhy} (CI installs it and never skips)`);

describe.skipIf(journalWhy !== null && !IN_CI)('deploy/kubernetes: the journal source, run here', { timeout: 90_000 }, () => {
  it('reads the kernel transport from a cursor beside the state: two pods, each reading only what is new', async () => {
    const t = tmpDir();
    const varlog = join(t, 'varlog');
    mkdirSync(join(varlog, 'journal'), { recursive: true });
    mkdirSync(join(t, 'state'));
    mkdirSync(join(t, 'tmp'));
    // the operator's one edit to components/files: SECCOMP_LEARN_SOURCE=journal
    const ds = jsonPatch(find(withFiles, 'DaemonSet'), [
      { op: 'test', path: '/spec/template/spec/containers/0/env/0/name', value: 'SECCOMP_LEARN_SOURCE' },
      { op: 'replace', path: '/spec/template/spec/containers/0/env/0/value', value: 'journal' },
    ], 'the test');
    const run = containerRun(ds, 'node-j', { scripts: configMapDir(scripts), state: join(t, 'state'), varlog, tmp: join(t, 'tmp') });
    const bin = binDir();
    const state = join(t, 'state', 'node-j.json');
    const cursor = `${state}.cursor`;
    // the export's entries, cut in two: the journal as the first pod finds it, then later
    const entries = readFixture('real/journalctl-o-export.log').split(/\n\n/).filter((e) => e.trim());
    const half = Math.floor(entries.length / 2);
    const remote = (name: string, part: string[]) => {
      const r = spawnSync(JOURNAL_REMOTE, ['-o', join(varlog, 'journal', name), '-'], { input: part.join('\n\n') + '\n\n', encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    };
    remote('one.journal', entries.slice(0, half));
    let child = start(run, bin);
    await waitChild(child, () => existsSync(cursor), 'the first pod\'s cursor');
    child.kill('SIGTERM');
    expect(await child.exited, child.err).toBe(0);
    const before = JSON.parse(readFileSync(state, 'utf8')).totals;
    remote('two.journal', entries.slice(half));
    const cursorBefore = readFileSync(cursor, 'utf8');
    child = start(run, bin);
    await waitChild(child, () => readFileSync(cursor, 'utf8') !== cursorBefore, 'the second pod\'s cursor');
    child.kill('SIGTERM');
    expect(await child.exited, child.err).toBe(0);
    // one run over all of it, with no state: the same profile, every line once
    const all = spawnSync('journalctl', ['--no-pager', '-D', join(varlog, 'journal'), '-k', '-o', 'json'], { encoding: 'utf8' });
    expect(all.status, all.stderr).toBe(0);
    const one = cli(['learn', '-o', join(t, 'once.json')], { input: all.stdout });
    expect(one.code, one.stderr).toBe(0);
    const totals = JSON.parse(readFileSync(state, 'utf8')).totals;
    expect(totals.lines).toBe(all.stdout.split('\n').length - 1);
    expect(totals.lines).toBeGreaterThan(before.lines);
    expect(totals.duplicates).toBe(0);
    const merged = cli(['merge', '-q', state, '-o', join(t, 'merged.json')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(t, 'merged.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(t, 'once.json'), 'utf8')));
  });
});

// ------------------------------------------------------------------ resuming after a rotation

describe('learn --state across a real rotation (fixtures/real/rotated)', () => {
  /** The stderr summary's counts. */
  const counts = (stderr: string) => {
    const m = /(\d[\d,]*) lines? read, (\d[\d,]*) seccomp records?/.exec(stderr);
    expect(m, stderr).not.toBeNull();
    return { lines: Number(m![1].replace(/,/g, '')), records: Number(m![2].replace(/,/g, '')), duplicates: /duplicate/.test(stderr) };
  };
  /** What one run over FILES, with no state, counts. */
  const once = (...files: string[]) => counts(cli(['learn', ...files]).stderr);

  it('reads no record twice and loses none: the first part, then syslog.1 and the new syslog, then again with syslog.1 compressed', () => {
    const t = tmpDir();
    const state = join(t, 'node.json');
    const whole = readFileSync(fixture('real/rotated/syslog.1'));
    const next = readFileSync(fixture('real/rotated/syslog'));
    const first = rotatedFirstPart();
    const log = join(t, 'syslog');
    writeFileSync(log, first);
    // the summary counts what the state holds, all runs together
    let r = cli(['learn', '--state', state, '--node', 'vm', log]);
    expect(r.code, r.stderr).toBe(0);
    expect(counts(r.stderr)).toEqual(once(log));
    // rsyslogd goes on writing, then logrotate: rename, HUP, a new file
    appendFileSync(log, whole.subarray(Buffer.byteLength(first)));
    renameSync(log, join(t, 'syslog.1'));
    writeFileSync(log, next);
    r = cli(['learn', '--state', state, '--node', 'vm', join(t, 'syslog.1'), log]);
    expect(r.code, r.stderr).toBe(0);
    const pair = once(fixture('real/rotated/syslog.1'), fixture('real/rotated/syslog'));
    expect(pair.duplicates).toBe(false);
    expect(counts(r.stderr)).toEqual(pair);
    // the next rotation: syslog.1 compressed to syslog.2.gz, syslog to syslog.1, a new empty syslog
    writeFileSync(join(t, 'syslog.2.gz'), gzipSync(readFileSync(join(t, 'syslog.1'))));
    renameSync(log, join(t, 'syslog.1'));
    writeFileSync(log, '');
    r = cli(['learn', '--state', state, '--node', 'vm', join(t, 'syslog.2.gz'), join(t, 'syslog.1'), log]);
    expect(r.code, r.stderr).toBe(0);
    expect(counts(r.stderr)).toEqual(pair);
    // and the state holds what one run over the pair learns
    const merged = cli(['merge', '-q', state, '-o', join(t, 'merged.json')]);
    expect(merged.code, merged.stderr).toBe(0);
    const one = cli(['learn', '-q', fixture('real/rotated/syslog.1'), fixture('real/rotated/syslog'), '-o', join(t, 'once.json')]);
    expect(one.code, one.stderr).toBe(0);
    expect(readFileSync(join(t, 'merged.json'), 'utf8')).toBe(readFileSync(join(t, 'once.json'), 'utf8'));
  });
});

// ------------------------------------------------------------------ the Containerfile

describe('Containerfile', () => {
  const text = readFileSync(join(ROOT, 'Containerfile'), 'utf8');
  // instructions, with continuation lines joined and comments left out
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
  interface Stage { name: string; from: string; steps: { op: string; args: string }[] }
  const stages: Stage[] = [];
  for (const i of instructions) {
    if (i.op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(i.args);
      expect(m, i.args).not.toBeNull();
      stages.push({ from: m![1], name: m![2] ?? String(stages.length), steps: [] });
    } else stages.at(-1)!.steps.push(i);
  }
  const stage = (n: string) => stages.find((s) => s.name === n)!;
  const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  /** Whether .dockerignore lets PATH into the build context (its rules, last match wins). */
  const inContext = (path: string) => {
    let inside = true;
    for (const rule of ignore) {
      const allow = rule.startsWith('!');
      const pat = (allow ? rule.slice(1) : rule).replace(/\/$/, '');
      const re = new RegExp('^' + pat.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '(/.*)?$');
      if (re.test(path)) inside = allow;
    }
    return inside;
  };

  it('builds on the official node:20-slim in every stage, dist/ in a builder, production dependencies without scripts', () => {
    for (const s of stages) expect(['node:20-slim', ...stages.map((x) => x.name)]).toContain(s.from);
    expect(stages.map((s) => s.name)).toEqual(['build', 'deps', 'app', 'journal', 'runtime']);
    expect(stages.at(-1)!.name, 'the default target').toBe('runtime');
    const runs = (s: string) => stage(s).steps.filter((x) => x.op === 'RUN').map((x) => x.args);
    // npm ci would run `prepare` (the build), which needs the devDependencies
    expect(runs('deps')).toEqual([expect.stringMatching(/^npm ci --omit=dev --ignore-scripts\b/)]);
    expect(runs('build')[0]).toMatch(/^npm ci --ignore-scripts\b/);
    expect(runs('build')).toContain('npm run build');
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build).toBeDefined();
    expect(runs('journal').join(' ')).toMatch(/apt-get install -y --no-install-recommends systemd\b/);
  });

  it('runs as the image\'s own non-root user by default', () => {
    for (const s of ['app', 'journal']) expect(stage(s).steps.filter((x) => x.op === 'USER').at(-1)?.args).toBe('node');
  });

  it('copies from the build context only what .dockerignore lets in, and all of it exists', () => {
    const copies = stages.flatMap((s) => s.steps.filter((x) => x.op === 'COPY' && !x.args.startsWith('--from')).map((x) => x.args.split(/\s+/).slice(0, -1)));
    expect(copies.length).toBeGreaterThan(0);
    for (const srcs of copies) {
      for (const src of srcs) {
        expect(existsSync(join(ROOT, src)), src).toBe(true);
        expect(inContext(src.replace(/\/$/, '')), `${src} is in the build context`).toBe(true);
      }
    }
    expect(inContext('node_modules'), 'node_modules stays out of the context').toBe(false);
    expect(inContext('dist'), 'a local dist/ stays out of the context').toBe(false);
    expect(inContext('fixtures/real/kmsg.log')).toBe(false);
  });

  it('the stages, done here: the build from the context alone, the production install, and the CLI from what the image holds', () => {
    // build: the context's files (as .dockerignore filters them) and the devDependencies
    const ctx = tmpDir();
    const copies = stage('build').steps.filter((x) => x.op === 'COPY').flatMap((x) => x.args.split(/\s+/).slice(0, -1));
    for (const src of copies) cpSync(join(ROOT, src), join(ctx, src), { recursive: true, filter: (p) => inContext(relative(ROOT, p)) || relative(ROOT, p) === '' });
    symlinkSync(join(ROOT, 'node_modules'), join(ctx, 'node_modules'));
    let r = spawnSync('npm', ['run', 'build'], { cwd: ctx, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    // deps: the production dependencies alone, from npm's cache (no network needed)
    const app = tmpDir();
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, f), join(app, f));
    r = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--offline'], { cwd: app, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(app, 'node_modules', 'typescript')), 'no devDependency').toBe(false);
    // app: dist/ from the build beside them; the CLI learns from a real log
    cpSync(join(ctx, 'dist'), join(app, 'dist'), { recursive: true });
    const link = stage('app').steps.find((x) => x.op === 'RUN' && x.args.includes('ln -s'))!.args;
    expect(link).toMatch(/ln -s \/opt\/seccomp-learn\/dist\/cli\.js \/usr\/local\/bin\/seccomp-learn/);
    expect(stage('app').steps.find((x) => x.op === 'WORKDIR')?.args).toBe('/opt/seccomp-learn');
    const learn = spawnSync(process.execPath, [join(app, 'dist', 'cli.js'), 'learn', '-q', fixture('real/kmsg.log')], { cwd: app, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(learn.status, learn.stderr).toBe(0);
    expect(JSON.parse(learn.stdout)).toEqual(JSON.parse(cli(['learn', '-q', fixture('real/kmsg.log')]).stdout));
  }, 180_000);
});
