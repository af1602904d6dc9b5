// Start the test lab (real sshd + private tmux servers, see test/lab/lab.ts) and keep it up until
// Ctrl-C, printing the environment to use it by hand:  node scripts/lab.mjs

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export async function loadLab() {
  // Inside the repo, so the bundle's bare imports (execa) resolve from node_modules.
  const out = path.resolve(import.meta.dirname, '../node_modules/.cache/trimtab/lab.mjs');
  await build({
    entryPoints: [path.resolve(import.meta.dirname, '../test/lab/lab.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
    absWorkingDir: path.resolve(import.meta.dirname, '..'),
  });
  return import(pathToFileURL(out).href);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { startLab } = await loadLab();
  const lab = await startLab();
  for (const k of ['TRIMTAB_CONFIG_DIR', 'TRIMTAB_HOST']) console.log(`export ${k}=${lab.env[k]}`);
  console.log(`# ssh -F ${lab.sshConfig} thor   # projects: ${lab.projects('thor')}`);
  process.on('SIGINT', async () => {
    await lab.stop();
    process.exit(0);
  });
  process.on('SIGTERM', async () => {
    await lab.stop();
    process.exit(0);
  });
  setInterval(() => {}, 1 << 30);
}
