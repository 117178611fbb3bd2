// A progress bar for long batch runs, on one line of a terminal's stderr:
// bytes read of the total, records, rate and time left, redrawn with '\r' at
// most every REDRAW_MS and erased at the end. Never on a stderr that is not a
// terminal, nor under CI; with NO_COLOR (or TERM=dumb) no escape sequence is
// written: the line is erased by overwriting it with spaces.
import type { Writable } from 'node:stream';

const REDRAW_MS = 200;
const BAR = 20;

type Terminal = Writable & { isTTY?: boolean; columns?: number };

export class Progress {
  private total = 0;
  private count: () => number = () => 0;
  /** The first update: the rate is measured from there (a file read on from a saved offset starts past 0). */
  private first: { t: number; done: number } | null = null;
  private last = -Infinity;
  /** The width of what is on the line now (0: nothing). */
  private shown = 0;
  private active = false;

  constructor(
    private readonly out: Terminal,
    private readonly ansi: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** A progress bar for this stderr, or undefined when there must be none. */
  static forTerminal(stderr: Writable, env: NodeJS.ProcessEnv): Progress | undefined {
    const out = stderr as Terminal;
    if (!out.isTTY) return undefined;
    if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0') return undefined;
    const plain = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
    return new Progress(out, !plain);
  }

  /** Begin: `total` bytes to read; `count()` the records so far. */
  start(total: number, count: () => number): void {
    this.total = total;
    this.count = count;
    this.first = null;
    this.last = -Infinity;
    this.active = total > 0;
  }

  /** `done` bytes read: redraws when the last drawing is older than REDRAW_MS (the first at once). */
  update(done: number): void {
    if (!this.active) return;
    const t = this.now();
    this.first ??= { t, done };
    if (t - this.last < REDRAW_MS) return;
    this.last = t;
    this.draw(this.line(done, t));
  }

  /** Erase the line (before another line is written to stderr); the next update draws it again. */
  clear(): void {
    if (this.shown === 0) return;
    this.out.write(this.ansi ? '\r\x1b[K' : '\r' + ' '.repeat(this.shown) + '\r');
    this.shown = 0;
  }

  /** Erase the line and draw no more. */
  end(): void {
    this.clear();
    this.active = false;
  }

  private draw(text: string): void {
    const width = Math.max(20, (this.out.columns || 80) - 1);
    const cut = text.length > width ? text.slice(0, width) : text;
    const pad = !this.ansi && this.shown > cut.length ? ' '.repeat(this.shown - cut.length) : '';
    this.out.write('\r' + cut + pad + (this.ansi ? '\x1b[K' : ''));
    this.shown = cut.length + pad.length;
  }

  /** `[#######.............]  37% 320/860 MB, 1.2M records, 380 MB/s, 2s left` (fits 80 columns) */
  line(done: number, t: number): string {
    const f = Math.min(1, done / this.total);
    const filled = Math.floor(f * BAR);
    const secs = (t - this.first!.t) / 1000;
    const rate = secs > 0 ? (done - this.first!.done) / secs : 0;
    let text = `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${String(Math.floor(f * 100)).padStart(3)}% ${of(done, this.total)}, ${count(this.count())} records`;
    // rate and time left once there is a second to judge by
    if (secs >= 1 && rate > 0) text += `, ${bytes(rate)}/s, ${duration((this.total - done) / rate)} left`;
    return text;
  }
}

const UNITS: Array<[number, string]> = [
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'kB'],
  [1, 'B'],
];

/** `320/860 MB`: both in the total's unit. */
function of(done: number, total: number): string {
  const [size, unit] = UNITS.find(([u]) => total >= u) ?? UNITS[3];
  const digits = size === 1 || total / size >= 10 ? 0 : 1;
  return `${(done / size).toFixed(digits)}/${(total / size).toFixed(digits)} ${unit}`;
}

function bytes(n: number): string {
  const [size, unit] = UNITS.find(([u]) => n >= u) ?? UNITS[3];
  return `${(n / size).toFixed(size === 1 || n / size >= 10 ? 0 : 1)} ${unit}`;
}

function count(n: number): string {
  if (n < 1e4) return String(n);
  if (n < 1e6) return `${Math.round(n / 1e3)}k`;
  return `${(n / 1e6).toFixed(1)}M`;
}

function duration(s: number): string {
  if (s < 60) return `${Math.max(0, Math.ceil(s))}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
