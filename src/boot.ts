/**
 * dist/trimtab.mjs starts here. Node 20 has no compile cache (Node 22's module.enableCompileCache),
 * and compiling the whole ~480 KiB program on every start costs more than Node's own start-up on a
 * small server. So the program rides in a comment after this loader (core/program-text.ts), and is
 * compiled with V8's code cache, kept in the cache dir: the first run of each command writes it,
 * later runs skip the compile. A missing, stale or damaged cache only costs that compile.
 * TRIMTAB_NO_CODE_CACHE=1 turns it off.
 */
import { mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { cacheDir } from './adapters/cache.js';
import { codeCacheName, extractProgram, isCodeCacheFile } from './core/program-text.js';

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

let cachedData: Buffer | undefined;
if (useCache) {
  try {
    cachedData = readFileSync(file);
  } catch {
    // first run of this command
  }
}
const script = new Script(`(function (require, module, exports) {${program}\n})`, { filename: self, cachedData });
debug(useCache ? `${cachedData ? (script.cachedDataRejected ? 'rejected' : 'hit') : 'miss'} ${file}` : 'off');

if (useCache && (!cachedData || script.cachedDataRejected)) {
  // At exit the cache holds every function this command compiled, not just the top level.
  process.once('exit', () => {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
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
