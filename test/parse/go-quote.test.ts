import { describe, expect, it } from 'vitest';
import { goUnquote } from '../../src/parse/go-quote.js';

describe('goUnquote: a Go double-quoted string, as klog writes a value', () => {
  it('undoes the escapes Go writes and JSON does not have', () => {
    expect(goUnquote('"/usr/local/bin/redis\\x1bserver"')).toBe('/usr/local/bin/redis\u001bserver');
    expect(goUnquote('"a\\ab\\vc\\001d"')).toBe('a\u0007b\u000bc\u0001d');
    expect(goUnquote('"\\u00e9\\U0001f600\\t\\"q\\"\\\\"')).toBe('é😀\t"q"\\');
    // bytes that are UTF-8 together: \xc3\xa9 is é
    expect(goUnquote('"caf\\xc3\\xa9"')).toBe('café');
    expect(goUnquote('"plain"')).toBe('plain');
    expect(goUnquote('""')).toBe('');
  });

  it('a byte that is not UTF-8 becomes U+FFFD, never an exception', () => {
    expect(goUnquote('"x\\xffy"')).toBe('x\ufffdy');
  });

  it('null for what Go cannot have written', () => {
    for (const bad of ['"abc', 'abc"', '"a\\qb"', '"a\\x1"', '"a\\x1g"', '"a\\400"', '"a\\ud800"', '"a"b"', '"trailing\\"', '"']) {
      expect(goUnquote(bad), bad).toBeNull();
    }
  });
});
