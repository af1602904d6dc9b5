# shellcheck shell=sh
# Projects and starting agents. Needs prelude.sh and target.sh.
# Each function is called once, by the last line of the script, with its data as quoted arguments.

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
  # Each ARG as one tmux argument (a task may end in ";"): the list rebuilt in place.
  for a; do
    tmux_arg "$a"
    # shellcheck disable=SC2154 # lit: set by tmux_arg (prelude.sh)
    set -- "$@" "$lit"
    shift
  done
  [ -d "$dir" ] || { say error nodir "$dir"; exit 0; }
  command -v "$program" >/dev/null 2>&1 || { say error noagent "$PATH"; exit 0; }
  tmux_literal "$dir"
  # shellcheck disable=SC2154 # lit: set by tmux_literal (prelude.sh)
  cdir=$lit
  old=$(find_window "$session" "$name")
  case "$old" in
    ambiguous) say error ambiguous; exit 0 ;;
    ?*) restart_agent "$old" "$@"; exit 0 ;;
  esac
  pane=$(t new-session -d -P -F '#{pane_id}' -s "$session" -n "$name" -c "$cdir" sh -c "$run" sh "$@" 2>/dev/null) ||
    pane=$(t new-window -d -P -F '#{pane_id}' -t "=$session:" -n "$name" -c "$cdir" sh -c "$run" sh "$@") ||
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
    ! t respawn-pane -t "$p" -c "$cdir" sh -c "$run" sh "$@" 2>/dev/null; then
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
