import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { isPrintable, printable, printableJson } from '../../../src/core/render/printable.js';
import { fit, oneLine, width } from '../../../src/core/render/render.js';

/** Any byte a terminal acts on: C0, DEL, C1, and the bidi controls that reorder a line. */
const RAW = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('printable', () => {
  it.each([
    ['plain name', 'gridplay-v1', 'gridplay-v1'],
    ['unicode stays', '日本語 🚀 e\u0301', '日本語 🚀 e\u0301'],
    ['newline, CRLF, tab', 'a\nb\r\nc\td', 'a⏎b⏎c⇥d'],
    ['lone CR', 'a\rb', 'a^Mb'],
    ['clear screen (CSI)', 'x\x1b[2J\x1b[H', 'x^[[2J^[[H'],
    ['OSC 52 clipboard write, BEL-terminated', '\x1b]52;c;cm0gLXJmIH4=\x07', '^[]52;c;cm0gLXJmIH4=^G'],
    ['OSC 8 hyperlink, ST-terminated', '\x1b]8;;http://x\x1b\\y', '^[]8;;http://x^[\\y'],
    ['DCS', '\x1bP+q544e\x1b\\', '^[P+q544e^[\\'],
    ['NUL and DEL', '\x00\x7f', '^@^?'],
    ['C1 CSI and OSC', '\u009b2J\u009d0;t\u009c', '^[[2J^[]0;t^[\\'],
    ['NEL (C1)', 'a\u0085b', 'a^[Eb'],
    ['bidi override and isolate', 'a\u202eb\u2066c\u2069', 'a<U+202E>b<U+2066>c<U+2069>'],
    ['line separator', 'a\u2028b', 'a⏎b'],
    ['lone surrogates', 'a\ud800b\udc00c', 'a\ufffdb\ufffdc'],
    ['a real pair stays', '\ud83d\ude80', '🚀'],
    ['invalid UTF-8, decoded', Buffer.from([0x61, 0xff, 0xfe, 0x62]).toString('utf8'), 'a\ufffd\ufffdb'],
  ])('%s', (_what, input, output) => {
    expect(printable(input)).toBe(output);
    expect(printable(output)).toBe(output); // idempotent: printing twice changes nothing
    expect(isPrintable(output)).toBe(true);
  });

  it('leaves no raw control character, whatever the input', () => {
    let all = '';
    for (let c = 0; c < 0x2100 + 0x70; c++) all += String.fromCharCode(c);
    const out = printable(all);
    expect(out).not.toMatch(RAW);
    expect(isPrintable(all)).toBe(false);
  });

  it('limit reads no more than asked and marks the cut', () => {
    expect(printable('abcdef', { limit: 3 })).toBe('abc…');
    expect(printable('abc', { limit: 3 })).toBe('abc');
    expect(printable('ab🚀', { limit: 3 })).toBe('ab…'); // never half a pair
    expect(printable('ab\r\n', { limit: 3 })).toBe('ab…'); // never CR without its LF
    expect(printable('\x1b'.repeat(1_000_000), { limit: 10 })).toBe(`${'^['.repeat(10)}…`);
  });

  it('a megabyte of escapes comes back whole and printable', () => {
    const big = '\x1b]52;c;AAAA\x07\t\n'.repeat(70_000); // ~1 MB
    const out = printable(big);
    expect(out).not.toMatch(RAW);
    expect(out.startsWith('^[]52;c;AAAA^G⇥⏎')).toBe(true);
  });
});

describe('fit and oneLine on hostile and huge input', () => {
  const MB = 1 << 20;
  const samples: Array<[string, string]> = [
    ['ASCII', 'continue with the tests '.repeat(MB / 24)],
    ['CJK and newlines', '日本語のテキスト\n'.repeat(MB / 9)],
    ['emoji', '👨‍👩‍👧 🚀 '.repeat(MB / 12)],
    ['combining marks', `a${'\u0301'.repeat(MB)}`],
    ['escapes', '\x1b[2J\x1b]52;c;AAAA\x07'.repeat(MB / 16)],
    ['no ASCII at all', '⏎'.repeat(MB)],
  ];

  it.each(samples)(
    'fit(1 MB of %s, 40) is at most 40 columns and short',
    (_what, s) => {
      const out = fit(s, 40);
      expect(width(out)).toBeLessThanOrEqual(40);
      expect(out.length).toBeLessThanOrEqual(16 * 40 + 64 + 1);
      expect(out).not.toMatch(RAW);
      expect(out.endsWith('…')).toBe(true);
    },
    60_000,
  );

  it.each(samples)(
    'width(1 MB of %s) finishes, and its pieces add up to what string-width says',
    (_what, s) => {
      expect(width(printable(s))).toBeGreaterThan(0);
      const small = printable(s.slice(0, 3000)); // string-width is still fast at this size
      expect(width(small)).toBe(stringWidth(small));
    },
    60_000,
  );

  it('oneLine: newlines ⏎, tabs ⇥, escapes visible, bounded', () => {
    expect(oneLine('fix the\ttests\nthen push')).toBe('fix the⇥tests⏎then push');
    expect(oneLine('\x1b]52;c;cm0gLXJmIH4=\x07 hi')).toBe('^[]52;c;cm0gLXJmIH4=^G hi');
    expect(oneLine('x'.repeat(300), 10)).toBe('xxxxxxxxx…');
    const huge = oneLine(`${'line\n'.repeat(MB / 5)}`, 60);
    expect(width(huge)).toBeLessThanOrEqual(60);
    expect(huge.startsWith('line⏎line⏎')).toBe(true);
  }, 60_000);
});

describe('printableJson', () => {
  const hostile = { name: 'a\u001b]52;c;aGk=\u0007b\u007f\u009b2J\u202eevil\u2066', n: 1, list: ['\u0085', 'ok'] };
  it('the same value to a parser', () => expect(JSON.parse(printableJson(hostile))).toEqual(hostile));
  it('no raw control, DEL, C1 or bidi character in the text', () => {
    expect(printableJson(hostile)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
  it('plain values are what JSON.stringify gives', () => {
    const plain = { host: 'thor', agents: [{ target: 'thor:agents:api', status: 'waiting' }], ok: true };
    expect(printableJson(plain)).toBe(JSON.stringify(plain));
  });
});
