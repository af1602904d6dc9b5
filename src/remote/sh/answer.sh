# shellcheck shell=sh
# Reading and answering an agent's prompt. Needs prelude.sh and agents.sh (need_tmux, resolve, leave_mode).
# $pane is set by resolve (agents.sh), which this library is always sent with.
# shellcheck disable=SC2154

# read_pane KIND A B: one pane's facts and its visible screen (no history), exactly as answer_prompt
# will capture it again before pressing anything.
read_pane() {
  need_tmux
  resolve "$1" "$2" "$3"
  say pane "$pane" "$(t display-message -p -t "$pane" '#{pane_dead}')" "$(t display-message -p -t "$pane" '#{pane_current_command}')"
  t capture-pane -p -t "$pane"
  say end
}

# answer_prompt KIND A B N KEY...: press KEYs only if the last N non-blank lines of the pane, trailing
# blanks removed, are still exactly $E (the prompt as the user was shown it). Capture, compare and
# press happen in this one script, so a prompt answered elsewhere in the meantime (or replaced by
# another one) gets no key at all: `changed`, with the screen as it is now, instead of `pressed`.
answer_prompt() {
  need_tmux
  resolve "$1" "$2" "$3"
  n=$4
  shift 4
  leave_mode "$pane"
  now=$(t capture-pane -p -t "$pane" | sed 's/[[:blank:]]*$//' | grep -v '^$' | tail -n "$n")
  if [ "$now" != "$E" ] || [ "$(t display-message -p -t "$pane" '#{pane_dead}')" != 0 ]; then
    say changed "$pane"
    t capture-pane -p -t "$pane"
    say end
    return
  fi
  t send-keys -t "$pane" "$@" || { say error keys; exit 0; }
  say pressed "$pane"
  # Did the prompt go? Claude Code can drop a key pressed the instant its prompt appears; never press
  # again (the next prompt may look the same), only say whether it closed within ~1.5 s.
  i=0
  while [ "$i" -lt 6 ]; do
    sleep 0.25
    now=$(t capture-pane -p -t "$pane" 2>/dev/null | sed 's/[[:blank:]]*$//' | grep -v '^$' | tail -n "$n")
    if [ "$now" != "$E" ]; then say closed; break; fi
    i=$((i + 1))
  done
  say end
}
