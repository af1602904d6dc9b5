/**
 * Hostile input for property tests (issue #6): texts that would run commands if any shell or tmux on the
 * way interpreted them, and names/targets that must be refused. Generated from a seeded PRNG so any
 * failure can be replayed with TRIMTAB_SEED=<seed>. A hand-written PRNG, not fast-check: the tests need a
 * fixed number of cases run in large batches through real processes, not shrinking, and one page of
 * code keeps the dependency list (and CI installs) as they are.
 */

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `$TRIMTAB_SEED` when set (to replay a failure), else a fresh random seed. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.TRIMTAB_SEED;
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
      throw new Error(`TRIMTAB_SEED must be an integer 0..4294967295, not ${given}`);
    return n;
  }
  return Math.floor(Math.random() * 0x100000000);
}

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

/** Pieces that mean something to sh, bash, zsh, dash, fish or tmux. `C` is replaced by the canary path. */
const INJECTIONS = [
  '$(touch C)',
  '`touch C`',
  '; touch C',
  ';touch C;',
  '&& touch C',
  '|| touch C',
  '| tee C',
  '> C',
  '>> C',
  '>C',
  '& touch C &',
  '\ntouch C\n',
  "'; touch C; echo '",
  '"; touch C; echo "',
  '\'"$(touch C)"\'',
  '$(touch C)`touch C`',
  '${IFS}touch${IFS}C',
  "$'\\x74ouch' C",
  '<(touch C)',
  '>(touch C)',
  '{ touch C; }',
  '(touch C)',
  'eval touch C',
  // tmux: a command separator, a format job, run-shell
  ' \\; run-shell "touch C"',
  '; run-shell "touch C"',
  '#(touch C)',
  '#{pane_id}#(touch C)',
  '\\;',
  ';',
];
const SHELL_BITS = [
  "'",
  '"',
  '`',
  '$',
  '$(',
  ')',
  '${',
  '}',
  '$((1+1))',
  '${PATH}',
  '$HOME',
  '$1',
  '$@',
  '$*',
  '$?',
  '$$',
  '$!',
  "'\\''",
  "\\'",
  '\\"',
  '\\',
  '\\\\',
  '\\n',
  '\\t',
  '\\x41',
  '\\0',
  '\\u263a',
  '&&',
  '||',
  '|',
  '&',
  '>',
  '<',
  '2>&1',
  '>&-',
  '<<EOF',
  '*',
  '?',
  '[a-z]',
  '{a,b}',
  '~',
  '~root',
  '!',
  '!!',
  '!$',
  '^old^new',
  '#',
  '# comment',
  '=cmd',
  'a=b',
  '\\\n',
  '%',
  '%%',
  '%s',
  '%d',
  '%n',
  '%1',
  '%%1',
  '#{',
  '#[fg=red]',
  '##',
  '{',
  '}',
  'Enter',
  'C-c',
  'Escape',
  'C-m',
  'M-x',
  '-l',
  '-t',
  '--',
  '-rf',
  '--help',
  '-n',
  '-e',
  '-X',
  'send-keys',
  'kill-server',
];
const WHITESPACE = [' ', '  ', '\t', '\t\t', '\n', '\n\n', ' \n', '\u00a0', '\u3000'];
const UNICODE = [
  '日本語',
  '中文字符',
  '한국어',
  'ｆｕｌｌｗｉｄｔｈ',
  '（全角）',
  '🚀',
  '👍🏽',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '🇯🇵',
  '🦀',
  '😀😃😄',
  'e\u0301',
  'a\u0308\u0323',
  'Z\u0351\u0350\u0336\u0327a\u0336l\u035cg\u0361o',
  'n\u0303',
  '\u1100\u1161\u11a8',
  'עברית',
  'العربية',
  '\u202eRTL\u202c',
  '\u200b',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u2028',
  '\u2029',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '\u{10ffff}',
  '\ufffd',
  'ñ',
  'ß',
  'İ',
  'ﬁ',
  'Ω',
];
const WORDS = [
  'fix',
  'the',
  'tests',
  'please',
  'run',
  'npm',
  'build',
  'then',
  'commit',
  'rm',
  'echo',
  'ok',
  'continue',
  'yes',
  'no',
];

const asciiNoise = (rand: Rand) =>
  Array.from({ length: int(rand, 1, 12) }, () => String.fromCharCode(int(rand, 0x20, 0x7e))).join('');

/** One piece of a hostile text. */
function piece(rand: Rand, canary: string): string {
  const r = rand();
  if (r < 0.25) return pick(rand, INJECTIONS).replaceAll('C', canary);
  if (r < 0.5) return pick(rand, SHELL_BITS);
  if (r < 0.62) return pick(rand, WHITESPACE);
  if (r < 0.8) return pick(rand, UNICODE);
  if (r < 0.9) return pick(rand, WORDS);
  return asciiNoise(rand);
}

