// While a stream is followed with --progress: say when a program has had no
// new call for a while (1 min, 10 min, 1 h), so that a person watching knows
// when the recording may be enough. Text only; the Learner holds the facts
// (learn/first-seen.ts, Lives.newest).
import type { ProgramNewest } from '../learn/lives.js';
import { clock } from '../report/report.js';

/** How long without a new call is said (seconds), with its words. */
export const QUIET_STEPS: ReadonlyArray<readonly [number, string]> = [
  [60, '1 min'],
  [600, '10 min'],
  [3600, '1 h'],
];

/**
 * Says each step once per program and newest call: a new call starts it over.
 * The clock is the records': the latest record time read, then, while no later
 * record comes, that time plus the wall-clock time since it was read (a stream
 * read from its start catches up with the log's own times; a quiet one, under a
 * watch profile that logs nearly nothing, still moves on).
 */
export class QuietNotes {
  /** Per program key: the newest call's time and the last step said (-1: none). */
  private readonly said = new Map<string, { time: number; step: number }>();
  private latest = NaN;
  private latestAt = 0;

  /**
   * The lines to say now: `programs` from Lives.newest(), `wallMs` the wall
   * clock (ms since the epoch). A program that is first looked at already past
   * several steps (a log read from its start) gets the longest only.
   */
  check(programs: ReadonlyMap<string, ProgramNewest>, wallMs: number): string[] {
    let latest = NaN;
    for (const p of programs.values()) if (!(p.last <= latest)) latest = p.last;
    if (Number.isNaN(latest)) return [];
    if (!(latest <= this.latest)) {
      this.latest = latest;
      this.latestAt = wallMs;
    }
    const now = this.latest + Math.max(0, wallMs - this.latestAt) / 1000;
    const out: string[] = [];
    for (const [key, p] of programs) {
      let s = this.said.get(key);
      if (!s || s.time !== p.newest.time) this.said.set(key, (s = { time: p.newest.time, step: -1 }));
      let step = -1;
      for (let i = 0; i < QUIET_STEPS.length; i++) if (now - p.newest.time >= QUIET_STEPS[i][0]) step = i;
      if (step <= s.step) continue;
      s.step = step;
      out.push(`~ ${p.name}: no new call for ${QUIET_STEPS[step][1]} (last new: ${p.newest.name ?? `#${p.newest.nr}`} at ${clock(p.newest.time, now)})`);
    }
    return out;
  }
}
