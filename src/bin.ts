// The command's entry point (bundled into dist/cli.js).
// First, before any other module is evaluated: how large the heap may grow (cli/heap.ts).
import './cli/heap.js';
import { main } from './cli/main.js';

await main(process.argv.slice(2));
