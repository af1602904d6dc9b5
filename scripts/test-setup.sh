#!/usr/bin/env bash
# Makes sure the programs the integration tests drive for real are present: tmux, OpenSSH's sshd
# and ssh client, git, Syncthing (with curl and wget), shellcheck. As root with apt-get it installs what is missing; otherwise it says exactly
# what to install and fails (tests never silently skip the lab).
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
