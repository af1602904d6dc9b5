// Bundles trimtab into one executable ESM file, dist/trimtab.mjs: a small loader (src/boot.ts)
// followed by the program (src/main.ts and all it imports), which the loader compiles with a V8 code
// cache (see boot.ts for why).

import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

/**
 * string-width makes an Intl.Segmenter when it loads, which starts ICU: ~20 ms on a small host, on
 * every command that renders. render.ts only needs it for text that is not plain ASCII, so give
 * render.ts a stand-in that loads the real module on its first call (esbuild's require of an
 * ES module runs that module's top level then, not at start-up).
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) =>
      args.importer.endsWith(path.join('src', 'core', 'render', 'render.ts'))
        ? { path: 'string-width', namespace: 'lazy' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "let real; export default (s, o) => (real ??= require('string-width').default)(s, o);",
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
};

/**
 * The shell libraries (src/remote/sh/*.sh) are imported as text with Vite's `?raw` suffix, which
 * vitest understands natively; esbuild has no such suffix, so strip it and load the file with
 * esbuild's own text loader. One import form, the same text in the tests and in the bundle.
 */
const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: path.resolve(args.resolveDir, args.path.slice(0, -'?raw'.length)),
      namespace: 'raw',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({
      contents: readFileSync(args.path, 'utf8'),
      loader: 'text',
    }));
  },
};

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// `--out FILE` builds elsewhere (a test builds a readable copy without touching dist/).
const { values: args } = parseArgs({ options: { out: { type: 'string' } } });
const outfile = args.out ?? 'dist/trimtab.mjs';
const readable = Boolean(process.env.TRIMTAB_BUILD_READABLE);
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: !readable,
  legalComments: 'none',
  charset: 'ascii',
  write: false,
  logLevel: 'warning',
};
const text = (result) => result.outputFiles[0].text;

// The program: CommonJS inside a function the loader calls, so node builtins load when first used.
const program = text(
  await build({
    ...common,
    entryPoints: ['src/main.ts'],
    format: 'cjs',
    plugins: [lazyStringWidth, rawText],
    define: { __TRIMTAB_VERSION__: JSON.stringify(pkg.version) },
    // A readable build carries its source map: `node --enable-source-maps dist/trimtab.mjs` then
    // names src/ files and lines in stack traces (boot.ts loads it through Node's own loader for that).
    sourcemap: readable ? 'inline' : false,
    outfile, // not written (write: false): the map's paths are relative to it
  }),
);
/**
 * charset 'ascii' escapes strings but leaves regex literals as written (status.ts matches box-drawing
 * characters). Escape those too: \uXXXX means the same character in a regex, and an all-ASCII program
 * is read and held by V8 as one byte per character, half the memory of UTF-16.
 */
if (/\\[^\x00-\x7f]/.test(program))
  throw new Error('a backslash before a non-ASCII character: escaping it would change its meaning');
const ascii = program.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const buildId = createHash('sha256').update(ascii).digest('hex').slice(0, 12);

const loader = text(
  await build({
    ...common,
    entryPoints: ['src/boot.ts'],
    format: 'esm',
    define: { __TRIMTAB_BUILD_ID__: JSON.stringify(buildId) },
  }),
);
const { embedProgram } = await import(
  `data:text/javascript;base64,${Buffer.from(
    text(
      await build({
        ...common,
        entryPoints: ['src/core/program-text.ts'],
        format: 'esm',
        minify: false,
      }),
    ),
  ).toString('base64')}`
);

mkdirSync(path.dirname(outfile), { recursive: true });
writeFileSync(outfile, `#!/usr/bin/env node\n${loader}${embedProgram(ascii)}`);
chmodSync(outfile, 0o755);
