# shellcheck shell=sh
# Agent operations: list, send, broadcast, peek, keys, projects, resolve, spawn. Needs prelude.sh.
# Each function is called once, by the last line of the script, with its data as quoted arguments.

# Seconds between pasting text and pressing Enter: Claude Code reads a burst of text+Enter as a newline.
ENTER_DELAY=0.3

need_tmux() {
  command -v tmux >/dev/null 2>&1 || { say notmux; exit 0; }
}

# Exact lookup: tmux's own -t matching falls back to prefixes and globs (tmux(1), TARGETS).
# Prints the active pane of window $2 in session $1, or "ambiguous" when two windows share the name.
# The window name is the rest of the line after the fourth TAB (a name may hold TABs: `uncle<TAB>x` is
# not `uncle`).
find_window() {
  t list-panes -a -F '#{pane_active}	#{pane_id}	#{session_name}	#{window_id}	#{window_name}' 2>/dev/null |
    S="$1" W="$2" awk -F '\t' '{ name = $0; sub(/^[^\t]*\t[^\t]*\t[^\t]*\t[^\t]*\t/, "", name) }
      $3 == ENVIRON["S"] && name == ENVIRON["W"] && $1 == 1 { n++; id = $2 }
      END { if (n == 1) print id; else if (n > 1) print "ambiguous" }'
}

find_pane() {
  t display-message -p -t "$1" '#{pane_id}' 2>/dev/null | grep -x -- "$1"
}

# resolve KIND A B: KIND `pane` (A = %N) or `window` (A = session, B = window). Sets $pane, or ends the script.
resolve() {
  t list-sessions >/dev/null 2>&1 || { say error noserver; exit 0; }
  if [ "$1" = pane ]; then pane=$(find_pane "$2"); else pane=$(find_window "$2" "$3"); fi
  case "$pane" in
    "") say error notfound; exit 0 ;;
    ambiguous) say error ambiguous; exit 0 ;;
  esac
}

# A pane in copy mode swallows keys (send-keys goes to the mode, tmux(1)): leave it first.
leave_mode() {
  if [ "$(t display-message -p -t "$1" '#{pane_in_mode}')" = 1 ]; then t send-keys -t "$1" -X cancel; fi
}

# list_agents SESSION CLAUDE_DIR: every pane (`panes`), Claude Code's own registry (`registry`), then
# the screens of those that may be agents (`screen %N`). CLAUDE_DIR: the agents' config dir ("" for
# the default).
list_agents() {
  need_tmux
  list_panes "$1"
  say registry
  list_registry "$2"
  list_screens
  say end
}

# Registry files at most 64 KiB (find counts 512-byte blocks: -size -129 keeps <= 128 blocks), at
# most REGISTRY_MAX of them: a folder full of files left by crashes costs a bounded read.
REGISTRY_MAX=500

# list_registry CLAUDE_DIR: Claude Code's per-process state (2.1.145+), in the wire format
# core/status/registry.ts reads: the process table, then each `<pid>.json` of its `sessions` folder
# folded to one line (JSON never holds a raw newline, so valid JSON stays equal) after its `@@file`
# line, so a file cannot forge a marker line. No Claude CLI start (`claude agents --json` prints the
# same rows but starts a whole CLI, ~1.9 s). On Linux the process table comes from /proc in the same
# `find` + `awk` pass as the files (ps costs ~10 ms on a busy host; this whole function ~5 ms);
# elsewhere from `ps`. awk reads with getline, which fails soft on a file gone since find saw it (a
# file argument that vanished would end mawk). The folder also holds `<pid>.<hash>.key` files: only
# `<digits>.json` is read. Exit status 0 even when there is nothing.
list_registry() {
  reg=${1:-${CLAUDE_CONFIG_DIR:-$HOME/.claude}}/sessions
  printf '%s\n' '@@trimtab-registry v1' '@@ps'
  set --
  if [ -r /proc/self/stat ]; then
    set -- /proc/[0-9]*/stat
  else
    # stat: a killed agent stays a zombie (Z) until tmux reaps it, after its pane already shows dead.
    ps -A -o pid=,ppid=,stat= 2>/dev/null || ps -A -o pid=,ppid= 2>/dev/null
  fi
  n=0
  for f in "$reg"/[0-9]*.json; do
    [ "$n" -lt "$REGISTRY_MAX" ] || break
    case "${f##*/}" in *[!0-9]*.json) continue ;; esac
    set -- "$@" "$f"
    n=$((n + 1))
  done
  [ $# -eq 0 ] || find "$@" -prune -type f -size -129 -exec awk '
    BEGIN {
      for (i = 1; i < ARGC; i++) {
        f = ARGV[i]
        if (f ~ /^\/proc\/[0-9]+\/stat$/) {
          # "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses; the last ") " ends it.
          if ((getline line < f) > 0 && sub(/^.*\) /, "", line)) {
            split(f, p, "/"); split(line, s, " ")
            print p[3], s[2], s[1]
          }
        } else {
          text = ""; ok = 0
          while ((getline line < f) > 0) { text = text line " "; ok = 1 }
          if (ok) { print "@@file " f; print text }
        }
        close(f)
      }
      exit
    }' {} + 2>/dev/null
  printf '%s\n' '@@end'
}

