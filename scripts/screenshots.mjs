// Regenerate the README's menu captures from the real Claude Code: start the lab (real sshd, private tmux
// servers) and the pinned Claude Code release against the lab's stand-in API, run the built menu in a
// real 40x20 tmux pane, drive it with send-keys, save what capture-pane shows to docs/screens/*.txt.
//   bash scripts/test-setup.sh && npm run build && node scripts/screenshots.mjs

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'docs/screens');
mkdirSync(out, { recursive: true });

// The lab, the real Claude Code helpers and the stand-in API, bundled as one module (bare imports such
// as execa stay external and resolve from node_modules).
const bundle = path.join(root, 'node_modules/.cache/trimtab/screenshots-lab.mjs');
await build({
  stdin: {
    contents: [
      "export * from './test/lab/lab.ts';",
      "export * from './test/lab/real-claude.ts';",
      "export * from './test/lab/fake-api.ts';",
      "export * from './test/lab/pane.ts';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'error',
  absWorkingDir: root,
});
const L = await import(pathToFileURL(bundle).href);

L.requireLabClaude();
const lab = await L.startLab();
const api = await L.startFakeApi();
/** The phone: the built menu in a 40x20 terminal, started once the agents are in place. */
let menu;
const until = (text) => menu.waitFor(text);
const save = async (name) => writeFileSync(path.join(out, name), `${(await menu.screen()).replace(/\s+$/, '')}\n`);
try {
  const agents = [
    ['thor', 'gridplay-v1'],
    ['thor', 'notes'],
    ['here', 'dotfiles'],
  ];
  for (const host of new Set(agents.map(([h]) => h))) {
    L.writeClaudeConfig(
      L.claudeConfigDir(lab, host),
      agents.filter(([h]) => h === host).map(([, p]) => lab.mkProject(host, p)),
    );
  }
  const started = {};
  for (const [host, project] of agents) {
    started[project] = await L.startClaude(lab, host, {
      api,
      cwd: path.join(lab.projects(host), project),
      name: project,
      cols: 80,
    });
  }
  await L.typeLine(lab, started['gridplay-v1'], 'lab:bash npm test -- --run src/board');
  await L.waitForScreen(lab, started['gridplay-v1'], /Esc to cancel/, 'the Bash prompt');
  await L.typeLine(lab, started.notes, 'lab:slow 300');
  await L.waitForScreen(lab, started.notes, /esc to interrupt/, 'notes working');
  menu = await L.Pane.start(
    `${lab.socket('here')}-shots`,
    `${process.execPath} ${path.join(root, 'dist/trimtab.mjs')} menu`,
    lab.env,
    { pass: /^TRIMTAB_|^PATH$|^HOME$|^LANG$/, waitMs: 30_000 },
  );
  await until('asleep offline');
  await until('3 agents');
  await until('updated');
  await save('main.txt');
  await menu.keys('1');
  await until('Bash command');
  await save('agent.txt');
  await menu.keys('p');
  await until(' · peek · ');
  await save('peek.txt');
  console.log(`wrote ${out}/main.txt, agent.txt and peek.txt`);
} finally {
  await menu?.stop();
  await api.close();
  await lab.stop();
}
