// State kept for each source of records: a file, and within a file each host it
// names (a log server's file holds many hosts, each with its own audit serials
// and printk clock). Nested maps, so that looking a source up makes no string.

export class PerSource<T> {
  private readonly byFile = new Map<string, Map<string | null, T>>();
  // the source asked for last: records of one source follow each other
  private lastFile: string | null = null;
  private lastHost: string | null = null;
  private last: T | undefined = undefined;

  get(file: string, host: string | null): T | undefined {
    if (file === this.lastFile && host === this.lastHost && this.last !== undefined) return this.last;
    const v = this.byFile.get(file)?.get(host);
    if (v !== undefined) {
      this.lastFile = file;
      this.lastHost = host;
      this.last = v;
    }
    return v;
  }

  set(file: string, host: string | null, value: T): T {
    let m = this.byFile.get(file);
    if (!m) this.byFile.set(file, (m = new Map()));
    m.set(host, value);
    this.lastFile = file;
    this.lastHost = host;
    this.last = value;
    return value;
  }

  /** `file` or `file (host h)`, for messages. */
  static label(file: string, host: string | null): string {
    return host === null ? file : `${file} (host ${host})`;
  }
}
