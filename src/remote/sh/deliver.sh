# shellcheck shell=sh
# Typing into an agent: the delivery guard, pane locks, send, broadcast, keys. Needs prelude.sh and target.sh.
# Each function is called once, by the last line of the script, with its data as quoted arguments.
# $pane is set by resolve (target.sh), which this library is always sent with.
# shellcheck disable=SC2154

# Seconds between pasting text and pressing Enter: Claude Code reads a burst of text+Enter as a newline.
ENTER_DELAY=0.3

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

# keys_guard: before keys go into $pane, hold its delivery lock (dropped on every exit) and make sure
# the agent runs there (a shell would run what the keys spell); otherwise say why and end the script.
keys_guard() {
  trap unlock_all EXIT
  trap 'exit 1' INT TERM HUP PIPE
  lock_pane "$pane" || { say error busy; exit 0; }
  if ! agent_in "$pane"; then
    if [ "$ran" = gone ]; then say error gone; else say error notagent "$ran"; fi
    exit 0
  fi
  leave_mode "$pane"
}

# press_keys KIND A B KEY...: tmux key names (Escape, 1): approve, reject, interrupt.
press_keys() {
  need_tmux
  resolve "$1" "$2" "$3"
  shift 3
  keys_guard
  if t send-keys -t "$pane" "$@"; then say pressed "$pane"; else say error keys; fi
  unlock_all
  say end
}
