#!/usr/bin/env bash
# Makes sure the programs the integration tests drive for real are present: tmux, OpenSSH's sshd
# and ssh client, git, Syncthing (with curl and wget), shellcheck, and the pinned Claude Code release.
# As root with apt-get it installs what is missing; otherwise it says exactly what to install and
# fails (tests never silently skip the lab).
set -euo pipefail

missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
{ command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; } || missing+=(openssh-server)
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v syncthing >/dev/null 2>&1 || missing+=(syncthing)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v wget >/dev/null 2>&1 || missing+=(wget)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v ps >/dev/null 2>&1 || missing+=(procps)
command -v pgrep >/dev/null 2>&1 || missing+=(procps)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
{ command -v useradd >/dev/null 2>&1 || [ -x /usr/sbin/useradd ]; } || missing+=(passwd)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test setup: missing ${missing[*]}." >&2
    echo "  Debian/Ubuntu: sudo apt-get install -y ${missing[*]}" >&2
    echo "  Fedora: sudo dnf install -y tmux openssh-server openssh-clients git syncthing curl wget ShellCheck" >&2
    exit 1
  fi
fi

# sshd, started as root, wants its privilege separation directory.
if [ "$(id -u)" = 0 ]; then mkdir -p /run/sshd; fi

# The real Claude Code, pinned, from npm, into a cache outside the repo (~370 MB with its native
# binary). test/lab/real-claude.ts finds it by the same rule: $TRIMTAB_LAB_CLAUDE, else this path.
claude_version=2.1.328
claude_dir="${XDG_CACHE_HOME:-$HOME/.cache}/trimtab-lab/claude-code-$claude_version"
claude_bin="${TRIMTAB_LAB_CLAUDE:-$claude_dir/node_modules/.bin/claude}"
claude_answers() { "$claude_bin" --version 2>/dev/null | grep -qF "$claude_version"; }
if ! claude_answers; then
  if [ -n "${TRIMTAB_LAB_CLAUDE:-}" ]; then
    echo "test setup: TRIMTAB_LAB_CLAUDE=$TRIMTAB_LAB_CLAUDE does not answer \`--version\` with $claude_version." >&2
    exit 1
  fi
  echo "test setup: installing @anthropic-ai/claude-code@$claude_version into $claude_dir" >&2
  mkdir -p "$claude_dir"
  # The package's postinstall is not needed: the native binary comes from its platform package
  # (@anthropic-ai/claude-code-linux-x64 and siblings), which npm installs as an optional dependency.
  if ! npm install --prefix "$claude_dir" --no-save --no-audit --no-fund --loglevel=error \
      "@anthropic-ai/claude-code@$claude_version" >&2 || ! claude_answers; then
    echo "test setup: could not install Claude Code $claude_version into $claude_dir." >&2
    echo "  It needs the npm registry (registry.npmjs.org) once; then it is cached there." >&2
    echo "  By hand: npm install --prefix '$claude_dir' @anthropic-ai/claude-code@$claude_version" >&2
    echo "  or point TRIMTAB_LAB_CLAUDE at a claude $claude_version binary." >&2
    exit 1
  fi
fi
