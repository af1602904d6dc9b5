/**
 * dist/trimtab.mjs starts here. Compiling the whole ~480 KiB program on every start costs more than
 * Node's own start-up on a small server, and Node 20 has no compile cache of its own. So the program
 * rides in a comment after this loader (core/program-text.ts), and is compiled with V8's code cache,
 * kept in the cache dir: the first run of each command writes it, later runs skip the compile. A
 * missing, stale, damaged or untrusted cache (another owner, writable by others, wrong checksum)
 * only costs that compile, and is written anew.
 * On Node 22.1+ (module.enableCompileCache) Node's own cache does this instead: the program is
 * compiled by Node's CommonJS loader, which checks its cache's checksum itself. When Node 20 is no
 * longer supported this loader can go: the bundle becomes a plain module and calls
 * module.enableCompileCache() first thing.
 * TRIMTAB_NO_CODE_CACHE=1 turns both off.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import NodeModule, { createRequire } from 'node:module';
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

type Program = typeof import('./main.js');

/** Node 22.1+: `module.enableCompileCache(dir)`; its status 0 means it failed. */
type EnableCompileCache = (dir?: string) => { status: number; message?: string; directory?: string };
const enableCompileCache = (NodeModule as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;

/**
 * The program, compiled by Node's CommonJS loader: with Node's compile cache when `enable` is given.
 * Also the way when source maps are on (`node --enable-source-maps`, for the inline map of a readable
 * build, TRIMTAB_BUILD_READABLE=1): Node maps stack traces for code its loaders compile, never for a
 * vm Script (seen on Node 20.20).
 */
function loadWithNodeLoader(enable?: EnableCompileCache): Program {
  if (enable) {
    const result = enable(path.join(dir, 'node-compile-cache'));
    debug(`node ${result.status === 0 ? `failed: ${result.message ?? ''}` : (result.directory ?? '')}`);
  } else debug('off (source maps are on)');
  type CjsModule = { exports: Program; paths: string[]; _compile(content: string, filename: string): void };
  const Ctor = NodeModule as unknown as { new (id: string): CjsModule; _nodeModulePaths(dir: string): string[] };
  const m = new Ctor(self);
  m.paths = Ctor._nodeModulePaths(path.dirname(self));
  m._compile(program!, self);
  return m.exports;
}

/** Node 20: the program compiled with this loader's own, verified V8 code cache. */
function loadWithOwnCache(): Program {
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
        writeFileSync(tmp, sealCodeCache(script.createCachedData(), __TRIMTAB_BUILD_ID__, sha256), {
          mode: 0o600,
          flag: 'wx',
        });
        renameSync(tmp, file);
        // Caches of other builds will never be used again.
        for (const old of readdirSync(dir)) {
          if (isCodeCacheFile(old) && !old.startsWith(`code-${__TRIMTAB_BUILD_ID__}-`))
            rmSync(path.join(dir, old), { force: true });
        }
        debug(`wrote ${file}`);
      } catch (error) {
        debug(`not written: ${(error as Error).message}`); // a read-only home only costs speed
      }
    });
  }

  const module = { exports: {} as Program };
  (script.runInThisContext() as (r: NodeRequire, m: object, e: object) => void)(
    createRequire(self),
    module,
    module.exports,
  );
  return module.exports;
}

const loaded =
  process.sourceMapsEnabled && program.includes('//# sourceMappingURL=')
    ? loadWithNodeLoader(useCache ? enableCompileCache : undefined)
    : useCache && enableCompileCache
      ? loadWithNodeLoader(enableCompileCache)
      : loadWithOwnCache();

/** `main(argv)`, for a process that imports the bundle to run many commands (test/fixtures/run-many.mjs). */
export const { main } = loaded;

const isEntry = (() => {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(self);
  } catch {
    return false;
  }
})();
if (isEntry) loaded.start();
