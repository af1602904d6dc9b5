# shellcheck shell=sh
# Finding a pane: exact window and pane lookup, copy mode, screen capture. Needs prelude.sh.
# Each function is called once, by the last line of the script, with its data as quoted arguments.

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

# resolve_pane KIND A B: a target as a pane id (for attach).
resolve_pane() {
  need_tmux
  resolve "$1" "$2" "$3"
  say pane "$pane"
  say end
}
