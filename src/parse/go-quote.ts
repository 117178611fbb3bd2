// Go's quoted strings, as klog (the Security Profiles Operator's log-enricher)
// writes a string value: strconv.Quote's escapes, which are not JSON's
// (`\x1b`, `\a`, `\v`, `\377`, `\U0001f600`). Pure.

const SIMPLE: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };

/**
 * The value of one Go double-quoted string literal, quotes included
 * (`"/usr/bin/redis\x1bserver"` -> `/usr/bin/redis<ESC>server`), or null where
 * it is not one (no closing quote, an unknown escape, a bad hex or octal
 * digit). `\xHH` and octal escapes are bytes, decoded with the rest as UTF-8;
 * bytes that are not UTF-8 become U+FFFD. Source: Go's strconv.Unquote.
 */
export function goUnquote(q: string): string | null {
  if (q.length < 2 || q.charCodeAt(0) !== 34 || q.charCodeAt(q.length - 1) !== 34) return null;
  const body = q.slice(1, -1);
  if (body.indexOf('\\') < 0) return body.indexOf('"') < 0 ? body : null;
  const bytes: number[] = [];
  const pushText = (t: string) => {
    for (const b of Buffer.from(t, 'utf8')) bytes.push(b);
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === '"') return null;
    if (c !== '\\') {
      const next = body.indexOf('\\', i);
      const end = next < 0 ? body.length : next;
      const run = body.slice(i, end);
      if (run.indexOf('"') >= 0) return null;
      pushText(run);
      i = end;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return null;
    if (e in SIMPLE) {
      bytes.push(SIMPLE[e]);
      i += 2;
    } else if (e === 'x') {
      const h = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
      bytes.push(parseInt(h, 16));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const h = body.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) return null;
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
      pushText(String.fromCodePoint(cp));
      i += 2 + n;
    } else if (e >= '0' && e <= '7') {
      const o = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255) return null;
      bytes.push(parseInt(o, 8));
      i += 4;
    } else {
      return null;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
