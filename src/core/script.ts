/**
 * Shell scripts that run on a host, local (`sh -s`) or remote (`ssh HOST sh -s`), fed on stdin.
 * The remote login shell only ever sees the constant words `sh -s`, so bash, zsh, fish and dash
 * all run the same POSIX script (DESIGN.md, SSH). Every piece of data is POSIX single-quoted.
 *
 * Output protocol: lines `<marker> <tag> <args...>` open sections; anything before the first marker
 * (a chatty .bashrc, motd) is ignored. The marker carries a per-call nonce so pane text can't fake one.
 */
import type { Host } from './hosts/config.js';
import { usageError } from './errors.js';
import { shQuote } from './quote.js';
import type { Ref } from './agents/target.js';


/** Fields of `list-panes -F`, TAB-separated. window_name is last: it may hold tabs; titles are escaped by tmux. */
export const PANE_FIELDS = [
  'pane_id',
  'session_name',
  'pane_current_command',
  'window_id',
  'window_index',
  'pane_index',
  'pane_active',
  'pane_dead',
  'pane_dead_status',
  'window_activity',
  'pane_in_mode',
  'pane_current_path',
  'pane_title',
  'window_name',
] as const;
const PANE_FORMAT = PANE_FIELDS.map((f) => `#{${f}}`).join('\t');

/** Seconds between pasting text and pressing Enter: Claude Code reads a burst of text+Enter as a newline (DESIGN.md, tmux). */
export const ENTER_DELAY = '0.3';

/** `"$HOME"/'rest'` for `~/rest`, so `~` is expanded on the host itself (tmux -c never expands it). */
export function dirExpr(dir: string): string {
  if (dir === '~') return '"$HOME"';
  if (dir.startsWith('~/')) return `"$HOME"/${shQuote(dir.slice(2))}`;
  return shQuote(dir);
}

function prelude(marker: string, host: Host): string {
  const socket = host.tmuxSocket ? ` -L ${shQuote(host.tmuxSocket)}` : '';
  return [
    `M=${shQuote(marker)}`,
    // -u: an ssh session often has LANG unset, and tmux in a non-UTF-8 locale turns the TABs of
    // -F output (and non-ASCII names) into '_'. Seen with tmux 3.3a under LC_ALL=C.
    `t() { tmux -u${socket} "$@"; }`,
    'say() { printf "%s %s\\n" "$M" "$*"; }',
    // First words back: proof the connection and the shell work (a hung ssh master says nothing).
    'say hello',
    'command -v tmux >/dev/null 2>&1 || { say notmux; exit 0; }',
    // Exact lookup: tmux's own -t matching falls back to prefixes and globs (DESIGN.md, tmux).
    // Prints the active pane of window $2 in session $1, or "ambiguous" when two windows share the name.
    'find_window() {',
    `  t list-panes -a -F '#{pane_active}\t#{pane_id}\t#{session_name}\t#{window_id}\t#{window_name}' 2>/dev/null |`,
    `  S="$1" W="$2" awk -F '\t' '$3 == ENVIRON["S"] && $5 == ENVIRON["W"] && $1 == 1 { n++; id = $2 }`,
    `    END { if (n == 1) print id; else if (n > 1) print "ambiguous" }'`,
    '}',
    'find_pane() {',
    `  t display-message -p -t "$1" '#{pane_id}' 2>/dev/null | grep -x -- "$1"`,
    '}',
  ].join('\n');
}

function resolveLines(ref: Ref): string {
  const find =
    ref.kind === 'pane'
      ? `pane=$(find_pane ${shQuote(ref.paneId)})`
      : `pane=$(find_window ${shQuote(ref.session)} ${shQuote(ref.window)})`;
  return [
    't list-sessions >/dev/null 2>&1 || { say error noserver; exit 0; }',
    find,
    'case "$pane" in "") say error notfound; exit 0;; ambiguous) say error ambiguous; exit 0;; esac',
  ].join('\n');
}

/**
 * List every pane, then capture the screens of those that may be agents: one round trip per host, and
 * two tmux clients however many agents there are (all captures go to tmux as one command sequence,
 * each screen headed by a `screen` line that tmux itself prints). tmux stops a sequence at its first
 * failing command (a pane closed since the listing): then each screen is captured again on its own;
 * the later copy of a screen wins (agents.ts, screensFrom).
 */
