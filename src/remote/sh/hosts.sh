# shellcheck shell=sh
# What a host has (doctor, prepare), and prepare's steps. Needs prelude.sh. Anything that might read
# stdin gets </dev/null: stdin is the script itself (`sh -s`).

# The ~/.claude files prepare copies and doctor compares (core/hosts/host-survey.ts, CLAUDE_FILES).
CLAUDE_FILES='CLAUDE.md settings.json'

# agent_lookup PROGRAM: in the PATH of a non-interactive command, else in a directory an npm,
# pipx-style or manual install uses and that PATH often lacks (`ssh HOST CMD` reads no
# ~/.bash_profile). Opens `agent found|elsewhere|missing`.
agent_lookup() {
  a=$1
  # dash's command -v prints a path that exists even when it is not executable: check.
  p=$(command -v "$a" 2>/dev/null)
  case "$p" in /*) { [ -x "$p" ] && [ ! -d "$p" ]; } || p= ;; esac
  if [ -n "$a" ] && [ -n "$p" ]; then
    say agent found
    printf '%s\n' "$p"
    return
  fi
  f=
  b=${a##*/}
  for d in "$HOME/.npm-global/bin" "$HOME/.local/bin" /usr/local/bin; do
    if [ -n "$b" ] && [ -x "$d/$b" ] && [ ! -d "$d/$b" ]; then f="$d/$b"; break; fi
  done
  if [ -n "$f" ]; then say agent elsewhere; printf '%s\n' "$f"; else say agent missing; fi
}

# survey SESSION PROJECTS_DIR PROGRAM [NAME...]: tools, the agent, the projects dir, the session, the
# ~/.claude files, and what sits at each NAME in the projects dir.
survey() {
  session=$1 P=$2 program=$3
  shift 3
  say home; printf '%s\n' "$HOME"
  say path; printf '%s\n' "$PATH"
  say tmux; tmux -V 2>/dev/null </dev/null | head -n 1
  say git; git --version 2>/dev/null </dev/null | head -n 1
  say node; node --version 2>/dev/null </dev/null | head -n 1
  agent_lookup "$program"
  say projectsdir; printf '%s\n' "$P"
  if [ -d "$P" ]; then
    n=0
    for d in "$P"/*/; do [ -d "$d" ] && n=$((n + 1)); done
    say projects yes "$n"
  else
    say projects no 0
  fi
  if ! command -v tmux >/dev/null 2>&1; then say session notmux
  elif t has-session -t "=$session" 2>/dev/null; then say session yes
  else say session no
  fi
  for f in $CLAUDE_FILES; do
    if [ -f "$HOME/.claude/$f" ]; then say file "$f" present "$(h < "$HOME/.claude/$f")"; else say file "$f" missing; fi
  done
  for name in "$@"; do survey_project "$name"; done
  say end
}

# A dir is a clone only when it is the top of a work tree: a plain dir inside another repo is not.
survey_project() {
  d="$P/$1"
  if [ ! -e "$d" ] && [ ! -L "$d" ]; then say project "$1" absent
  elif [ ! -d "$d" ]; then say project "$1" notdir
  elif top=$(git -C "$d" rev-parse --show-toplevel 2>/dev/null </dev/null) && [ "$top" = "$(cd "$d" && pwd -P)" ]; then
    say project "$1" git
    git -C "$d" remote get-url origin 2>/dev/null </dev/null
    for r in $(git -C "$d" remote </dev/null); do git -C "$d" remote get-url "$r" </dev/null; done 2>/dev/null
  else
    say project "$1" nogit
  fi
}

# Prepare's steps, each re-checking what the survey found and leaving anything changed since alone.
# use_dir PROJECTS_DIR first: the others work in $P.
use_dir() {
  P=$1
}

prepare_mkdir() {
  if e=$(mkdir -p "$P" 2>&1); then say mkdir ok; else say mkdir fail; printf '%s\n' "$e"; fi
}

# prepare_clone NAME URL. No prompts: stdin is this script, and nobody is there to type a password.
prepare_clone() {
  d="$P/$1"
  if [ -e "$d" ] || [ -L "$d" ]; then say clone "$1" exists
  elif e=$(GIT_TERMINAL_PROMPT=0 git clone --quiet -- "$2" "$d" 2>&1 </dev/null); then say clone "$1" ok
  else say clone "$1" fail; printf '%s\n' "$e"
  fi
}

# prepare_file NAME SHA256 EXPECT BACKUP MODE BASE64: write ~/.claude/NAME (temp file, then mv) when
# its hash is still EXPECT (`missing`: absent); BACKUP (may be empty) keeps the old one, never
# overwriting an older backup (-1, -2... are added).
prepare_file() {
  mkdir -p "$HOME/.claude"
  f="$HOME/.claude/$1"
  tmp="$f.trimtab-$$"
  b=
  if [ -f "$f" ]; then cur=$(h < "$f"); else cur=missing; fi
  if [ "$cur" != "$3" ]; then say file "$1" changed; return; fi
  if [ -n "$4" ]; then
    b="$HOME/.claude/$4"
    base=$b
    n=1
    while [ -e "$b" ] || [ -L "$b" ]; do b="$base-$n"; n=$((n + 1)); done
  fi
  (umask 077; printf '%s' "$6" | base64 -d > "$tmp")
  got=$(h < "$tmp")
  if [ -n "$got" ] && [ "$got" != "$2" ]; then rm -f "$tmp"; say file "$1" fail corrupt
  elif [ -n "$b" ] && ! cp -p "$f" "$b"; then rm -f "$tmp"; say file "$1" fail backup
  elif chmod "$5" "$tmp" && mv -f "$tmp" "$f"; then say file "$1" ok "${b##*/}"
  else rm -f "$tmp"; say file "$1" fail write
  fi
}

# prepare_session SESSION WINDOW: a session needs a window: a shell in the projects dir, which list
# leaves out (core/agents/agents.ts, SHELL_WINDOW).
prepare_session() {
  if [ -d "$P" ]; then tmux_literal "$P"; else tmux_literal "$HOME"; fi
  # shellcheck disable=SC2154 # lit: set by tmux_literal (prelude.sh)
  c=$lit
  if t has-session -t "=$1" 2>/dev/null; then say session exists
  elif e=$(t new-session -d -s "$1" -n "$2" -c "$c" 2>&1 </dev/null); then say session ok
  else say session fail; printf '%s\n' "$e"
  fi
}

# prepare_version PROGRAM COMMAND SECONDS: where the agent is, then `COMMAND --version` with a kill
# timer (no `timeout` on macOS): an agent that ignores the flag must not hang prepare.
prepare_version() {
  agent_lookup "$1"
  o=$(mktemp 2>/dev/null || echo "/tmp/trimtab-agent-$$")
  sh -c "$2 --version" </dev/null >"$o" 2>&1 &
  p=$!
  (sleep "$3"; kill "$p" 2>/dev/null) </dev/null >/dev/null 2>&1 &
  k=$!
  wait "$p"
  s=$?
  kill "$k" 2>/dev/null
  say version "$s"
  head -n 5 "$o"
  rm -f "$o"
}
