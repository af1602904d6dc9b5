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

# Header data for the delivery guard (remote/scripts.ts, agentGuard), never run:
#   AN  program names that are the agent by name alone, one per line (claude, the configured program)
#   AA  script names that make a `node` process the agent, one per line (the configured agent's script)
#   WP  Claude Code's waiting markers, WU its panels a user opens, WO a menu's selected option: POSIX
#       EREs (core/status/status.ts, screenEres), checked in the order classifyScreen checks them;
#       WW its "working" footer
#   F   1: deliver to a waiting agent too (--force)
: "${AN=claude}" "${AA=}" "${WP=}" "${WU=}" "${WO=}" "${WW=}" "${F=0}"

# A name as it may be printed: at most 40 characters from a safe set (the host chooses process names).
printable() {
  printf '%s' "$1" | tr -c 'A-Za-z0-9._+@:/-' '?' | cut -c 1-40
}

# The arguments of process $1, one per line: /proc keeps spaces inside an argument, ps does not.
proc_args() {
  if [ -r "/proc/$1/cmdline" ]; then tr '\0' '\n' <"/proc/$1/cmdline"; else ps -o args= -p "$1" 2>/dev/null | tr ' ' '\n'; fi
}

# The foreground process group of the terminal whose session leader is $1 (what #{pane_current_command}
# names, tmux(1) FORMATS): field 8 of /proc/PID/stat (after the command in parentheses), else ps.
foreground() {
  if [ -r "/proc/$1/stat" ]; then sed 's/.*) //' "/proc/$1/stat" | cut -d ' ' -f 6; else ps -o tpgid= -p "$1" 2>/dev/null | tr -d ' '; fi
}

# The processes of the foreground process group of the terminal whose session leader is $1, one pid a
# line (POSIX ps fields).
foreground_pids() {
  fg=$(foreground "$1")
  case "$fg" in '' | *[!0-9]*) return 0 ;; esac
  ps -A -o pid= -o pgid= 2>/dev/null | awk -v g="$fg" '$2 == g { print $1 }'
}

# Whether program name $1 is the agent by name: AN (claude, the configured program), or a bare version
# (a native install runs ~/.local/share/claude/versions/2.1.34).
agent_name() {
  printf '%s\n' "$AN" | grep -Fqx -e "$1" && return 0
  printf '%s\n' "$1" | grep -Eqx '[0-9]+\.[0-9]+\.[0-9]+(-[A-Za-z0-9_.]+)?'
}

# Whether process $1 is the agent: by its program's name, or, for node, by a word of its arguments
# named `claude` (npm's bin link), a file of the @anthropic-ai/claude-code package, or the configured
# agent's script (AA). A bare `node` REPL has no such word.
agent_pid() {
  name=$(proc_args "$1" | head -n 1)
  name=${name##*/}
  name=${name#-}
  agent_name "$name" && return 0
  case "$name" in node | nodejs) ;; *) return 1 ;; esac
  proc_args "$1" | sed 1d | while IFS= read -r a; do
    case "$a" in
      claude | */claude | */@anthropic-ai/claude-code/*) echo yes; break ;;
    esac
    if [ -n "$AA" ] && printf '%s\n' "$AA" | grep -Fqx -e "${a##*/}"; then echo yes; break; fi
  done | grep -q yes
}