/** The fake agent acts on some texts (/exit quits it): keep generated texts from meaning those. */
const AGENT_COMMAND = /^\/(ask|work|exit|crash|status)\b/;

/**
 * One hostile text: 1-12 pieces, sometimes with a leading `-`, a trailing `;`, `\` or newline,
 * sometimes a very long line. `long` forces a long one (4-16 KB).
 */
function hostileText(rand: Rand, canary: string, long = false): string {
  let text = Array.from({ length: int(rand, 1, 12) }, () => piece(rand, canary)).join(pick(rand, ['', ' ', ' ', '']));
  if (rand() < 0.12) text = `-${text}`;
  if (rand() < 0.06) text = `--${text}`;
  if (rand() < 0.12) text += ';';
  if (rand() < 0.04) text += '\\';
  if (rand() < 0.05) text += '\n';
  if (long || rand() < 0.01) {
    const unit = `${text} ${piece(rand, canary)} `;
    const size = int(rand, 4096, 16384);
    text = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    // Never cut a surrogate pair in half: argv must stay valid UTF-8.
    if (/[\ud800-\udbff]$/.test(text)) text = text.slice(0, -1);
  }
  if (text.trim() === '' || AGENT_COMMAND.test(text.trim())) text = `x${text}`;
  return text;
}

/** `n` texts from `seed`; every 100th is a very long line. */
export function hostileTexts(seed: number, n: number, canary: string): string[] {
  const rand = prng(seed);
  return Array.from({ length: n }, (_, i) => hostileText(rand, canary, i % 100 === 99));
}

/** Hand-picked texts every run sends as well (the worst of each kind). */
export const FIXED_TEXTS = (canary: string): string[] => [
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `'; touch ${canary}; echo '`,
  `"; touch ${canary}; echo "`,
  `a && touch ${canary}`,
  `x | tee ${canary}`,
  `> ${canary}`,
  `#(touch ${canary})`,
  `\\; run-shell "touch ${canary}"`,
  'ends with a semicolon;',
  'ends with \\;',
  'ends with a backslash\\',
  '-rf --help',
  '--',
  '-',
  'back\\slash \\n \\\\ \\x41',
  '%s %d %% %1 #{pane_id} #[fg=red]',
  'tab\there',
  'line one\nline two\n\nline four',
  'trailing newline\n',
  '  leading and trailing spaces  ',
  'Enter',
  'C-c',
  'Escape',
  '日本語のテキスト 🚀 👨‍👩‍👧 e\u0301 a\u0308\u0323 ñ \u200b',
  `${'long '.repeat(3000)}end`,
  "it's \"quoted\" 'twice' '\\''",
  '$HOME ${PATH} $((1+1)) ~ * ? [a] {a,b} !!',
];

/** Characters no valid name may hold, and shapes no valid name may have (core/config.ts NAME_PATTERN). */
const BAD_CHARS = [
  ' ',
  '\t',
  '\n',
  ';',
  '&',
  '|',
  '$',
  '`',
  "'",
  '"',
  '\\',
  '(',
  ')',
  '<',
  '>',
  '*',
  '?',
  '[',
  ']',
  '{',
  '}',
  '~',
  '#',
  '%',
  '!',
  '=',
  ',',
  '/',
  ':',
  '@',
  '^',
  '+',
  '日',
  '🚀',
  '\u0301',
  '\u200b',
];

/** A project name (or SESSION/WINDOW part) that must be refused: a bad character, a bad start, or too long. */
export function hostileName(rand: Rand, canary: string): string {
  const core = Array.from({ length: int(rand, 0, 8) }, () =>
    rand() < 0.5 ? pick(rand, WORDS) : pick(rand, BAD_CHARS),
  ).join('');
  const r = rand();
  if (r < 0.15) return `-${core}`;
  if (r < 0.3) return `.${core}`;
  if (r < 0.35) return `a${'b'.repeat(100)}`;
  if (r < 0.4) return '';
  if (r < 0.5) return pick(rand, INJECTIONS).replaceAll('C', canary);
  // Make sure it holds at least one character no name may hold.
  const bad = pick(rand, BAD_CHARS);
  const at = int(rand, 0, core.length);
  return core.slice(0, at) + bad + core.slice(at);
}

/** A name as core/config.ts defines it, written again here so the tests do not trust the code they test. */
export const VALID_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/** Is `text` a TARGET trimtab must accept ([HOST:]NAME, [HOST:]NAME:NAME, [HOST:]%N)? */
export function validTarget(text: string, hosts: readonly string[]): boolean {
  let parts = text.split(':');
  if (parts.length > 1 && hosts.includes(parts[0]!)) parts = parts.slice(1);
  if (parts.length === 1) return /^%\d+$/.test(parts[0]!) || VALID_NAME.test(parts[0]!);
  return parts.length === 2 && parts.every((p) => VALID_NAME.test(p));
}

