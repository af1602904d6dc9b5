# shellcheck shell=sh
# Listing agents: panes, Claude Code's registry, screens. Needs prelude.sh and target.sh.
# Each function is called once, by the last line of the script, with its data as quoted arguments.

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

# The fields of core/script.ts PANE_FIXED, TAB-separated, then those of PANE_FREE (names that may hold
# TABs and newlines), each followed by S, a separator made of this call's nonce that no name can hold:
# a record is whole at its fifth S, however many lines it spans. ids: the panes list_screens captures.
list_panes() {
  S=${M#@@trimtab-}
  S="<${S%@@}>"
  f='#{pane_id}	#{window_id}	#{window_index}	#{pane_index}	#{pane_active}	#{pane_dead}'
  f="$f	#{pane_dead_status}	#{window_activity}	#{pane_in_mode}	#{pane_title}	#{pane_pid}"
  f="$f$S#{session_name}$S#{pane_current_command}$S#{pane_current_path}$S#{window_name}$S"
  out=$(t list-panes -a -F "$f" 2>&1) || { say noserver; printf '%s\n' "$out"; exit 0; }
  say now "$(date +%s)"
  say panes "$S"
  printf '%s\n' "$out"
  ids=$(printf '%s\n' "$out" | S="$S" P="$1" awk '
    BEGIN { s = ENVIRON["S"]; n = length(s) }
    { rec = rec $0 "\n"; c = 0; r = rec
      while ((i = index(r, s)) > 0) { part[c++] = substr(r, 1, i - 1); r = substr(r, i + n) }
      if (c < 5) next
      rec = ""; sub(/^.*\n/, "", part[0]); sub(/\t.*/, "", part[0])
      if (part[0] ~ /^%[0-9]+$/ && (part[1] == ENVIRON["P"] || part[2] ~ /^(claude|node|[0-9]+\.[0-9]+\.[0-9]+)$/)) print part[0]
    }')
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