# agent_in PANE: whether the agent is the pane's foreground program. Sets $ran to what runs there (`gone`
# for a dead or missing pane). Never "pane not dead" alone: a pane whose agent quit is back at the
# user's shell, where typed text runs as commands. #{pane_current_command} names the leader of the
# foreground process group; the agent may be another member of that group: `dash -c 'node agent.mjs'`
# (how tmux starts a command when the login shell is dash) keeps dash as the leader, with the agent as
# its child. An interactive shell puts each job in a group of its own, so at its prompt the group is
# the shell alone.
agent_in() {
  facts=$(t display-message -p -t "$1" '#{pane_dead} #{pane_pid} #{pane_current_command}' 2>/dev/null)
  case "$facts" in 0\ *) ;; *) ran=gone; return 1 ;; esac
  rest=${facts#0 }
  ppid=${rest%% *}
  name=${rest#* }
  name=${name##*/}
  name=${name#-}
  ran=$(printable "$name")
  agent_name "$name" && return 0
  for pid in $(foreground_pids "$ppid"); do
    agent_pid "$pid" && return 0
  done
  return 1
}

# The lines below a screen's lowest input box (a rule, a `❯`/`>` line, a rule; 1.x: ╭ │ > │ ╰), or
# the last 25 lines when there is none: a prompt above the box was answered long ago.
below_box() {
  awk '
    function rule(l) { return l ~ /^[ \t]*───/ || l ~ /^[ \t]*╰─/ }
    function top(l) { return l ~ /^[ \t]*───/ || l ~ /^[ \t]*╭─/ }
    function prompt(l) { return l ~ /^(❯|>|!)( |$)/ || index(l, "❯\302\240") == 1 || l ~ /^[ \t]*│ (❯|>|!)( |$)/ }
    { line[NR] = $0 }
    END {
      n = NR
      while (n > 0 && line[n] ~ /^[ \t]*$/) n--
      first = n > 25 ? n - 24 : 1
      from = first
      for (i = n; i > first && from == first; i--) {
        if (!prompt(line[i]) || !top(line[i - 1])) continue
        for (j = i + 1; j <= n && j <= i + 13; j++) if (rule(line[j])) { from = j + 1; break }
      }
      for (i = from; i <= n; i++) print line[i]
    }'
}

# waiting PANE: a fresh capture shows one of Claude Code's prompts below the input box (WP), or a menu
# (WO) that is not a panel the user opened (WU).
waiting() {
  [ -n "$WP" ] || return 1
  below=$(t capture-pane -p -t "$1" 2>/dev/null | below_box)
  printf '%s\n' "$below" | grep -Eq -e "$WP" && return 0
  [ -n "$WU" ] && printf '%s\n' "$below" | grep -Eq -e "$WU" && return 1
  [ -n "$WO" ] && printf '%s\n' "$below" | grep -Eq -e "$WO"
}

# working PANE: the recent lines of a fresh capture show Claude Code's interrupt hint (WW).
working() {
  [ -n "$WW" ] && t capture-pane -p -t "$1" 2>/dev/null | awk '{ l[NR] = $0 } END {
      n = NR; while (n > 0 && l[n] ~ /^[ \t]*$/) n--
      for (i = (n > 25 ? n - 24 : 1); i <= n; i++) print l[i] }' | grep -Eq -e "$WW"
}

# settle PANE: after a delivery into this pane in the last SETTLE_AFTER seconds (its time is the pane
# option @trimtab_sent), wait for the turn it started to end, at most SETTLE_TRIES fifths of a second.
# Claude Code hands the messages queued while it works to the model as one: on 2.1.328 four sends
# queued during one turn arrived as "two\n\none\n\nfour\n\nthree". A turn that runs longer than the
# wait still gets the text, queued.
SETTLE_AFTER=30
SETTLE_TRIES=75
settle() {
  last=$(t display-message -p -t "$1" '#{@trimtab_sent}' 2>/dev/null)
  case "$last" in '' | *[!0-9]*) return 0 ;; esac
  [ $(($(date +%s) - last)) -lt "$SETTLE_AFTER" ] || return 0
  sleep 0.5 # the turn's first frame
  n=0
  while [ "$n" -lt "$SETTLE_TRIES" ] && working "$1"; do
    n=$((n + 1))
    sleep 0.2
  done
}

# Delivery locks, one per pane: a symlink next to the tmux server's own socket (a private directory
# tmux checks: tmux(1), -S), named for the pane, pointing at the holder's pid. ln -s is atomic. A
# holder that dies without releasing (kill -9; every other exit releases, see trap below) is found by
# its pid and its lock removed, so a lock never stays held forever. Waits at most LOCK_TRIES tenths of a
# second for a live holder (a delivery takes ENTER_DELAY, and a send may settle first; trimtab gives a
# send's script a minute).
LOCK_TRIES=300
held=""
lock_pane() {
  if [ -z "$held" ]; then
    lockbase=$(t display-message -p -t "$1" '#{socket_path}')
    # A tmux without #{socket_path}: its default socket directory (tmux(1), -L).
    case "$lockbase" in /*) ;; *) lockbase="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/${TS:-default}" ;; esac
    lockbase="$lockbase.trimtab-lock-"
  fi
  l="$lockbase${1#%}"
  n=0
  until ln -s "$$" "$l" 2>/dev/null; do
    holder=$(readlink "$l" 2>/dev/null)
    if [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; then
      [ "$(readlink "$l" 2>/dev/null)" = "$holder" ] && rm -f "$l"
      continue
    fi
    n=$((n + 1))
    [ "$n" -lt "$LOCK_TRIES" ] || return 1
    sleep 0.1
  done
  held="$held ${1#%}"
}
# $held is pane numbers (digits, from %N): safe to split.
unlock_all() {
  for n in $held; do [ "$(readlink "$lockbase$n" 2>/dev/null)" = "$$" ] && rm -f "$lockbase$n"; done
  held=""
}

# deliver ENTER SETTLE PANE...: for each pane, under its lock and right before the paste, check that the
# agent runs there (agent_in), with SETTLE=1 let a turn a recent delivery started end (settle), and
# check that it waits on no prompt (unless F=1); then paste $X as one bracketed paste (-p; -r keeps
# newlines as LF), wait, and press Enter in each as a separate step (Claude Code reads text+Enter in one
# burst as a newline). The locks are held until every Enter is in, so two deliveries to one pane never
# interleave. From the first paste on, finish even if trimtab goes away: a text without its Enter would
# sit in the agent's input box, to be submitted with the next one.
deliver() {
  enter=$1
  calm=$2
  shift 2
  # Every exit releases the locks and the paste buffer: sh runs the EXIT trap on `exit`, and these
  # signals end in `exit`.
  trap 'unlock_all; t delete-buffer -b "trimtab-$$" 2>/dev/null' EXIT
  trap 'exit 1' INT TERM HUP PIPE
  if [ -n "$X" ]; then printf '%s' "$X" | t load-buffer -b "trimtab-$$" - || { say error loadbuffer; exit 0; }; fi
  ok=""
  for p in "$@"; do
    if ! lock_pane "$p"; then say failed "$p" busy; continue; fi
    if ! agent_in "$p"; then
      if [ "$ran" = gone ]; then say failed "$p" gone; else say failed "$p" notagent "$ran"; fi
      continue
    fi
    [ "$calm" != 1 ] || settle "$p"
    if [ "$F" != 1 ] && waiting "$p"; then say failed "$p" waiting; continue; fi
    # Until the first paste, this line also asks whether trimtab is still there: if it went away
    # while this waited, the write fails (SIGPIPE), the script ends and nothing is typed.
    say locked "$p"
    leave_mode "$p"
    trap '' HUP PIPE
    if [ -z "$X" ] || t paste-buffer -p -r -b "trimtab-$$" -t "$p"; then say pasted "$p"; ok="$ok $p"; else say failed "$p" paste; fi
  done
  [ -z "$X" ] || t delete-buffer -b "trimtab-$$" 2>/dev/null
  if [ "$enter" = 1 ] && [ -n "$ok" ]; then
    sleep "$ENTER_DELAY"
    for p in $ok; do
      if t send-keys -t "$p" Enter 2>/dev/null; then
        t set-option -p -t "$p" @trimtab_sent "$(date +%s)" 2>/dev/null
        say entered "$p"
      else
        say failed "$p" enter
      fi
    done
  fi
  unlock_all
  say end
}

# send_text KIND A B ENTER: resolve one target and deliver $X to it, in one round trip.
send_text() {
  need_tmux
  resolve "$1" "$2" "$3"
  say pane "$pane"
  deliver "$4" 1 "$pane"
}

# broadcast PANE...: deliver $X to panes a list already resolved, and press Enter in each. No settling:
# many panes, one round trip.
broadcast() {
  need_tmux
  deliver 1 0 "$@"
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

# press_keys KIND A B KEY...: tmux key names (Escape, 1): approve, reject, interrupt. Only into the
# agent (a shell would run what the keys spell), under the pane's delivery lock.
press_keys() {
  need_tmux
  resolve "$1" "$2" "$3"
  shift 3
  trap unlock_all EXIT
  trap 'exit 1' INT TERM HUP PIPE
  lock_pane "$pane" || { say error busy; exit 0; }
  if ! agent_in "$pane"; then
    if [ "$ran" = gone ]; then say error gone; else say error notagent "$ran"; fi
    exit 0
  fi
  leave_mode "$pane"
  if t send-keys -t "$pane" "$@"; then say pressed "$pane"; else say error keys; fi
  unlock_all
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
  # One name a line, so only names spawn accepts are printed: a directory "fix<newline>x" must not
  # show up as a project "fix" (the rule of isValidName, core/hosts/config.ts; TS checks again).
  for d in "$1"/*/; do
    [ -d "$d" ] || continue
    d=${d%/}
    name=${d##*/}
    case $name in -* | .* | *[!A-Za-z0-9._-]*) continue ;; esac
    printf '%s\n' "$name"
  done
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