export function listScript(marker: string, host: Host, session: string): string {
  return [
    prelude(marker, host),
    `out=$(t list-panes -a -F '${PANE_FORMAT}' 2>&1) || { say noserver; printf '%s\\n' "$out"; exit 0; }`,
    'say now "$(date +%s)"',
    'say panes',
    `printf '%s\\n' "$out"`,
    `ids=$(printf '%s\\n' "$out" | S=${shQuote(session)} awk -F '\t' '$1 ~ /^%[0-9]+$/ && ($2 == ENVIRON["S"] || $3 ~ /^(claude|node|[0-9]+\\.[0-9]+\\.[0-9]+)$/) { print $1 }')`,
    'set --',
    // Pane ids are %N (the awk above), safe unquoted. The marker holds no # or %, which tmux would expand.
    'for id in $ids; do [ $# -eq 0 ] || set -- "$@" \\;; set -- "$@" display-message -p -t "$id" "$M screen #{pane_id}" \\; capture-pane -p -t "$id"; done',
    '[ $# -eq 0 ] || t "$@" 2>/dev/null || for id in $ids; do say screen "$id"; t capture-pane -p -t "$id" 2>/dev/null; done',
    'say end',
  ].join('\n');
}

/** Leave copy mode first: a pane in a mode swallows keys (DESIGN.md, tmux). */
const leaveMode = (pane: string) =>
  `if [ "$(t display-message -p -t ${pane} '#{pane_in_mode}')" = 1 ]; then t send-keys -t ${pane} -X cancel; fi`;

/**
 * Paste `text` into each pane as one bracketed paste (-p; -r keeps newlines as LF, not CR, so they
 * arrive byte for byte), wait, then press Enter in each as a separate step.
 * The text travels inside the script as one single-quoted word fed to `tmux load-buffer -`.
 */
function deliverLines(panes: string[], text: string, enter: boolean): string[] {
  // From here on, finish even if trimtab goes away (killed, connection dropped): without this the
  // `say pasted` after a paste would die of SIGPIPE, and a text without its Enter would sit in the
  // agent's input box, to be submitted with the next one.
  const lines: string[] = ["trap '' PIPE HUP"];
  if (text !== '') lines.push(`printf '%s' ${shQuote(text)} | t load-buffer -b "trimtab-$$" - || { say error loadbuffer; exit 0; }`);
  for (const p of panes) {
    lines.push(
      `if [ "$(t display-message -p -t ${p} '#{pane_dead}' 2>/dev/null)" != 0 ]; then say failed ${p} gone;`,
      `else ${leaveMode(p)}`,
      text !== '' ? `  t paste-buffer -p -r -b "trimtab-$$" -t ${p} && say pasted ${p} || say failed ${p} paste; fi`
        : `  say pasted ${p}; fi`,
    );
  }
  if (text !== '') lines.push('t delete-buffer -b "trimtab-$$" 2>/dev/null');
  if (enter) {
    lines.push(`sleep ${ENTER_DELAY}`);
    for (const p of panes) lines.push(`t send-keys -t ${p} Enter 2>/dev/null && say entered ${p} || say failed ${p} enter`);
  }
  lines.push('say end');
  return lines;
}

/**
 * Text that cannot travel byte for byte is refused up front. A bracketed paste ends at ESC[201~: text
 * after it would arrive as typed keys, where a CR submits. argv can't carry NUL at all.
 */
export function checkPasteable(text: string): void {
  if (text.includes('\x1b[201~')) throw usageError('text contains ESC[201~ (the end of a bracketed paste)', 'remove it; it cannot be sent safely');
  if (text.includes('\0')) throw usageError('text contains a NUL byte', 'remove it');
}

/** Resolve one target and deliver text to it, in one round trip. */
export function sendScript(marker: string, host: Host, ref: Ref, text: string, enter: boolean): string {
  return [prelude(marker, host), resolveLines(ref), 'say pane "$pane"', ...deliverLines(['"$pane"'], text, enter)].join('\n');
}

/** Deliver text to panes already resolved by a list (pane ids). */
export function broadcastScript(marker: string, host: Host, paneIds: string[], text: string): string {
  return [prelude(marker, host), ...deliverLines(paneIds.map(shQuote), text, true)].join('\n');
}

