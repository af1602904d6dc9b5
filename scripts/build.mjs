// Bundles src/cli.ts into one executable ESM file: dist/trimtab.mjs.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

/**
 * conf imports semver (for its `migrations` option) and ajv-formats (for `format` keywords) at module
 * level; trimtab uses neither, and they are ~85 KB of the bundle that Node compiles on every start.
 * Replace them with stubs that fail loudly if conf ever does reach for them.
 */
const dropUnused = {
  name: 'drop-unused',
  setup(b) {
    b.onResolve({ filter: /^(semver|ajv-formats)$/ }, (args) => ({ path: args.path, namespace: 'unused' }));
    b.onLoad({ filter: /.*/, namespace: 'unused' }, (args) => ({
      contents:
        args.path === 'ajv-formats'
          ? 'const formats = () => {}; export default { default: formats };'
          : "const no = () => { throw new Error('semver is not bundled: conf migrations are not used'); }; export default new Proxy({}, { get: () => no });",
      loader: 'js',
    }));
  },
};

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
  plugins: [dropUnused],
  define: { __TRIMTAB_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    // The shebang makes the file runnable on its own. The require shim is for CJS deps
    // (enquirer, parts of execa) that call require() inside an ESM bundle (esbuild#1921).
    js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
chmodSync(outfile, 0o755);
