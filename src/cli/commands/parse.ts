// `seccomp-learn parse [FILE...]`: each seccomp record as one JSON object per line (NDJSON).
import { lineSuspicion } from '../../learn/forgery.js';
import { RecordWindow } from '../../learn/duplicates.js';
import { JournalPairs, kernelTransport } from '../../learn/pairing.js';
import { Parser, type LineResult } from '../../parse/event.js';
import type { LineSink } from '../../parse/lines.js';
import { eventToJSON } from '../../report/event-json.js';
import { readAll, type Io, type Say } from '../../io/read.js';
import { EXIT, stopCode, stopNote } from '../exit.js';
import type { ParseArgs } from '../options.js';

export async function parseCommand(a: ParseArgs, io: Io, say: Say): Promise<number> {
  const window = new RecordWindow();
  const pairs = new Map<string, JournalPairs>();
  const parser = new Parser();
  let out = '';
  let printed = 0;
  const sink: LineSink = {
    line(buf, start, end, source, lineNo) {
      for (let r = parser.parse(buf, start, end, source, lineNo); r !== null; r = parser.more()) result(r, source, lineNo);
    },
    overlong(source, lineNo, bytes) {
      say(`seccomp-learn: ${source}:${lineNo}: skipped a line of ${bytes} bytes (longer than --max-line-length)`);
    },
  };
  const result = (r: NonNullable<LineResult>, source: string, lineNo: number) => {
    if (r.kind === 'seccomp') {
      if (!a.all) {
        // journalctl's text shows a record twice (its audit and kernel transports): the second line is its twin, as learn counts it
        const key = `${r.file}\n${r.host ?? ''}`;
        let p = pairs.get(key);
        if (p === undefined) pairs.set(key, (p = new JournalPairs()));
        const twin = r.trusted && (r.format === 'journal' || kernelTransport(r)) && p.paired(r);
        if (window.check(r, 0) !== 'new' || twin) return;
      }
      const json = eventToJSON(r);
      // what the line gives away on its own (learn judges it so too)
      if (json.trusted && lineSuspicion(r, r.pid, r.tagPid) !== null) json.trusted = false;
      out += JSON.stringify(json) + '\n';
      printed++;
      if (out.length > 1 << 16) flush();
    } else if (r.kind === 'skip') {
      say(`seccomp-learn: ${source}:${lineNo}: skipped (${r.code}): ${r.message}`);
    }
  };
  const flush = () => {
    if (out) io.stdout.write(out);
    out = '';
  };
  // no progress bar when the records go to the same terminal as they are read
  const read = await readAll(a.files, io, sink, { maxLength: a['max-line-length'], jobs: a.jobs, onStreamChunk: flush, quiet: (io.stdout as { isTTY?: boolean }).isTTY === true, count: () => printed, say });
  flush();
  const stopped = stopCode(read);
  if (stopped !== null && read.stoppedBy !== 'EPIPE') say(stopNote(read, 'the records printed are'));
  return stopped ?? EXIT.ok;
}
