# shellcheck shell=sh
# Reading and answering an agent's prompt. Needs prelude.sh, target.sh (need_tmux, resolve, leave_mode)
# and, for answer_prompt, deliver.sh (keys_guard; the guard header AN, AA).
# $pane is set by resolve (target.sh), $ran by agent_in (deliver.sh); both are always sent with this.
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
# blanks removed, are still exactly $E (the prompt as the user was shown it). A KEY `=TEXT` is TEXT
# typed as it is (send-keys -l: a question's answer of one's own), never read as key names. Capture, compare and
# press happen in this one script, so a prompt answered elsewhere in the meantime (or replaced by
# another one) gets no key at all: `changed`, with the screen as it is now, instead of `pressed`.
# Like press_keys, only into the agent and under the pane's delivery lock: a shell whose screen happens
# to show the same lines would run what the keys spell, and a send mid-paste would get them mixed in.
answer_prompt() {
  need_tmux
  resolve "$1" "$2" "$3"
  rows=$4 # not n: lock_pane counts with $n (sh has one scope)
  shift 4
  keys_guard
  now=$(t capture-pane -p -t "$pane" | sed 's/[[:blank:]]*$//' | grep -v '^$' | tail -n "$rows")
  if [ "$now" != "$E" ] || [ "$(t display-message -p -t "$pane" '#{pane_dead}')" != 0 ]; then
    say changed "$pane"
    t capture-pane -p -t "$pane"
    say end
    unlock_all
    return
  fi
  typed=''
  for k; do case $k in =*) typed=1 ;; esac; done
  if [ -z "$typed" ]; then
    t send-keys -t "$pane" "$@" || { say error keys; exit 0; }
  else
    # Text after a key waits a moment: Claude Code moves its cursor (an arrow) in a redraw, and a
    # digit read before that would choose an option instead of being typed. A key after text waits
    # ENTER_DELAY (deliver.sh): Claude Code reads a burst of text+Enter as a newline in the text.
    last=''
    for k; do
      case $k in
        =*)
          [ "$last" != key ] || sleep 0.3
          last=text
          tmux_arg "${k#=}"
          t send-keys -t "$pane" -l -- "$lit"
          ;;
        *)
          [ "$last" != text ] || sleep "$ENTER_DELAY"
          last=key
          t send-keys -t "$pane" "$k"
          ;;
      esac || { say error keys; exit 0; }
    done
  fi
  unlock_all
  say pressed "$pane"
  # Did the prompt go? Claude Code can drop a key pressed the instant its prompt appears; never press
  # again (the next prompt may look the same), only say whether it closed within ~1.5 s.
  i=0
  while [ "$i" -lt 6 ]; do
    sleep 0.25
    now=$(t capture-pane -p -t "$pane" 2>/dev/null | sed 's/[[:blank:]]*$//' | grep -v '^$' | tail -n "$rows")
    if [ "$now" != "$E" ]; then say closed; break; fi
    i=$((i + 1))
  done
  say end
}
