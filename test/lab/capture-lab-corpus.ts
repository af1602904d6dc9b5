/**
 * Captures the real Claude Code's screens in every state and prompt kind, at 40, 80, 120 and 200
 * columns, into test/fixtures/corpus/lab-VERSION/, and registry files into test/fixtures/registry/.
 * Run by hand when the pinned release changes (bundle first: it imports TypeScript):
 *   npx esbuild test/lab/capture-lab-corpus.ts --bundle --platform=node --format=esm --outfile=/tmp/cap.mjs && node /tmp/cap.mjs
 * It writes captured.json (file, cols, expected status); cases.json adds the expected prompt, read off
 * the screens. CAPTURE_SCENES=states,plan,tool,questions and CAPTURE_WIDTHS=40,80 pick what to capture.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execaSync } from 'execa';
import { startFakeApi } from './fake-api.js';
import { eventually, type Lab, startLab } from './lab.js';
import {
  CLAUDE_VERSION,
  type ClaudePane,
  claudeConfigDir,
  paneDead,
  pressKeys,
  registryEntry,
  requireLabClaude,
  screen,
  startClaude,
  typeLine,
  waitForScreen,
  writeClaudeConfig,
} from './real-claude.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), process.env.CAPTURE_ROOT ?? '../..');
const corpus = path.join(ROOT, `test/fixtures/corpus/lab-${CLAUDE_VERSION}`);
const registryDir = path.join(ROOT, 'test/fixtures/registry');
const WIDTHS = (process.env.CAPTURE_WIDTHS ?? '40,80,120,200').split(',').map(Number);

const cases: Array<{ file: string; status: string; cols: number }> = [];
async function save(lab: Lab, cp: ClaudePane, name: string, status: string, cols: number): Promise<string> {
  const s = await screen(lab, cp);
  const file = `${name}-${cols}.txt`;
  writeFileSync(path.join(corpus, file), s.endsWith('\n') ? s : `${s}\n`);
  cases.push({ file, status, cols });
  console.log(`saved ${file}`);
  return s;
}
function saveRegistry(configDir: string, pid: number, name: string): void {
  const e = registryEntry(configDir, pid);
  if (e) writeFileSync(path.join(registryDir, `${name}.json`), `${JSON.stringify(e)}\n`);
  console.log(`registry ${name}: ${JSON.stringify({ status: e?.status, waitingFor: e?.waitingFor })}`);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Wait for a screen, let it settle, save it as a waiting case. */
async function shot(cp: ClaudePane, until: RegExp, name: string, cols: number): Promise<void> {
  await waitForScreen(lab, cp, until, name);
  await sleep(800);
  await save(lab, cp, name, 'waiting', cols);
}
const PROMPT_GONE = (s: string) => !/Esc to cancel|Enter to select/.test(s);
const INPUT = /^❯\s*$/m;

