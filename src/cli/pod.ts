// The Pod securityContext that uses a profile written under profiles/, as the
// Kubernetes tutorial does (the kubelet looks under its seccomp root,
// /var/lib/kubelet/seccomp).
import { basename, dirname } from 'node:path';
import type { FormatName } from '../profile/formats/index.js';

/** For a profile written into a `profiles/` directory: the lines that say how a Pod uses it. Null for other paths and formats. */
export function podSnippet(path: string, format: FormatName): string | null {
  if (format !== 'oci' || basename(dirname(path)) !== 'profiles') return null;
  const rel = `profiles/${basename(path)}`;
  return [
    `seccomp-learn: to use it in a Pod, copy it to /var/lib/kubelet/seccomp/${rel} on the node and set:`,
    '  securityContext:',
    '    seccompProfile:',
    '      type: Localhost',
    `      localhostProfile: ${rel}`,
  ].join('\n');
}
