# shellcheck shell=sh
# The start of every script trimtab sends (`sh -s` on stdin). The line before it sets M, the marker
# that opens each section of the answer (`$M TAG ARGS...`; a per-call nonce, so pane text cannot fake
# one), and TS, the host's tmux socket name (empty: the default server).
: "${M:?}" "${TS=}"

say() { printf '%s %s\n' "$M" "$*"; }

# First words back, before anything that can be slow: proof the connection and the shell work (a
# hung ssh master accepts a session and says nothing). The transport waits for exactly this.
say hello

# -u: an ssh session often has LANG unset, and tmux in a non-UTF-8 locale turns the TABs of -F output
# (and non-ASCII names) into '_'. Seen with tmux 3.3a under LC_ALL=C.
t() {
  if [ -n "$TS" ]; then tmux -u -L "$TS" "$@"; else tmux -u "$@"; fi
}

# tmux_literal VALUE: sets `lit` to VALUE with each # doubled. tmux expands formats in the -c, -n and
# -s arguments of new-session, new-window and respawn-pane (tmux 3.3a: "#(touch x)" in a -c directory
# runs touch, "#{pane_id}" changes the path), and "##" is its literal "#". Names are checked before
# they get here; a projects dir is the user's own free text. Then as tmux_arg.
tmux_literal() {
  lit='' rest=$1
  while :; do
    case $rest in
      *'#'*) lit="$lit${rest%%#*}##" rest=${rest#*#} ;;
      *) break ;;
    esac
  done
  tmux_arg "$lit$rest"
}

# tmux_arg VALUE: sets `lit` to VALUE as one tmux argument. tmux reads an argument that ends in ";"
# as the end of a command (tmux(1), COMMAND PARSING: "a;" loses its ";", and what follows is another
# command), and a final backslash-semicolon as a plain ";". So a final ";" gets a backslash before it,
# after one already there too: X; is sent as X\; and tmux gives back X; for any X.
tmux_arg() {
  case $1 in
    *';') lit="${1%;}\\;" ;;
    *) lit=$1 ;;
  esac
}

# sha256 of stdin: sha256sum (GNU, busybox), shasum (macOS), openssl as a last resort; nothing without any.
h() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256
  elif command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r
  else cat >/dev/null
  fi | cut -d ' ' -f 1
}
