#!/usr/bin/env bash
# Install trimtab for this user: build the single script, copy it to $PREFIX, link it into $BIN_DIR.
#   ./install.sh                         install (again: it is idempotent)
#   ./install.sh --login-menu            also start the menu on interactive SSH logins (profile block)
#   ./install.sh --login-key PHONE.pub   instead: only logins with that key land in the menu
#   ./install.sh --watch                 also run `trimtab watch` as a systemd user service
#   ./install.sh --uninstall             remove the script, the link, both kinds of block and the service
#   --no-build                           install the dist/trimtab.mjs that is already built
# PREFIX (default ~/.local/share/trimtab) and BIN_DIR (default ~/.local/bin) can be overridden.
set -euo pipefail

PREFIX="${PREFIX:-$HOME/.local/share/trimtab}"
BIN_DIR="${BIN_DIR:-$HOME/.local/bin}"
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=install
login=
keyfile=
build=1
watch=0
LOGIN_SH="$PREFIX/login.sh"
AUTH_KEYS="$HOME/.ssh/authorized_keys"
PROFILES=("$HOME/.bash_profile" "$HOME/.bash_login" "$HOME/.profile" "$HOME/.zprofile")
UNIT_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
UNIT="$UNIT_DIR/trimtab-watch.service"

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --uninstall) mode=uninstall ;;
    --login-menu) login=profile ;;
    --no-build) build=0 ;;
    --watch) watch=1 ;;
    --login-key) [ $# -ge 2 ] || die "--login-key needs a public key file"; login=key; keyfile="$2"; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done

need() { # need CMD WHAT APT DNF NIX
  command -v "$1" >/dev/null 2>&1 && return 0
  say "missing: $2" >&2
  say "  Debian/Ubuntu: sudo apt-get install -y $3" >&2
  say "  Fedora:        sudo dnf install -y $4" >&2
  say "  NixOS:         add $5 to environment.systemPackages (or home.packages)" >&2
  return 1
}

# systemctl --user needs the user's bus: absent in containers, under su, and over some ssh setups.
user_systemd() { command -v systemctl >/dev/null 2>&1 && systemctl --user show-environment >/dev/null 2>&1; }

# Text for a quoted word in a unit file: '%' is a specifier and '$' a variable there (systemd.service(5)).
unit_escape() { printf '%s' "$1" | sed -e 's/%/%%/g' -e 's/\$/$$/g' -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

write_unit() {
  local node_bin
  node_bin="$(command -v node)"
  mkdir -p "$UNIT_DIR"
  cat > "$UNIT.new" <<EOF
# Written by trimtab's install.sh --watch; removed by install.sh --uninstall.
[Unit]
Description=trimtab watch: push a notification when an agent needs you
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
# node by absolute path: a user manager's PATH often lacks ~/.npm-global/bin or a nix profile.
ExecStart="$(unit_escape "$node_bin")" "$(unit_escape "$PREFIX/trimtab.mjs")" watch
# ssh and tmux as this install found them.
Environment="PATH=$(unit_escape "$PATH")"
Restart=on-failure
RestartSec=10
# Exit 2 is a bad config: restarting cannot fix it (journalctl --user -u trimtab-watch says what).
RestartPreventExitStatus=2

[Install]
WantedBy=default.target
EOF
  mv -f "$UNIT.new" "$UNIT"
  say "watch: wrote $UNIT"
  if user_systemd && systemctl --user daemon-reload && systemctl --user enable --now trimtab-watch.service; then
    say "watch: enabled and started (logs: journalctl --user -u trimtab-watch)"
  else
    say "watch: no systemd user session here; enable it from a login session with:"
    say "  systemctl --user daemon-reload && systemctl --user enable --now trimtab-watch.service"
  fi
  say "watch: to keep it running while you are logged out: sudo loginctl enable-linger $(id -un)"
  say "watch: it sends to what \"notify\" in the config says (README, Notifications)"
}

remove_unit() {
  [ -f "$UNIT" ] || return 0
  if user_systemd; then systemctl --user disable --now trimtab-watch.service >/dev/null 2>&1 || true; fi
  rm -f "$UNIT"
  if user_systemd; then systemctl --user daemon-reload || true; fi
  say "removed $UNIT"
}

if [ "$mode" = uninstall ]; then
  remove_unit
  # Remove the marked blocks first, while the script that knows their exact shape is still here.
  if [ -x "$PREFIX/trimtab.mjs" ] && command -v node >/dev/null 2>&1; then
    for f in "${PROFILES[@]}" "$AUTH_KEYS"; do
      if [ -f "$f" ] && grep -q '^# >>> trimtab login menu >>>' "$f"; then
        "$PREFIX/trimtab.mjs" login --tool remove "$f" && say "removed the trimtab block from $f"
      fi
    done
  fi
  rm -f "$LOGIN_SH"
  if [ -L "$BIN_DIR/trimtab" ] && [ "$(readlink "$BIN_DIR/trimtab")" = "$PREFIX/trimtab.mjs" ]; then
    rm -f "$BIN_DIR/trimtab"
  fi
  rm -f "$PREFIX/trimtab.mjs"
  rmdir "$PREFIX" 2>/dev/null || true
  # The compiled-code caches (src/boot.ts) belong to the removed script; the config and hosts.json stay.
  cache="${TRIMTAB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/trimtab}"
  rm -f "$cache"/code-*.bin "$cache"/code-*.bin.[0-9]*
  rm -rf "$cache/node-compile-cache" # Node 22+: module.enableCompileCache
  say "trimtab removed"
  exit 0
fi

ok=1
need node "Node.js 20 or newer" nodejs nodejs pkgs.nodejs_20 || ok=0
need npm "npm" npm npm pkgs.nodejs_20 || ok=0
need tmux "tmux" tmux tmux pkgs.tmux || ok=0
need ssh "OpenSSH client" openssh-client openssh-clients pkgs.openssh || ok=0
[ "$ok" = 1 ] || die "install the above, then run ./install.sh again"
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || die "Node.js $(node --version) is too old: trimtab needs 20 or newer"

cd "$SRC"
if [ "$build" = 1 ]; then
  say "building trimtab..."
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  npm run --silent build
fi
[ -f dist/trimtab.mjs ] || die "dist/trimtab.mjs is missing: run without --no-build"

mkdir -p "$PREFIX" "$BIN_DIR"
install -m 755 dist/trimtab.mjs "$PREFIX/trimtab.mjs.new"
mv -f "$PREFIX/trimtab.mjs.new" "$PREFIX/trimtab.mjs" # atomic: a running trimtab keeps its file
ln -sfn "$PREFIX/trimtab.mjs" "$BIN_DIR/trimtab"
say "installed trimtab $("$BIN_DIR/trimtab" --version) -> $BIN_DIR/trimtab"

# The login entry: a POSIX script that runs the menu, then always hands over a shell.
"$PREFIX/trimtab.mjs" login --script "$BIN_DIR/trimtab" > "$LOGIN_SH.new"
chmod 755 "$LOGIN_SH.new"
mv -f "$LOGIN_SH.new" "$LOGIN_SH"

login_shell="$(getent passwd "$(id -un)" 2>/dev/null | cut -d: -f7)"
login_shell="${login_shell:-${SHELL:-}}"
if [ "$login" = profile ]; then
  # bash reads the first of these that exists; creating .bash_profile would hide an existing .profile.
  target="$HOME/.bash_profile"
  for f in "$HOME/.bash_profile" "$HOME/.bash_login" "$HOME/.profile"; do
    if [ -f "$f" ]; then target="$f"; break; fi
  done
  targets=("$target")
  case "$login_shell" in *zsh) targets+=("$HOME/.zprofile") ;; esac
  for f in "${targets[@]}"; do
    "$PREFIX/trimtab.mjs" login --tool add-profile "$f" "$LOGIN_SH"
    say "login menu: added a block to $f (interactive SSH logins only)"
  done
elif [ "$login" = key ]; then
  [ -r "$keyfile" ] || die "cannot read $keyfile"
  mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh"
  "$PREFIX/trimtab.mjs" login --tool add-key "$AUTH_KEYS" "$LOGIN_SH" "$keyfile"
  chmod 600 "$AUTH_KEYS"
  say "login menu: logins with $(basename "$keyfile") now land in the menu ($AUTH_KEYS)"
fi

if [ "$watch" = 1 ]; then write_unit; fi

case ":$PATH:" in
  *":$BIN_DIR:"*) ;;
  *) say "note: $BIN_DIR is not on your PATH; add this to ~/.bashrc (or ~/.zshrc):"
     say "  export PATH=\"$BIN_DIR:\$PATH\"" ;;
esac
