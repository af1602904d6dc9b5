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
 * Everything that depends on how Claude Code draws its screen. These change between
 * releases (DESIGN.md "Claude Code screens"): update them here and add a captured screen
 * to test/fixtures/panes/ named `<status>-<what>.txt`.
 */
const SCREEN = {
  // Only the bottom of the screen is "now"; text above it scrolled up from earlier turns
  // (DESIGN.md: prefer recent screen lines).
  recentLines: 25,
  // The spinner sits just above the input box, with at most a todo list between them.
  aboveBoxLines: 12,
  // A typed draft with newlines makes the input box taller.
  maxDraftLines: 12,
  // Without an input box on screen, a working hint counts only this close to the bottom.
  bottomLines: 8,

  // Input box, Claude Code 2.x: a prompt line between two full-width rules
  //   ────────────
  //   ❯ draft text        (`>` before 2.1; followed by a space or a NBSP)
  //   ────────────
  rule: /^\s*─{3,}[^│╭╮╰╯]*$/u,
  prompt: /^[❯>](?:\s.*)?$/u,
  // Input box, Claude Code 1.x: ╭───╮ / │ > draft │ / ╰───╯
  boxTop: /^\s*╭─{3,}╮\s*$/u,
  boxPrompt: /^\s*│\s[❯>](?:\s.*)?│\s*$/u,
  boxLine: /^\s*│.*│\s*$/u,
  boxBottom: /^\s*╰─{3,}╯\s*$/u,

  // A permission or choice prompt that replaced the input box (DESIGN.md "waiting for you").
  waiting: [
    /Do you want to proceed\?/, // Bash and other tool permissions
    /Do you want to make this edit/, // Edit: "Do you want to make this edit to foo.ts?"
    /Do you want to create /, // Write: "Do you want to create foo.ts?"
    /Would you like to proceed\?/, // plan mode: "Ready to code? … Would you like to proceed?"
    /Do you trust the files in this folder\?/, // startup trust dialog, 1.x and 2.0
    /Yes, I trust this folder/, // startup trust dialog, 2.1: "❯ 1. Yes, I trust this folder"
    /No, and tell Claude what to do differently/, // last option of every permission prompt
    /^\s*│?\s*❯\s*\d+\.\s+\S/u, // the selected option of any numbered menu: "❯ 1. Yes"
  ],

  // The spinner line while Claude works: "✻ Thinking… (12s · ↑ 1.2k tokens · esc to interrupt)".
  // Its glyph cycles through ✳✽✶✻✢· (and * on plain terminals); the verb always ends in "…".
  // The summary after a turn, "✻ Worked for 1m 52s", has no "…": it means finished.
  spinner: /^\s?[✳✽✶✻✢·*]\s[^\s…][^…]{0,40}…/u,
  // The interrupt hint: in the spinner's "(…)" above the box, or anywhere in the footer below it.
  // Bare prose above the box ("press esc to interrupt") is Claude talking, not a status.
  interruptInParens: /\([^()]*\b(?:esc|ctrl\+c) to interrupt\b[^()]*\)/i,
  interrupt: /\b(?:esc|ctrl\+c) to interrupt\b/i,
  // Where the transcript's last entry starts: looking up from the box, the spinner comes first.
  // `●` is a message or tool call (`⏺` in 1.x); `>`/`❯` at column 0 echoes the user's prompt.
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
const SHELLS = new Set(['sh', 'bash', 'zsh', 'fish', 'dash', 'ash', 'ksh', 'mksh', 'pdksh', 'tcsh', 'csh', 'nu', 'elvish', 'xonsh']);

interface Box {
  top: number;
  bottom: number;
}

/** Status from the screen alone. Never 'exited': only the pane facts can tell that. */
export function classifyScreen(screen: string): AgentStatus {
  const lines = recentLines(screen);
  const last = lines.at(-1);
  if (last === undefined) return 'unknown';
  if (SCREEN.shellPrompt.some((re) => re.test(last))) return 'unknown';

  const box = findInputBox(lines);
  // A prompt counts only below the current input box: one above it was answered long ago.
  const below = box ? lines.slice(box.bottom + 1) : lines;
  if (below.some((l) => SCREEN.waiting.some((re) => re.test(l)))) return 'waiting';

  if (box) {
    const above = linesAboveBox(lines, box.top);
    if (above.some((l) => SCREEN.spinner.test(l) || SCREEN.interruptInParens.test(l))) return 'working';
    if (below.some((l) => SCREEN.spinner.test(l) || SCREEN.interrupt.test(l))) return 'working';
    return 'idle';
  }
  const bottom = lines.slice(-SCREEN.bottomLines);
  if (bottom.some((l) => SCREEN.spinner.test(l) || SCREEN.interrupt.test(l))) return 'working';
  return 'unknown';
}

/** Status of an agent's pane: a dead pane, or a shell back in charge, means the agent exited. */
export function classifyPane(screen: string, pane: PaneFacts): AgentStatus {
  if (pane.dead) return 'exited';
  const status = classifyScreen(screen);
  if (status === 'unknown' && isShell(pane.command)) return 'exited';
  return status;
}

/**
 * Whether `#{pane_current_command}` can be Claude Code: `claude` (npm bin), `node` (run
 * through node), or a bare version like `2.1.34` (native installs run
 * `~/.local/share/claude/versions/2.1.34`) (DESIGN.md "tmux").
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

/** The screen's bottom lines, without colour codes, trailing blanks or trailing blank lines. */
function recentLines(screen: string): string[] {
  const lines = screen
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') // in case it was captured with -e
    .split(/\r?\n/)
    .map((l) => l.trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines.slice(-SCREEN.recentLines);
}

/** The lowest input box on screen, if any. */
function findInputBox(lines: string[]): Box | undefined {
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

/** The lines between the transcript's last entry and the input box: where the spinner lives. */
function linesAboveBox(lines: string[], top: number): string[] {
  const out: string[] = [];
  for (let i = top - 1; i >= 0 && out.length < SCREEN.aboveBoxLines; i--) {
    const l = lines[i] ?? '';
    if (SCREEN.entryStart.test(l)) break;
    out.push(l);
  }
  return out;
}