/** The last `lines` lines of a pane; with `intervalSeconds`, keep sending frames until the pane goes. */
export function peekScript(marker: string, host: Host, ref: Ref, lines: number, intervalSeconds?: number): string {
  const capture = `t capture-pane -p -t "$pane" -S -${Math.max(1, Math.floor(lines))}`;
  const body =
    intervalSeconds === undefined
      ? ['say screen "$pane"', capture, 'say end']
      : ['while :; do', '  say frame "$pane"', `  ${capture} 2>/dev/null || { say error gone; exit 0; }`, `  sleep ${intervalSeconds}`, 'done'];
  return [prelude(marker, host), resolveLines(ref), ...body].join('\n');
}

/** Press tmux keys (`Escape`, `1`) in a pane, leaving copy mode first: approve, reject, interrupt. */
export function keysScript(marker: string, host: Host, ref: Ref, keys: string[]): string {
  return [
    prelude(marker, host),
    resolveLines(ref),
    leaveMode('"$pane"'),
    `t send-keys -t "$pane" ${keys.map(shQuote).join(' ')} && say pressed "$pane" || say error keys`,
    'say end',
  ].join('\n');
}

/** The directories in a host's projects dir, one per line (for the menu's spawn screen). */
export function projectsScript(marker: string, host: Host): string {
  return [
    prelude(marker, host),
    `dir=${dirExpr(host.projectsDir)}`,
    '[ -d "$dir" ] || { say error nodir "$dir"; exit 0; }',
    'say projects',
    'for d in "$dir"/*/; do [ -d "$d" ] && basename "$d"; done',
    'say end',
  ].join('\n');
}

/** Resolve a target to a pane id (for attach). */
export function resolveScript(marker: string, host: Host, ref: Ref): string {
  return [prelude(marker, host), resolveLines(ref), 'say pane "$pane"', 'say end'].join('\n');
}

/**
 * Start the agent in window PROJECT of the agents session, in `<projectsDir>/PROJECT`.
 * Two spawns racing each create a window, then every spawn that finds an older window of the same
 * name removes its own: exactly one survives, with no lock to leave behind if trimtab is killed.
 */
export function spawnScript(marker: string, host: Host, session: string, project: string): string {
  const S = shQuote(session);
  const P = shQuote(project);
  const cmd = shQuote(host.agentCommand);
  // The program to check; `~/` is expanded on the host, as the shell tmux starts it with would.
  const first = dirExpr(host.agentCommand.trim().split(/\s+/)[0] ?? '');
  return [
    prelude(marker, host),
    `dir=${dirExpr(host.projectsDir)}/${P}`,
    '[ -d "$dir" ] || { say error nodir "$dir"; exit 0; }',
    `command -v ${first} >/dev/null 2>&1 || { say error noagent "$PATH"; exit 0; }`,
    `old=$(find_window ${S} ${P})`,
    '[ -n "$old" ] && { say exists "$old"; exit 0; }',
    `pane=$(t new-session -d -P -F '#{pane_id}' -s ${S} -n ${P} -c "$dir" ${cmd} 2>/dev/null) ||`,
    `pane=$(t new-window -d -P -F '#{pane_id}' -t "="${S}":" -n ${P} -c "$dir" ${cmd}) ||`,
    '{ say error tmux; exit 0; }',
    // remain-on-exit keeps a finished agent's last screen, listed as "exited". The command was checked
    // above, so it cannot vanish before this runs; if it did, that is the "died" case below.
    't set-option -w -t "$pane" remain-on-exit on 2>/dev/null || { say error died unknown; exit 0; }',
    `mine=$(t display-message -p -t "$pane" '#{window_id}')`,
    // The oldest window of this name wins; window ids only grow (@1 < @2).
    `oldest=$(t list-windows -t "="${S} -F '#{window_id}\t#{window_name}' | P=${P} awk -F '\t' '$2 == ENVIRON["P"] { sub("@", "", $1); print $1 }' | sort -n | head -n 1)`,
    `if [ "@$oldest" != "$mine" ]; then t kill-window -t "$mine"; say exists "$(find_window ${S} ${P})"; exit 0; fi`,
    'sleep 0.5',
    `state=$(t display-message -p -t "$pane" '#{pane_dead} #{pane_dead_status}' 2>/dev/null)`,
    'case "$state" in "1 "*|"") t kill-window -t "$mine" 2>/dev/null; say error died "${state#1 }"; exit 0;; esac',
    'say spawned "$pane"',
  ].join('\n');
}