# The fields of core/script.ts PANE_FIELDS, TAB-separated; window_name last (it may hold tabs).
list_panes() {
  f='#{pane_id}	#{session_name}	#{pane_current_command}	#{window_id}	#{window_index}	#{pane_index}'
  f="$f	#{pane_active}	#{pane_dead}	#{pane_dead_status}	#{window_activity}	#{pane_in_mode}"
  f="$f	#{pane_current_path}	#{pane_title}	#{pane_pid}	#{window_name}"
  out=$(t list-panes -a -F "$f" 2>&1) || { say noserver; printf '%s\n' "$out"; exit 0; }
  say now "$(date +%s)"
  say panes
  printf '%s\n' "$out"
  ids=$(printf '%s\n' "$out" | S="$1" awk -F '\t' '$1 ~ /^%[0-9]+$/ && ($2 == ENVIRON["S"] || $3 ~ /^(claude|node|[0-9]+\.[0-9]+\.[0-9]+)$/) { print $1 }')
}

# A few tmux clients however many agents: the captures go to tmux as command sequences, each screen
# headed by a `screen` line tmux itself prints. One client's command must fit in one tmux message
# (MAX_IMSGSIZE, 16 KiB: a longer one fails with "command too long", seen at ~190 panes), so the
# sequence is cut every SCREEN_BATCH bytes. tmux stops a sequence at its first failing command (a pane
# closed since the listing): then that batch's screens are captured again one by one, and the later
# copy of a screen wins (core/agents/agents.ts, screensFrom).
SCREEN_BATCH=8000

