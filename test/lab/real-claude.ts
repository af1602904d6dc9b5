/**
 * The real Claude Code in the lab: the pinned npm release, run in a tmux pane of a lab host against
 * the stand-in API (fake-api.ts), with its config in a private CLAUDE_CONFIG_DIR (never the
 * developer's ~/.claude). Checked on 2.1.328: CLAUDE_CONFIG_DIR moves both the global config
 * (`.claude.json`, which otherwise lives at ~/.claude.json) and the per-process registry
 * (`sessions/<pid>.json`), so the host-side rule is `${CLAUDE_CONFIG_DIR:-$HOME/.claude}/sessions`.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execaSync } from 'execa';
import { shQuote } from '../../src/core/quote.js';
import type { FakeApi } from './fake-api.js';
import type { Lab, LabHost } from './lab.js';

export const CLAUDE_VERSION = '2.1.328';

/**
 * Where scripts/test-setup.sh installs the pinned release (the same rule is written there):
 * $TRIMTAB_LAB_CLAUDE, else ${XDG_CACHE_HOME:-$HOME/.cache}/trimtab-lab/claude-code-VERSION.
 */
function labClaudePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRIMTAB_LAB_CLAUDE) return env.TRIMTAB_LAB_CLAUDE;
  const cache = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cache, 'trimtab-lab', `claude-code-${CLAUDE_VERSION}`, 'node_modules', '.bin', 'claude');
}

/** The binary, checked to answer `--version` with the pinned release; a clear error otherwise (never a skip). */
export function requireLabClaude(): string {
  const bin = labClaudePath();
  const r = existsSync(bin) ? execaSync(bin, ['--version'], { reject: false, timeout: 30_000 }) : undefined;
  if (r?.exitCode !== 0 || !r.stdout.includes(CLAUDE_VERSION)) {
    throw new Error(
      `the lab needs Claude Code ${CLAUDE_VERSION} at ${bin}: run \`bash scripts/test-setup.sh\` (or set TRIMTAB_LAB_CLAUDE)`,
    );
  }
  return bin;
}

/** Any key works against the stand-in; its last 20 characters mark it approved in `.claude.json`. */
const LAB_API_KEY = 'sk-ant-lab-0000-trimtab-lab-key-not-a-secret';

/**
 * The first-run config: onboarding done, the key approved, `trusted` dirs past the trust dialog
 * (leave a dir out to get the real dialog). Permission mode "default" comes from the command line
 * (2.1.328 otherwise starts in "auto mode", where the model judges each tool call and no prompt appears).
 */
export function writeClaudeConfig(
  configDir: string,
  trusted: string[],
  opts: { defaultModeInSettings?: boolean } = {},
): void {
  mkdirSync(configDir, { recursive: true });
  const projects = Object.fromEntries(trusted.map((d) => [d, { hasTrustDialogAccepted: true }]));
  const config = {
    hasCompletedOnboarding: true,
    customApiKeyResponses: { approved: [LAB_API_KEY.slice(-20)], rejected: [] },
    projects,
  };
  writeFileSync(path.join(configDir, '.claude.json'), JSON.stringify(config, null, 2));
  // `permissions.defaultMode: "default"` in settings.json makes 2.1.328 open a dialog at start
  // ("Make auto mode your default permission mode?", registry: waiting / "dialog open"); the
  // `--permission-mode default` flag that claudeCommand passes does not. Only the corpus wants the dialog.
  if (opts.defaultModeInSettings) {
    writeFileSync(
      path.join(configDir, 'settings.json'),
      JSON.stringify({ permissions: { defaultMode: 'default' } }, null, 2),
    );
  }
}

/**
 * The environment that keeps Claude Code on loopback. Besides the documented switches, a fresh config
 * dir makes 2.1.328 clone the official plugin marketplace from github.com (git over https and ssh,
 * seen with strace), even with CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: the last switch stops that.
 */
export function claudeEnv(api: FakeApi, configDir: string): Record<string, string> {
  return {
    CLAUDE_CONFIG_DIR: configDir,
    ANTHROPIC_BASE_URL: api.url,
    ANTHROPIC_API_KEY: LAB_API_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
  };
}

/** The private config dir of one lab host (each host keeps its own, as each machine has its own ~/.claude). */
export const claudeConfigDir = (lab: Lab, host: LabHost) => path.join(lab.dir, host, 'claude-config');

