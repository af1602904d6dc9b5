// What a Claude Code agent is doing, read from its tmux pane. Pure: the caller captures the
// screen (`tmux capture-pane -p`) and the pane facts (`#{pane_dead}`, `#{pane_current_command}`).

export type AgentStatus = 'working' | 'waiting' | 'idle' | 'exited' | 'unknown';

export interface PaneFacts {
  /** `#{pane_dead}` is 1: the program ended and the pane is kept (remain-on-exit). */
  dead: boolean;
  /** `#{pane_current_command}`: argv[0] of the pane's foreground process. */
  command: string;
}

/**
 * Everything that depends on how Claude Code draws its screen, in one table. It changes between
 * releases: when a release draws something new, add its captured screen to
 * test/fixtures/corpus/<source>/ (with its cases.json entry) and adjust the marker here.
 * Releases named below are the ones whose captures in that corpus show the marker.
 * `? for shortcuts` shows in every state (idle, working, under a draft): it means nothing.
 */
export const SCREEN = {
  // Only the bottom of the screen is "now"; text above it scrolled up from earlier turns.
  recentLines: 25,
  // A typed draft with newlines makes the input box taller.
  maxDraftLines: 12,
  // Without an input box on screen, a working hint counts only this close to the bottom.
  bottomLines: 8,

  // Input box, 2.0 to 2.1.222: a prompt line between two full-width rules
  //   ────────────
  //   ❯ draft text        (`>` before 2.1; `!` in bash mode, 2.1.12 and 2.1.29)
  //   ────────────
  rule: /^\s*─{3,}[^│╭╮╰╯]*$/u,
  prompt: /^[❯>!](?:\s.*)?$/u,
  // Input box, 1.x: ╭───╮ / │ > draft │ / ╰───╯
  boxTop: /^\s*╭─{3,}╮\s*$/u,
  boxPrompt: /^\s*│\s[❯>!](?:\s.*)?│\s*$/u,
  boxLine: /^\s*│.*│\s*$/u,
  boxBottom: /^\s*╰─{3,}╯\s*$/u,

  // A prompt from the agent that replaced the input box: it waits for an answer.
  waiting: [
    /Do you want to proceed\?/, // Bash and other tools, every release
    /Do you want to make this edit/, // Edit: "Do you want to make this edit to foo.ts?"
    /Do you want to create /, // Write: "Do you want to create foo.ts?"
    /Would you like to proceed\?/, // plan mode, 2.1.19 to 2.1.211
    /^\s*Exit plan mode\?\s*$/, // plan mode exit, 2.1.19
    /Do you trust the files in this folder\?/, // startup trust dialog, 1.x to 2.1.12
    /Yes, I trust this folder/, // startup trust dialog, 2.1.22 and 2.1.29: "❯ 1. Yes, I trust this folder"
    /No, and tell Claude what to do differently/, // last option of every permission prompt, 1.x
    /Type here to tell Claude what to do differently/, // last option, 2.1.2
    /requires confirmation for this command/, // a PreToolUse hook or permission rule asks, 2.1.19
    /^\s*(?:←\s+)?☐ /u, // AskUserQuestion header chip: "☐ Features" (2.1.2), "←  ☐ Current Pain  ✔ Submit  →"
    /Enter to select · (?:↑\/↓|Tab\/Arrow keys) to navigate/, // AskUserQuestion footer, 2.1.2 to 2.1.328
    /Make auto mode your default permission mode\?/, // start-up dialog, 2.1.328 (registry: "dialog open")
  ],
  // Panels the user opened with a slash command (/model, /config, /hooks, /export, /help,
  // /tasks): they replace the input box like a prompt does, but the agent asks nothing.
  // Checked after `waiting` and before `menuOption`.
  userPanels: [
    /^\s*Select model\s*$/, // /model, 2.1.12 and 2.1.29
    /^\s*Toggle thinking mode\s*$/, // /config thinking, 2.1.12 and 2.1.29
    /^\s*Hooks\s*$/, // /hooks, 2.1.12 and 2.1.29
    / - Tool Matchers\s*$/, // /hooks, one event picked
    /^\s*│?\s*Export Conversation\b/, // /export, both steps
    /^\s*│?\s*Background tasks\b/, // /tasks
    /For more help: https:\/\/\S+/, // /help, every tab
    /Enter to confirm · esc(?:ape)? to exit\s*$/i, // footer of /model and thinking mode
    /↑\/↓ to select · Enter to view · Esc to close/, // footer of /tasks
  ],
  // The selected option of any other menu: a prompt this table does not know yet. Safer read
  // as waiting (someone should look) than as idle. Numbered, "❯ 1. Yes" (every release), or
  // unnumbered and indented, " ❯ No, exit" (2.1.328 trust and start-up dialogs); the input box's
  // own "❯" sits at column 0.
  menuOption: /^\s*│?\s*❯\s*\d+\.\s+\S|^\s+❯\s+\S/u,
  // tmux (remain-on-exit) writes this over a pane whose program ended: "Pane is dead (status 0,
  // Sun Nov 29 12:47:51 2026)" after /exit, "(signal 9, ...)" after kill -9.
  deadPane: /^Pane is dead \((?:status|signal) \d+\b/,

  // The spinner line while Claude works, e.g. "✻ Thinking… (12s · ↑ 1.2k tokens · esc to
  // interrupt)" (2.1.19), "✳ Simplifying recompute_tangents… (2m 18s · ↓ 4.8k tokens)" (early
  // 2026), "· Swirling…" (2.1.29). Its glyph cycles through ✳✽✶✻✢· (and * on plain terminals).
  // The verb ends in "…", or is followed by its "(time · tokens)" counter.
  // After a turn the same glyph starts the summary, "✻ Worked for 1m 52s", "✻ Churned for 0s ·
  // done 11:35 AM" (2.1.328), "✻ Conversation compacted (ctrl+o for history)": no "…" and no
  // counter, so finished.
  spinner: /^\s?[✳✽✶✻✢·*]\s[^\s…][^…]{0,80}(?:…|\s\((?:[^()]*\d+s\b|[^()]*\btokens\b)[^()]*\))/u,
  // The interrupt hint in the spinner's "(…)": "(esc to interrupt · 2s)", "(Esc to interrupt · …)".
  interruptInParens: /\([^()]*\b(?:esc|ctrl\+c) to interrupt\b[^()]*\)/i,
  // The interrupt hint in the footer below the box, alone or after the mode: "  esc to interrupt",
  // "  ⏸ plan mode on (shift+tab to cycle) · esc to interrupt" (2.1.29), "5 files +0 -0 · esc to
  // interrupt" (2.1.23). Anchored to the line's start or a "·" so prose cannot match it.
  footerInterrupt: /(?:^\s*|·\s+)(?:esc|ctrl\+c) to interrupt\b/i,
  // A running tool or subagent offers to move to the background; gone once it finishes.
  // "ctrl+b to run in background" (Explore/Task agents, late 2025), "ctrl+b ctrl+b (twice) to
  // run in background" (Bash inside tmux, 2.1.23). A line of its own, never prose.
  background: /^\s*(?:⎿\s+)?ctrl\+b (?:ctrl\+b \(twice\) )?to run in background\s*$/iu,
  // Where the transcript's last entry starts: looking up from the box, the spinner comes first.
  // `●`/`⏺` is a message or tool call; `>`/`❯` at column 0 echoes the user's prompt.
  entryStart: /^(?:[●⏺]|[>❯]\s)/u,

  // A shell prompt on the last line: the agent quit and left its last screen above it.
  shellPrompt: [
    /^[\w.-]+@[\w.-]+[:\s].*[$#%>](?:\s.*)?$/, // mac@thor:~/x$   mac@thor ~/x>  (fish)
    /^\[[^\]]*@[^\]]*\][$#%](?:\s.*)?$/, // [mchughson@fedora trimtab]$
    /^(?:ba|z|k|da|tc)?sh-[\d.]+[$#%](?:\s.*)?$/, // bash-5.2$
    /^[$#%](?:\s.*)?$/, // $  (PS1='$ ')
  ],
};

// Shells a pane falls back to when the agent quits; a login shell shows as `-bash`.
const SHELLS = new Set([
  'sh',
  'bash',
  'zsh',
  'fish',
  'dash',
  'ash',
  'ksh',
  'mksh',
  'pdksh',
  'tcsh',
  'csh',
  'nu',
  'elvish',
  'xonsh',
]);

export interface Box {
  top: number;
  bottom: number;
}

/** Status from the screen alone. Never 'exited': only the pane facts can tell that. */
export function classifyScreen(screen: string): AgentStatus {
  const all = screenLines(screen);
  const last = all.at(-1);
  if (last === undefined) return 'unknown';
  if (SCREEN.shellPrompt.some((re) => re.test(last))) return 'unknown';

  // The box and any prompt are in the recent lines; the spinner may sit above them, on top of
  // a long task list, so the live part of the transcript is read from the whole screen.
  const start = Math.max(0, all.length - SCREEN.recentLines);
  const lines = all.slice(start);
  const box = findInputBox(lines);
  // A prompt counts only below the current input box: one above it was answered long ago.
  const below = box ? lines.slice(box.bottom + 1) : lines;
  const any = (res: RegExp[]) => below.some((l) => res.some((re) => re.test(l)));
  if (any(SCREEN.waiting)) return 'waiting';
  if (any(SCREEN.userPanels)) return 'idle';
  if (below.some((l) => SCREEN.menuOption.test(l))) return 'waiting';

  if (box) {
    const live = liveLines(all, start + box.top);
    if (live.some((l) => SCREEN.spinner.test(l) || SCREEN.interruptInParens.test(l) || SCREEN.background.test(l)))
      return 'working';
    if (below.some((l) => SCREEN.spinner.test(l) || SCREEN.footerInterrupt.test(l))) return 'working';
    return 'idle';
  }
  const bottom = liveLines(lines, lines.length).slice(-SCREEN.bottomLines);
  const hint = (l: string) =>
    SCREEN.spinner.test(l) ||
    SCREEN.interruptInParens.test(l) ||
    SCREEN.footerInterrupt.test(l) ||
    SCREEN.background.test(l);
  if (bottom.some(hint)) return 'working';
  return 'unknown';
}

/** Status of an agent's pane: a dead pane, or a shell back in charge, means the agent exited. */
export function classifyPane(screen: string, pane: PaneFacts): AgentStatus {
  if (pane.dead || SCREEN.deadPane.test(screenLines(screen).at(-1) ?? '')) return 'exited';
  const status = classifyScreen(screen);
  if (status === 'unknown' && isShell(pane.command)) return 'exited';
  return status;
}

/**
 * Whether `#{pane_current_command}` can be Claude Code: `claude` (npm bin), `node` (run
 * through node), or a bare version like `2.1.34` (native installs run
 * `~/.local/share/claude/versions/2.1.34`).
 */
export function isClaudeCommand(command: string): boolean {
  const name = commandName(command);
  return name === 'claude' || name === 'node' || /^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(name);
}

/** Whether the screen shows Claude Code's input box, one of its prompts, or its spinner. */
export function looksLikeClaude(screen: string): boolean {
  return classifyScreen(screen) !== 'unknown';
}

export function isShell(command: string): boolean {
  return SHELLS.has(commandName(command));
}

/** `/usr/bin/bash` -> `bash`, `-bash` (login shell) -> `bash`. */
function commandName(command: string): string {
  return (command.trim().split('/').at(-1) ?? '').replace(/^-/, '');
}

/** The screen's lines without colour codes or trailing blanks, trailing blank lines dropped. */
export function screenLines(screen: string): string[] {
  const lines = screen
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') // in case it was captured with -e
    .split(/\r?\n/)
    .map((l) => l.trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

/** The lowest input box on screen, if any. */
export function findInputBox(lines: string[]): Box | undefined {
  for (let i = lines.length - 1; i > 0; i--) {
    const box = boxAt(lines, i);
    if (box) return box;
  }
  return undefined;
}

/** An input box whose prompt line is `lines[i]`: a rule right above it, a rule below the draft. */
function boxAt(lines: string[], i: number): Box | undefined {
  const above = lines[i - 1] ?? '';
  const line = lines[i] ?? '';
  const plain = SCREEN.rule.test(above) && SCREEN.prompt.test(line);
  const boxed = SCREEN.boxTop.test(above) && SCREEN.boxPrompt.test(line);
  if (!plain && !boxed) return undefined;
  const end = Math.min(lines.length, i + 1 + SCREEN.maxDraftLines);
  for (let j = i + 1; j < end; j++) {
    const l = lines[j] ?? '';
    if (plain && SCREEN.rule.test(l)) return { top: i - 1, bottom: j };
    if (boxed && SCREEN.boxBottom.test(l)) return { top: i - 1, bottom: j };
    if (boxed && !SCREEN.boxLine.test(l)) return undefined;
  }
  return undefined;
}

/**
 * The live part of the transcript above line `end`: its last entry (a message or tool call,
 * which may still be running) and what follows it, where the spinner and its task list live.
 * A task list can run to dozens of lines, so there is no fixed limit besides the recent lines.
 */
function liveLines(lines: string[], end: number): string[] {
  let i = end - 1;
  while (i > 0 && !SCREEN.entryStart.test(lines[i] ?? '')) i--;
  return lines.slice(Math.max(i, 0), end);
}

/**
 * The screen markers a host script needs without this module, each group as one POSIX extended regular
 * expression for grep -E: "waiting" is SCREEN.waiting, else (unless a panel the user opened shows,
 * SCREEN.userPanels) SCREEN.menuOption, over the lines below the input box, in the order
 * classifyScreen checks them; "working" is the footer's interrupt hint. Derived from the table, so a
 * marker changed there reaches the hosts too. The table uses only syntax with a POSIX spelling;
 * anything else throws (when a delivery asks, so the rest of trimtab keeps working) rather than
 * matching differently on a host.
 */
export const screenEres = (): { waiting: string; panels: string; option: string; working: string } => ({
  waiting: SCREEN.waiting.map(posixEre).join('|'),
  panels: SCREEN.userPanels.map(posixEre).join('|'),
  option: posixEre(SCREEN.menuOption),
  working: posixEre(SCREEN.footerInterrupt),
});

function posixEre(re: RegExp): string {
  if (/[^ui]/.test(re.flags)) throw new Error(`status.ts: flags /${re.flags} of /${re.source}/ have no POSIX spelling`);
  return toPosixEre(re.source, re.flags.includes('i'));
}

/**
 * One JavaScript regex source as POSIX ERE: `(?:` groups, `\s`/`\S`/`\d` classes, `\b`, escaped punctuation,
 * the `i` flag as `[aA]` brackets.
 * Each non-ASCII character becomes a group of its own: a host's grep may run in the C locale, where
 * `│?` would make only the last byte of `│` optional.
 */
function toPosixEre(source: string, ignoreCase: boolean): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = String.fromCodePoint(source.codePointAt(i)!);
    i += c.length - 1;
    if (source.startsWith('(?:', i)) {
      out += '(';
      i += 2;
    } else if (c === '\\') {
      const n = source[++i] ?? '';
      if (n === 's') out += '[[:space:]]';
      else if (n === 'S') out += '[^[:space:]]';
      else if (n === 'd') out += '[0-9]';
      // A word boundary: after a word character, a non-word character or the end; before one, the reverse.
      // It then spans one character, which does not change whether a line matches.
      else if (n === 'b') out += /\w$/.test(source.slice(0, i - 1)) ? '([^[:alnum:]_]|$)' : '(^|[^[:alnum:]_])';
      else if (n === '/') out += '/';
      else if (n === 'u') {
        // A bundler may write non-ASCII characters as \uXXXX or \u{X...}.
        const m = /^\{([0-9a-fA-F]+)\}|^[0-9a-fA-F]{4}/.exec(source.slice(i + 1));
        if (!m) throw new Error(`status.ts: a bad \\u escape in /${source}/`);
        out += `(${String.fromCodePoint(parseInt(m[1] ?? m[0], 16))})`;
        i += m[0].length;
      } else if ('.?*+()[]{}|^$\\'.includes(n)) out += `\\${n}`;
      else throw new Error(`status.ts: no POSIX spelling for \\${n} in /${source}/`);
    } else if (c === '[' || source.startsWith('(?', i)) {
      throw new Error(`status.ts: a bracket or group in /${source}/ needs a POSIX spelling`);
    } else if (ignoreCase && /[a-z]/i.test(c)) out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    else out += c.charCodeAt(0) > 0x7f ? `(${c})` : c;
  }
  return out;
}