requireLabClaude();
mkdirSync(corpus, { recursive: true });
mkdirSync(registryDir, { recursive: true });
const lab = await startLab();
const api = await startFakeApi();
try {
  const projects = WIDTHS.map((c) => lab.mkProject('here', `w${c}`));
  const untrusted = WIDTHS.map((c) => lab.mkProject('here', `untrusted${c}`));
  const scenes = new Set((process.env.CAPTURE_SCENES ?? 'states,plan,tool,questions').split(','));
  /** A scene's own agent: a config dir and project of its own, its window in front. */
  const sceneAgent = async (scene: string, project: string, cols: number, extra: { permissionMode?: string } = {}) => {
    const configDir = `${claudeConfigDir(lab, 'here')}-${scene}-${cols}`;
    const cwd = lab.mkProject('here', project);
    writeClaudeConfig(configDir, [cwd]);
    const cp = await startClaude(lab, 'here', { api, configDir, cwd, name: project, cols, ...extra });
    await lab.tmux('here', ['select-window', '-t', cp.pane]);
    return { configDir, cp };
  };
  for (const [i, cols] of WIDTHS.entries()) {
    const first = i === 0;
    if (scenes.has('plan')) {
      // The plan approval: plan mode offers ExitPlanMode, which the stand-in calls on `lab:plan`.
      const { configDir: planDir, cp: pp } = await sceneAgent('plan', `p${cols}`, cols, { permissionMode: 'plan' });
      await typeLine(lab, pp, 'lab:plan');
      await waitForScreen(lab, pp, /Exit plan mode\?/, 'plan approval');
      await sleep(1500);
      await save(lab, pp, 'waiting-plan', 'waiting', cols);
      if (first) saveRegistry(planDir, pp.pid, 'waiting-plan');
      await lab.tmux('here', ['kill-pane', '-t', pp.pane]);
    }
    if (scenes.has('tool')) {
      // Working while an approved command runs (no text streaming, only the tool's progress).
      const { configDir: toolDir, cp: rp } = await sceneAgent('tool', `r${cols}`, cols);
      // 2.1.328 runs `sleep` without asking (a read-only command); a prompt, if any, is approved.
      await typeLine(lab, rp, 'lab:bash sleep 15');
      const s = await waitForScreen(lab, rp, /Esc to cancel|esc to interrupt/, 'the command to start');
      if (/Esc to cancel/.test(s)) await pressKeys(lab, rp, /(\d+)\. Yes\s*$/m.exec(s)?.[1] ?? '1');
      await sleep(4000);
      await save(lab, rp, 'working-tool', 'working', cols);
      if (first) saveRegistry(toolDir, rp.pid, 'busy-tool');
      await lab.tmux('here', ['kill-pane', '-t', rp.pane]);
    }
    if (scenes.has('questions')) {
      // AskUserQuestion with several answers allowed (a digit toggles a box; Submit is a row with
      // no number, then a review), and with two questions (a tab each, then the review).
      const { configDir: qDir, cp: qp } = await sceneAgent('q', `q${cols}`, cols);
      await typeLine(lab, qp, 'lab:ask-multi');
      await waitForScreen(lab, qp, /Enter to select/, 'multi-select question');
      await sleep(800);
      await save(lab, qp, 'waiting-ask-multi', 'waiting', cols);
      if (first) saveRegistry(qDir, qp.pid, 'waiting-question-multi');
      await pressKeys(lab, qp, '1');
      await sleep(700);
      await pressKeys(lab, qp, '3');
      await sleep(1200);
      await save(lab, qp, 'waiting-ask-multi-toggled', 'waiting', cols);
      for (const key of ['Down', 'Down', 'Down', 'Down']) await pressKeys(lab, qp, key);
      await sleep(1200);
      await save(lab, qp, 'waiting-ask-multi-on-submit', 'waiting', cols);
      await pressKeys(lab, qp, 'Enter');
      await shot(qp, /Review your answers/, 'waiting-ask-multi-review', cols);
      await pressKeys(lab, qp, '1');
      await waitForScreen(lab, qp, (s) => PROMPT_GONE(s) && INPUT.test(s) && !/esc to interrupt/.test(s), 'answered');

      await typeLine(lab, qp, 'lab:ask-two');
      await shot(qp, /Enter to select/, 'waiting-ask-two', cols);
      await pressKeys(lab, qp, '2');
      await shot(qp, /How big should the lab be\?/, 'waiting-ask-two-second', cols);
      await pressKeys(lab, qp, '1');
      await shot(qp, /Review your answers/, 'waiting-ask-two-review', cols);
      await pressKeys(lab, qp, '1');
      await waitForScreen(lab, qp, (s) => PROMPT_GONE(s) && INPUT.test(s) && !/esc to interrupt/.test(s), 'answered');
      await lab.tmux('here', ['kill-pane', '-t', qp.pane]);
    }
    if (!scenes.has('states')) continue;
    // A config dir per width: a kill -9 leaves a marker that changes the next start's screen.
    const configDir = `${claudeConfigDir(lab, 'here')}-${cols}`;
    writeClaudeConfig(configDir, [projects[i]!, lab.mkProject('here', `k${cols}`)]);
    const cp = await startClaude(lab, 'here', { api, configDir, cwd: projects[i]!, name: `w${cols}`, cols });
    if (!first) await lab.tmux('here', ['select-window', '-t', cp.pane]);
    await sleep(1500); // the start-up hints settle
    await save(lab, cp, 'idle-fresh', 'idle', cols);
    if (first) saveRegistry(configDir, cp.pid, 'idle');

    await typeLine(lab, cp, 'lab:slow 12');
    await waitForScreen(lab, cp, /esc to interrupt/, 'working');
    await sleep(2500);
    await save(lab, cp, 'working-slow', 'working', cols);
    if (first) saveRegistry(configDir, cp.pid, 'busy');
    await waitForScreen(lab, cp, (s) => !/esc to interrupt/.test(s), 'slow reply done', 60_000);
    await sleep(500);
    await save(lab, cp, 'idle-after-reply', 'idle', cols);

    await typeLine(lab, cp, `lab:bash echo "lab ${cols}" > bash-out.txt && ls -la`);
    await waitForScreen(lab, cp, /Esc to cancel/, 'bash prompt');
    await sleep(800);
    await save(lab, cp, 'waiting-bash', 'waiting', cols);
    if (first) saveRegistry(configDir, cp.pid, 'waiting-permission');
    await pressKeys(lab, cp, '1');
    await waitForScreen(
      lab,
      cp,
      (s) => PROMPT_GONE(s) && !/esc to interrupt/.test(s) && /Done: the lab tool ran/.test(s),
      'approved',
    );
    await sleep(500);
    await save(lab, cp, 'idle-after-approve', 'idle', cols);

    await typeLine(lab, cp, `lab:write ${projects[i]!}/notes-from-the-lab-at-${cols}-columns.txt`);
    await waitForScreen(lab, cp, /Esc to cancel/, 'write prompt');
    await sleep(800);
    await save(lab, cp, 'waiting-write', 'waiting', cols);
    if (first) saveRegistry(configDir, cp.pid, 'waiting-write');
    await pressKeys(lab, cp, 'Escape');
    await waitForScreen(lab, cp, (s) => PROMPT_GONE(s) && INPUT.test(s), 'rejected');
    await sleep(800);
    await save(lab, cp, 'idle-after-reject', 'idle', cols);
    if (first) saveRegistry(configDir, cp.pid, 'idle-after-reject');

    await typeLine(lab, cp, 'lab:ask');
    await waitForScreen(lab, cp, /Enter to select/, 'question');
    await sleep(800);
    await save(lab, cp, 'waiting-ask', 'waiting', cols);
    if (first) saveRegistry(configDir, cp.pid, 'waiting-question');
    await pressKeys(lab, cp, '1');
    await sleep(1500);
    const after = await screen(lab, cp);
    if (/Submit|Review your answers/i.test(after)) {
      await save(lab, cp, 'waiting-ask-review', 'waiting', cols);
      await pressKeys(lab, cp, 'Enter');
    }
    await waitForScreen(
      lab,
      cp,
      (s) => PROMPT_GONE(s) && INPUT.test(s) && !/esc to interrupt/.test(s),
      'answered',
      30_000,
    );
    await sleep(500);
    await save(lab, cp, 'idle-after-answer', 'idle', cols);

    await typeLine(lab, cp, '/model');
    await sleep(2500);
    await save(lab, cp, 'idle-model-picker', 'idle', cols);
    if (first) saveRegistry(configDir, cp.pid, 'model-picker');
    await pressKeys(lab, cp, 'Escape');
    await waitForScreen(lab, cp, INPUT, 'picker closed');

    await typeLine(lab, cp, '/exit');
    await eventually(() => paneDead(lab, cp), 'pane dead after /exit', 30_000);
    await sleep(500);
    await save(lab, cp, 'exited-exit', 'exited', cols);

    // The trust dialog: a dir left out of the trusted list.
    const tp = await startClaude(lab, 'here', {
      api,
      configDir,
      cwd: untrusted[i]!,
      name: `t${cols}`,
      cols,
      ready: /trust/i,
    });
    await lab.tmux('here', ['select-window', '-t', tp.pane]);
    await sleep(1500);
    await save(lab, tp, 'waiting-trust', 'waiting', cols);
    if (first) saveRegistry(configDir, tp.pid, 'waiting-trust');
    await lab.tmux('here', ['kill-pane', '-t', tp.pane]);

    // The dialog that `permissions.defaultMode` in settings.json brings up at start.
    const dialogDir = `${configDir}-dialog`;
    writeClaudeConfig(dialogDir, [projects[i]!], { defaultModeInSettings: true });
    const dp = await startClaude(lab, 'here', {
      api,
      configDir: dialogDir,
      cwd: projects[i]!,
      name: `d${cols}`,
      cols,
      ready: /auto mode your default/,
    });
    await lab.tmux('here', ['select-window', '-t', dp.pane]);
    await sleep(1500);
    await save(lab, dp, 'waiting-automode-dialog', 'waiting', cols);
    if (first) saveRegistry(dialogDir, dp.pid, 'waiting-dialog');
    await lab.tmux('here', ['kill-pane', '-t', dp.pane]);

    // kill -9: the pane stays (remain-on-exit) and the registry file is left behind.
    const kp = await startClaude(lab, 'here', {
      api,
      configDir,
      cwd: path.join(lab.projects('here'), `k${cols}`),
      name: `k${cols}`,
      cols,
    });
    await lab.tmux('here', ['select-window', '-t', kp.pane]);
    await sleep(2500);
    process.kill(kp.pid, 'SIGKILL');
    await eventually(() => paneDead(lab, kp), 'pane dead after kill -9', 30_000).catch(async (e) => {
      console.log(
        execaSync('ps', ['-eo', 'pid,ppid,pgid,stat,args'])
          .stdout.split('\n')
          .filter((l) => /claude|tmux/.test(l))
          .join('\n'),
      );
      throw e;
    });
    await sleep(500);
    await save(lab, kp, 'exited-killed', 'exited', cols);
    if (first) saveRegistry(configDir, kp.pid, 'stale-killed');
  }
  // The expected prompts are added to cases.json by hand, read off these screens.
  writeFileSync(path.join(corpus, 'captured.json'), `${JSON.stringify(cases, null, 2)}\n`);
  console.log(`requests: ${JSON.stringify([...new Set(api.requests().map((r) => `${r.method} ${r.url} ${r.kind}`))])}`);
} finally {
  await api.close();
  await lab.stop();
}
