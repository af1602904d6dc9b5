// Regenerate the README's menu captures: start the lab, run the built menu in a real 40x20 tmux pane,
// drive it with send-keys, save what capture-pane shows to docs/screens/*.txt.
//   npm run build && node scripts/screenshots.mjs
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadLab } from './lab.mjs';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'docs/screens');
mkdirSync(out, { recursive: true });
const { startLab, eventually, CLI } = await loadLab();
const lab = await startLab();
const socket = `${lab.socket('here')}-shots`;
const tmux = (...a) => execa('tmux', ['-L', socket, ...a], { reject: false });
const screen = async () => (await tmux('capture-pane', '-p')).stdout.replace(/\s+$/, '');
const until = (text) => eventually(async () => (await screen()).includes(text), text, 20_000);
try {
  for (const [host, project] of [['thor', 'gridplay-v1'], ['thor', 'notes'], ['here', 'dotfiles'], ['fedora', 'blog']]) {
    lab.mkProject(host, project);
    await lab.trimtab(['spawn', '--on', host, project, '--no-attach']);
  }
  await eventually(() => lab.agentLog('fedora', 'blog').length > 0, 'agents');
  await lab.trimtab(['send', 'thor:gridplay-v1', '/ask']);
  await lab.trimtab(['send', 'thor:notes', '/work 60']);
  const env = Object.entries(lab.env).filter(([k]) => /^TRIMTAB_|^PATH$/.test(k)).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  await tmux('-f', '/dev/null', 'new-session', '-d', '-x', '40', '-y', '20', ...env, `${process.execPath} ${CLI} menu`);
  await until('asleep offline');
  await until('4 agents');
  writeFileSync(path.join(out, 'main.txt'), `${await screen()}\n`);
  await tmux('send-keys', '1');
  await until('approve (1)');
  writeFileSync(path.join(out, 'agent.txt'), `${await screen()}\n`);
  console.log(`wrote ${out}/main.txt and agent.txt`);
} finally {
  await tmux('kill-server');
  await lab.stop();
}
