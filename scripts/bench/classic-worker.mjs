// Generates the classic inputs (classic.mjs) in a worker thread, while the bench's
// main thread generates the busy ones: the machine has two cores.
import { parentPort, workerData } from 'node:worker_threads';
import { generateClassic } from './classic.mjs';

parentPort.postMessage(generateClassic(workerData.dir, workerData.sizes));