list_screens() {
  set --
  batch=
  size=0
  # Pane ids are %N (the awk above): safe unquoted. The marker holds no # or %, which tmux would expand.
  for id in $ids; do
    [ $# -eq 0 ] || set -- "$@" \;
    set -- "$@" display-message -p -t "$id" "$M screen #{pane_id}" \; capture-pane -p -t "$id"
    batch="$batch $id"
    size=$((size + ${#M} + 2 * ${#id} + 64))
    if [ "$size" -ge "$SCREEN_BATCH" ]; then
      capture_batch "$@"
      set --
      batch=
      size=0
    fi
  done
  [ $# -eq 0 ] || capture_batch "$@"
}

# capture_batch TMUX_ARGS...: one client for the batch; one per pane of $batch when a pane went away.
capture_batch() {
  t "$@" 2>/dev/null || for id in $batch; do
    say screen "$id"
    t capture-pane -p -t "$id" 2>/dev/null
  done
}

# deliver ENTER PANE...: paste $X into each pane as one bracketed paste (-p; -r keeps newlines as LF),
# wait, then press Enter in each as a separate step (Claude Code reads text+Enter in one burst as a
# newline). From the first paste on, finish even if trimtab goes away: a text without its Enter would
# sit in the agent's input box, to be submitted with the next one.
deliver() {
  enter=$1
  shift
  trap '' PIPE HUP
  if [ -n "$X" ]; then printf '%s' "$X" | t load-buffer -b "trimtab-$$" - || { say error loadbuffer; exit 0; }; fi
  for p in "$@"; do
    if [ "$(t display-message -p -t "$p" '#{pane_dead}' 2>/dev/null)" != 0 ]; then
      say failed "$p" gone
      continue
    fi
    leave_mode "$p"
    if [ -z "$X" ] || t paste-buffer -p -r -b "trimtab-$$" -t "$p"; then say pasted "$p"; else say failed "$p" paste; fi
  done
  [ -z "$X" ] || t delete-buffer -b "trimtab-$$" 2>/dev/null
  if [ "$enter" = 1 ]; then
    sleep "$ENTER_DELAY"
    for p in "$@"; do
      if t send-keys -t "$p" Enter 2>/dev/null; then say entered "$p"; else say failed "$p" enter; fi
    done
  fi
  say end
}

# send_text KIND A B ENTER: resolve one target and deliver $X to it, in one round trip.
send_text() {
  need_tmux
  resolve "$1" "$2" "$3"
  say pane "$pane"
  deliver "$4" "$pane"
}

# broadcast PANE...: deliver $X to panes a list already resolved, and press Enter in each.
broadcast() {
  need_tmux
  deliver 1 "$@"
}

# capture KIND A B LINES [INTERVAL]: the last LINES lines of a pane; with INTERVAL, frames until it goes.
capture() {
  need_tmux
  resolve "$1" "$2" "$3"
  if [ -z "$5" ]; then
    say screen "$pane"
    t capture-pane -p -t "$pane" -S "-$4"
    say end
    return
  fi
  while :; do
    say frame "$pane"
    t capture-pane -p -t "$pane" -S "-$4" 2>/dev/null || { say error gone; exit 0; }
    sleep "$5"
  done
}

# press_keys KIND A B KEY...: tmux key names (Escape, 1): approve, reject, interrupt.
press_keys() {
  need_tmux
  resolve "$1" "$2" "$3"
  shift 3
  leave_mode "$pane"
  if t send-keys -t "$pane" "$@"; then say pressed "$pane"; else say error keys; fi
  say end
}

# resolve_pane KIND A B: a target as a pane id (for attach).
resolve_pane() {
  need_tmux
  resolve "$1" "$2" "$3"
  say pane "$pane"
  say end
}

# list_projects DIR: the directories in a host's projects dir, one per line.
list_projects() {
  need_tmux
  [ -d "$1" ] || { say error nodir "$1"; exit 0; }
  say projects
  for d in "$1"/*/; do [ -d "$d" ] && basename "$d"; done
  say end
}

# spawn_agent SESSION PROJECT PROJECTS_DIR PROGRAM COMMAND [ARG...]: start COMMAND in window PROJECT,
# in PROJECTS_DIR/PROJECT, after checking PROGRAM (the command's first word) is there. Each ARG (the
# first task, --continue) reaches the agent as one argv word: tmux runs a command given as several
# words with execvp and no shell (tmux(1), "shell-command ... [argument ...]"), here `sh -c` with the
# configured command and "$@", so sh parses only the command the user configured, never the ARGs.
# `exec` makes the agent the pane's own process (dash keeps itself as the parent of a -c command).
# A window whose agent exited (remain-on-exit keeps it) is restarted in place; a live one is left alone.
# Two spawns racing each create a window, then every spawn that finds an older window of the same
# name removes its own: exactly one survives, with no lock to leave behind if trimtab is killed.
spawn_agent() {
  need_tmux
  session=$1 name=$2 dir="$3/$2" program=$4 run="exec $5 \"\$@\""
  shift 5
  [ -d "$dir" ] || { say error nodir "$dir"; exit 0; }
  command -v "$program" >/dev/null 2>&1 || { say error noagent "$PATH"; exit 0; }
  old=$(find_window "$session" "$name")
  case "$old" in
    ambiguous) say error ambiguous; exit 0 ;;
    ?*) restart_agent "$old" "$@"; exit 0 ;;
  esac
  pane=$(t new-session -d -P -F '#{pane_id}' -s "$session" -n "$name" -c "$dir" sh -c "$run" sh "$@" 2>/dev/null) ||
    pane=$(t new-window -d -P -F '#{pane_id}' -t "=$session:" -n "$name" -c "$dir" sh -c "$run" sh "$@") ||
    { say error tmux; exit 0; }
  # remain-on-exit keeps a finished agent's last screen, listed as "exited". The command was checked
  # above, so it cannot vanish before this runs; if it did, that is the "died" case below.
  t set-option -w -t "$pane" remain-on-exit on 2>/dev/null || { say error died unknown; exit 0; }
  mine=$(t display-message -p -t "$pane" '#{window_id}')
  # The oldest window of this name wins; window ids only grow (@1 < @2). The whole name is compared:
  # a window named uncle<TAB>x is not uncle.
  oldest=$(t list-windows -t "=$session" -F '#{window_id}	#{window_name}' |
    P="$name" awk '{ id = $0; sub(/\t.*/, "", id); name = $0; sub(/^[^\t]*\t/, "", name) }
      name == ENVIRON["P"] { sub("@", "", id); print id }' | sort -n | head -n 1)
  if [ "@$oldest" != "$mine" ]; then
    t kill-window -t "$mine"
    say exists "$(find_window "$session" "$name")"
    exit 0
  fi
  if ! started "$pane"; then t kill-window -t "$mine" 2>/dev/null; exit 0; fi
  say spawned "$pane"
}

# restart_agent PANE [ARG...]: start the agent again in the pane its last run left (same window, same
# pane id). respawn-pane without -k refuses a pane whose program still runs (tmux(1)), so a live agent
# is never killed, even by a spawn racing this one: the loser finds it running.
restart_agent() {
  p=$1
  shift
  if [ "$(t display-message -p -t "$p" '#{pane_dead}' 2>/dev/null)" != 1 ] ||
    ! t respawn-pane -t "$p" -c "$dir" sh -c "$run" sh "$@" 2>/dev/null; then
    if [ "$(t display-message -p -t "$p" '#{pane_dead}' 2>/dev/null)" = 0 ]; then say exists "$p"; else say error tmux; fi
    return
  fi
  started "$p" && say restarted "$p"
}

# started PANE: the agent is still running half a second on (a bad command line ends at once).
# tmux sets pane_dead when the pty closes and pane_dead_status only once it reaps the process, a
# moment later: give the status a second to arrive.
started() {
  sleep 0.5
  for _ in 1 2 3 4 5; do
    state=$(t display-message -p -t "$1" '#{pane_dead} #{pane_dead_status}' 2>/dev/null)
    [ "$state" = "1 " ] || break
    sleep 0.2
  done
  case "$state" in
    "1 ") say error died unknown; return 1 ;;
    "1 "* | "") say error died "${state#1 }"; return 1 ;;
  esac
}
