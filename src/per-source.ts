// State kept for each source of records: a file, and within a file each host it
// names (a log server's file holds many hosts, each with its own audit serials
// and printk clock). Nested maps, so that looking a source up makes no string.

export class PerSource<T> {
  private readonly byFile = new Map<string, Map<string | null, T>>();

  get(file: string, host: string | null): T | undefined {
    return this.byFile.get(file)?.get(host);
  }

  set(file: string, host: string | null, value: T): T {
    let m = this.byFile.get(file);
    if (!m) this.byFile.set(file, (m = new Map()));
    m.set(host, value);
    return value;
  }

  /** `file` or `file (host h)`, for messages. */
  static label(file: string, host: string | null): string {
    return host === null ? file : `${file} (host ${host})`;
  }
}
