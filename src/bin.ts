// The command's entry point (bundled into dist/cli.js).
import { setFlagsFromString } from 'node:v8';
import { main } from './cli/main.js';

// V8 doubles the young generation each time enough objects have survived
// scavenges since it last grew, and over gigabytes of input enough always have:
// it reached 2 x 16 MB, all of it resident, though nearly every object the
// parser makes dies at once. Left at its first size it costs no time and the
// resident size stays flat whatever the input (npm run bench, busy syslog, 860 MB:
// peak RSS 81 -> 66 MB, the same CPU time). Set here, not in the library: it
// is the process's choice. (Worker threads are created after it, and share it.)
setFlagsFromString('--semi-space-growth-factor=1');

await main(process.argv.slice(2));