/** The shell command a pane runs: `env K=V ... claude --permission-mode default`, every word quoted (`plan` mode offers ExitPlanMode). */
export function claudeCommand(env: Record<string, string>, bin = labClaudePath(), permissionMode = 'default'): string {
  const words = ['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), bin, '--permission-mode', permissionMode];
  return words.map(shQuote).join(' ');
}

export interface ClaudePane {
  host: LabHost;
  /** tmux pane id, e.g. `%3`. */
  pane: string;
  /** The pane's process (the agent itself: a one-command shell line is exec'd). */
  pid: number;
  window: string;
}

/**
 * Start Claude Code in a new window `name` of session `agents` on a lab host's socket, at `cols`
 * columns, with remain-on-exit on (as trimtab spawns agents), and wait for its input box.
 */
export async function startClaude(
  lab: Lab,
  host: LabHost,
  opts: {
    api: FakeApi;
    cwd: string;
    name: string;
    cols: number;
    rows?: number;
    configDir?: string;
    ready?: RegExp;
    permissionMode?: string;
  },
): Promise<ClaudePane> {
  const configDir = opts.configDir ?? claudeConfigDir(lab, host);
  const cmd = claudeCommand(claudeEnv(opts.api, configDir), labClaudePath(), opts.permissionMode);
  const size = ['-x', String(opts.cols), '-y', String(opts.rows ?? 30)];
  const has = await lab.tmux(host, ['has-session', '-t', '=agents']);
  const fmt = ['-P', '-F', '#{pane_id} #{pane_pid}'];
  const r =
    has.exitCode === 0
      ? await lab.tmux(host, ['new-window', '-d', ...fmt, '-t', '=agents:', '-n', opts.name, '-c', opts.cwd, cmd])
      : await lab.tmux(host, [
          'new-session',
          '-d',
          ...fmt,
          '-s',
          'agents',
          '-n',
          opts.name,
          ...size,
          '-c',
          opts.cwd,
          cmd,
        ]);
  if (r.exitCode !== 0) throw new Error(`tmux could not start claude: ${r.stderr}`);
  const [pane = '', pid = '0'] = r.stdout.trim().split(' ');
  await lab.tmux(host, ['set-option', '-w', '-t', pane, 'remain-on-exit', 'on']);
  // A window of a session made at another size: make this one the size asked for.
  await lab.tmux(host, ['resize-window', '-t', pane, ...size]);
  const cp: ClaudePane = { host, pane, pid: Number(pid), window: opts.name };
  await waitForScreen(lab, cp, opts.ready ?? /^❯/m, 'claude input box', 60_000);
  return cp;
}

/** `#{pane_dead}`: the pane's program ended and remain-on-exit kept the pane. */
export async function paneDead(lab: Lab, cp: ClaudePane): Promise<boolean> {
  const r = await lab.tmux(cp.host, ['display-message', '-p', '-t', cp.pane, '#{pane_dead}']);
  return r.stdout.trim() === '1';
}

export async function screen(lab: Lab, cp: ClaudePane): Promise<string> {
  return (await lab.tmux(cp.host, ['capture-pane', '-p', '-t', cp.pane])).stdout;
}

/** Poll the pane until the screen matches; generous deadlines (2-core machines run several labs at once). */
export async function waitForScreen(
  lab: Lab,
  cp: ClaudePane,
  want: RegExp | ((s: string) => boolean),
  what: string,
  ms = 45_000,
): Promise<string> {
  const until = Date.now() + ms;
  const ok = typeof want === 'function' ? want : (s: string) => want.test(s);
  let last = '';
  while (Date.now() < until) {
    last = await screen(lab, cp);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; the screen:\n${last}`);
}

/** The input box's line, trimmed: `❯` alone when nothing was typed into it. */
export const inputBox = (s: string) =>
  s
    .split('\n')
    .filter((l) => /^\s*❯/u.test(l))
    .at(-1)
    ?.trim();

/** Wait until the agent is idle: an empty input box, no turn running, no prompt up. */
export const waitIdle = (lab: Lab, cp: ClaudePane, ms = 60_000) =>
  waitForScreen(
    lab,
    cp,
    (s) => inputBox(s) === '❯' && !/esc to interrupt/i.test(s) && !/Esc to cancel/.test(s),
    'the agent idle',
    ms,
  );

/** Type text as the user does: literally, then Enter as a separate key press (a burst reads as a newline). */
export async function typeLine(lab: Lab, cp: ClaudePane, text: string): Promise<void> {
  await lab.tmux(cp.host, ['send-keys', '-t', cp.pane, '-l', '--', text]);
  await new Promise((r) => setTimeout(r, 400));
  await lab.tmux(cp.host, ['send-keys', '-t', cp.pane, 'Enter']);
}

export async function pressKeys(lab: Lab, cp: ClaudePane, ...keys: string[]): Promise<void> {
  await lab.tmux(cp.host, ['send-keys', '-t', cp.pane, ...keys]);
}

export function registryEntry(configDir: string, pid: number): Record<string, unknown> | undefined {
  const f = path.join(configDir, 'sessions', `${pid}.json`);
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined; // caught mid-write
  }
}
