/**
 * How the bundled program rides inside dist/trimtab.mjs: after the small loader (boot.ts), in one
 * block comment, so Node's module parser skips it at the speed of a comment scan and the loader
 * compiles it with a code cache. The only text a block comment cannot hold is its own end, `*` `/`:
 * it is stored with a \x01 between the two characters, which the program itself never contains.
 */
const START = '/*\x02';
const END = '*/';
const CLOSE = /\*\//g;
const SPLIT = /\*\x01\//g;

export function embedProgram(program: string): string {
  if (program.includes('\x01') || program.includes('\x02'))
    throw new Error('the program contains \\x01 or \\x02: pick other separators');
  if (/[^\x00-\x7f]/.test(program)) throw new Error('the program is not ASCII: the loader reads it as latin1');
  return `${START}${program.replace(CLOSE, '*\x01/')}${END}\n`;
}

/** The program embedded in `fileText` (the whole dist/trimtab.mjs), or undefined when there is none. */
export function extractProgram(fileText: string): string | undefined {
  const start = fileText.lastIndexOf(START); // the loader before it holds START too; the program never does
  const end = fileText.lastIndexOf(END);
  if (start < 0 || end < start) return undefined;
  return fileText.slice(start + START.length, end).replace(SPLIT, '*/');
}

/**
 * The code cache file for one run: per build, Node version and architecture (V8 rejects any other),
 * and per command, so each holds the functions its command compiled.
 */
export function codeCacheName(argv: readonly string[], buildId: string, nodeVersion: string, arch: string): string {
  const [first, second] = argv[0] === 'agent' ? argv.slice(1) : argv;
  const command = first === undefined ? 'bare' : /^[a-z]{1,16}$/.test(first) ? first : 'other';
  const sub =
    command === 'hosts' || command === 'sync' || command === 'login'
      ? /^[a-z-]{1,16}$/.test(second ?? '')
        ? `-${second}`
        : ''
      : '';
  return `code-${buildId}-${nodeVersion}-${arch}-${command}${sub}.bin`;
}

/** A code cache file, or the temp file of one whose write was cut off. */
export const isCodeCacheFile = (name: string) => /^code-[0-9a-f]+-.*\.bin(\.\d+)?$/.test(name);

/**
 * A code cache file is a header line, then V8's data: `trimtab-code-cache 1 <build id> <sha256 of the
 * data>`. V8 checks little of what it is handed (a cache with flipped bits in place passes its sanity
 * check and then crashes the process in the deserializer, every run, until the file is deleted), so
 * the loader hands it only data whose digest and build match.
 */
const CACHE_MAGIC = 'trimtab-code-cache 1';

export function sealCodeCache(data: Uint8Array, buildId: string, sha256: (data: Uint8Array) => string): Uint8Array {
  const header = new TextEncoder().encode(`${CACHE_MAGIC} ${buildId} ${sha256(data)}\n`);
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

/** The V8 data inside a sealed cache file, or why it is not to be used. */
export function openCodeCache(
  file: Uint8Array,
  buildId: string,
  sha256: (data: Uint8Array) => string,
): { data: Uint8Array } | { reason: string } {
  const end = file.subarray(0, 200).indexOf(0x0a);
  if (end < 0) return { reason: 'no header' };
  const [magic1, magic2, build, digest, ...rest] = new TextDecoder().decode(file.subarray(0, end)).split(' ');
  if (`${magic1} ${magic2}` !== CACHE_MAGIC || rest.length) return { reason: 'not a trimtab code cache' };
  if (build !== buildId) return { reason: `built by ${build}` };
  const data = file.subarray(end + 1);
  if (data.length === 0) return { reason: 'empty' };
  if (sha256(data) !== digest) return { reason: 'checksum mismatch' };
  return { data };
}