/** Hand-picked names that must be refused as project names. */
export const FIXED_NAMES = [
  '',
  '-',
  '--',
  '-rf',
  '--help',
  '.',
  '..',
  '.hidden',
  '../etc',
  'a/b',
  'a b',
  'a;b',
  'x;touch canary',
  '$(id)',
  '`id`',
  'a:b',
  'a.b:c',
  '=ls',
  '~',
  '~root',
  '%1',
  '#(id)',
  'a\nb',
  'a\tb',
  "it's",
  'a"b',
  'a\\b',
  '日本',
  'a'.repeat(101),
];

/**
 * What a hostile remote host can put in a window, session or directory name or a pane title, to act on
 * the terminal that draws it (ECMA-48 for C0/C1/CSI/DCS; xterm's ctlseqs for OSC 2 titles, OSC 8 links
 * and OSC 52 clipboard writes; Unicode UAX #9 for bidi overrides). Each is bytes: invalid UTF-8 is a
 * kind of its own, and a name is handed to tmux byte for byte.
 */
const TERMINAL_ATTACKS: Record<string, Buffer> = {
  ESC: Buffer.from('\x1b'),
  'CSI clear screen': Buffer.from('\x1b[2J\x1b[H'),
  'CSI colour': Buffer.from('\x1b[31;1m'),
  'OSC 52 clipboard write': Buffer.from('\x1b]52;c;cm0gLXJmIH4K\x07'), // sets the clipboard to `rm -rf ~`
  'OSC 8 link': Buffer.from('\x1b]8;;http://evil.example\x1b\\here\x1b]8;;\x1b\\'),
  'OSC 2 title': Buffer.from('\x1b]2;pwned\x07'),
  DCS: Buffer.from('\x1bP1$qm\x1b\\'),
  'C1 CSI (U+009B)': Buffer.from('\u009b2J'),
  'C1 OSC (U+009D)': Buffer.from('\u009d52;c;QUJD\u009c'),
  BEL: Buffer.from('\x07'),
  DEL: Buffer.from('\x7f'),
  tab: Buffer.from('\t'),
  newline: Buffer.from('\n'),
  CR: Buffer.from('\r'),
  'bidi override': Buffer.from('\u202eevil\u202c'),
  'bidi isolate': Buffer.from('\u2066x\u2069'),
  'invalid UTF-8': Buffer.from([0xff, 0xfe, 0xc0, 0x80]),
  'cut UTF-8 sequence': Buffer.from([0xe2, 0x82]),
};
const NAME_WORDS = ['api', 'web', 'fix', 'x', '日本', '🚀', 'a.b', 'é'];

/**
 * `n` remote-side hostile names from `seed`. Together they hold every attack in TERMINAL_ATTACKS (name j
 * gets the attacks k with k % n == j, so each role a test gives a list of names sees every kind),
 * mixed with 0-3 attacks and words picked at random, in a random order. A name never holds NUL or `/`
 * (no file or tmux name can), never ends in a newline ($(...) would strip it), and stays under 200
 * bytes (a file name's limit is 255).
 */
export function hostileRemoteNames(seed: number, n: number): Buffer[] {
  const rand = prng(seed);
  const attacks = Object.values(TERMINAL_ATTACKS);
  return Array.from({ length: n }, (_, j) => {
    const parts = attacks.filter((_a, k) => k % n === j);
    for (let i = int(rand, 0, 3); i > 0; i--) {
      const more = rand() < 0.6 ? pick(rand, attacks) : Buffer.from(pick(rand, NAME_WORDS));
      if (Buffer.concat([...parts, more]).length < 180) parts.push(more);
    }
    for (let i = parts.length - 1; i > 0; i--) {
      const k = int(rand, 0, i);
      [parts[i], parts[k]] = [parts[k]!, parts[i]!];
    }
    const name = Buffer.concat([Buffer.from(pick(rand, NAME_WORDS)), ...parts, Buffer.from('z')]);
    return Buffer.from([...name].map((b) => (b === 0x2f ? 0x5f : b)));
  });
}

/**
 * What must never reach a terminal raw: any C0 control but the newline that ends a line, DEL, C1
 * (U+0080..U+009F), bidi controls, and the bytes of invalid UTF-8 (a decoder's U+FFFD is fine).
 * `text` is what a process wrote, decoded as UTF-8.
 */
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** The first raw control in `bytes` (as RAW_CONTROL, plus invalid UTF-8), shown with its neighbours; null when clean. */
export function firstRawControl(bytes: Buffer): string | null {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return 'invalid UTF-8';
  const m = RAW_CONTROL.exec(text);
  return m ? JSON.stringify(text.slice(Math.max(0, m.index - 20), m.index + 20)) : null;
}
