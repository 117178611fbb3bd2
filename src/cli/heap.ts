// How large the command lets V8's heap grow. bin.ts imports this module before
// any other, so it runs before the rest of the bundle is evaluated; the library
// never imports it: the heap is the process's choice.
//
// Young generation. V8 doubles it each time enough objects have survived
// scavenges since it last grew, and over gigabytes of input enough always have:
// it reached 2 x 16 MB, all of it resident, though nearly every object the
// parser makes dies at once. With a growth factor of 1 it stays at its first
// size, which costs no time. V8 sets the factor back to 2 whenever it sets up a
// heap (Heap::ConfigureHeap: `if (semi_space_growth_factor < 2) ... = 2`), and
// every worker thread of --jobs sets up its own: so it is set again when a
// worker comes online and at each look below (--jobs 2 on the busy syslog:
// the main thread's young generation went to 32 MB).
//
// Old generation. What dies there (the tables of each process life, once the
// life has ended) waits for a mark-compact, and V8 lets the old generation grow
// to several times what is alive before it runs one (up to 4x; never less than
// 8 MB more): on the busy syslog 31 MB of old space for 7 MB alive, more the
// longer the input. Every 100 ms the old space is looked at, and when what is
// used there is SLACK above what the last full collection left, a full
// collection runs (about 10 ms for this heap; idle, nothing grows and none runs).
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes of old space above what the last full collection left that start another. */
const SLACK = 4 << 20;
/** Milliseconds between two looks at the old space. */
const EVERY_MS = 100;

/** The young generation stays at its first size (V8 flags are the process's: every thread's heap). */
function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** Bytes used in V8's old space (objects that survived two scavenges). */
function oldSpaceUsed(): number {
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'old_space') return s.space_used_size;
  return 0;
}

/** V8's full collection, taken from a context made while --expose-gc was on; the flag is put back at once, so no other context (a worker's) gets `gc`. */
function fullCollection(): () => void {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as () => void;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

holdYoungGeneration();
process.on('worker', (worker) => worker.once('online', holdYoungGeneration));

const collect = fullCollection();
let base = oldSpaceUsed();
setInterval(() => {
  holdYoungGeneration();
  if (oldSpaceUsed() <= base + SLACK) return;
  collect();
  base = oldSpaceUsed();
}, EVERY_MS).unref();
