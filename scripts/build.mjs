// Bundles src/cli.ts into one executable ESM file: dist/trimtab.mjs.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outfile = 'dist/trimtab.mjs';

await build({
  entryPoints: ['src/cli.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  define: { __TRIMTAB_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    // The shebang makes the file runnable on its own. The require shim is for CJS deps
    // (enquirer, parts of execa) that call require() inside an ESM bundle (esbuild#1921).
    js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
chmodSync(outfile, 0o755);
