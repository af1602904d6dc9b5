/**
 * dist/trimtab.mjs starts here. Node 20 has no compile cache (Node 22's module.enableCompileCache),
 * and compiling the whole ~480 KiB program on every start costs more than Node's own start-up on a
 * small server. So the program rides in a comment after this loader (core/program-text.ts), and is
 * compiled with V8's code cache, kept in the cache dir: the first run of each command writes it,
 * later runs skip the compile. A missing, stale, damaged or untrusted cache (another owner, writable
 * by others, wrong checksum) only costs that compile, and is written anew.
 * TRIMTAB_NO_CODE_CACHE=1 turns it off.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { cacheDir } from './adapters/cache.js';
import { codeCacheName, extractProgram, isCodeCacheFile, openCodeCache, sealCodeCache } from './core/program-text.js';

declare const __TRIMTAB_BUILD_ID__: string;

const self = fileURLToPath(import.meta.url);
const program = extractProgram(readFileSync(self, 'latin1')); // all ASCII: see scripts/build.mjs
if (program === undefined) throw new Error(`${self} is damaged: reinstall trimtab`);

const env = process.env;
const debug = (text: string) => env.TRIMTAB_DEBUG && process.stderr.write(`[debug] code cache: ${text}\n`);
const useCache = !env.TRIMTAB_NO_CODE_CACHE;
const dir = cacheDir(env);
const name = codeCacheName(process.argv.slice(2), __TRIMTAB_BUILD_ID__, process.version, process.arch);
const file = path.join(dir, name);

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * The cache's V8 data, or undefined (and why, for the debug line). Compiled code is run as this user:
 * a file someone else owns or could have written is never loaded, and never followed through a link.
 */
function readCache(): { data?: Buffer; why: string } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return { why: 'miss' }; // first run of this command (or a symlink: ELOOP)
  }
  try {
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    if (!st.isFile()) return { why: 'rejected (not a file)' };
    if (uid !== undefined && st.uid !== uid) return { why: `rejected (owned by uid ${st.uid})` };
    if (st.mode & 0o022) return { why: `rejected (mode ${(st.mode & 0o777).toString(8)}: writable by others)` };
    const opened = openCodeCache(readFileSync(fd), __TRIMTAB_BUILD_ID__, sha256);
    if ('reason' in opened) return { why: `rejected (${opened.reason})` };
    return { data: Buffer.from(opened.data.buffer, opened.data.byteOffset, opened.data.byteLength), why: 'hit' };
  } catch (error) {
    return { why: `rejected (${(error as Error).message})` };
  } finally {
    closeSync(fd);
  }
}

const read = useCache ? readCache() : { why: 'off' };
const cachedData = read.data;
const script = new Script(`(function (require, module, exports) {${program}\n})`, { filename: self, cachedData });
debug(useCache ? `${cachedData && script.cachedDataRejected ? 'rejected (by V8)' : read.why} ${file}` : 'off');

if (useCache && (!cachedData || script.cachedDataRejected)) {
  // At exit the cache holds every function this command compiled, not just the top level.
  process.once('exit', () => {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}`;
      writeFileSync(tmp, sealCodeCache(script.createCachedData(), __TRIMTAB_BUILD_ID__, sha256), { mode: 0o600, flag: 'wx' });
      renameSync(tmp, file);
      // Caches of other builds will never be used again.
      for (const old of readdirSync(dir)) {
        if (isCodeCacheFile(old) && !old.startsWith(`code-${__TRIMTAB_BUILD_ID__}-`)) rmSync(path.join(dir, old), { force: true });
      }
      debug(`wrote ${file}`);
    } catch (error) {
      debug(`not written: ${(error as Error).message}`); // a read-only home only costs speed
    }
  });
}

const module = { exports: {} as typeof import('./main.js') };
(script.runInThisContext() as (r: NodeRequire, m: object, e: object) => void)(createRequire(self), module, module.exports);

/** `main(argv)`, for a process that imports the bundle to run many commands (test/fixtures/run-many.mjs). */
export const { main } = module.exports;

const isEntry = (() => {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(self);
  } catch {
    return false;
  }
})();
if (isEntry) module.exports.start();
