#!/usr/bin/env bash
# Install trimtab for this user: build the single script, copy it to $PREFIX, link it into $BIN_DIR.
#   ./install.sh                 install (again: it is idempotent)
#   ./install.sh --uninstall     remove what install put there, nothing else
# PREFIX (default ~/.local/share/trimtab) and BIN_DIR (default ~/.local/bin) can be overridden.
set -euo pipefail

PREFIX="${PREFIX:-$HOME/.local/share/trimtab}"
BIN_DIR="${BIN_DIR:-$HOME/.local/bin}"
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=install

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --uninstall) mode=uninstall ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

if [ "$mode" = uninstall ]; then
  if [ -L "$BIN_DIR/trimtab" ] && [ "$(readlink "$BIN_DIR/trimtab")" = "$PREFIX/trimtab.mjs" ]; then
    rm -f "$BIN_DIR/trimtab"
  fi
  rm -f "$PREFIX/trimtab.mjs"
  rmdir "$PREFIX" 2>/dev/null || true
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
say "building trimtab..."
npm ci --no-audit --no-fund --loglevel=error >/dev/null
npm run --silent build
mkdir -p "$PREFIX" "$BIN_DIR"
install -m 755 dist/trimtab.mjs "$PREFIX/trimtab.mjs.new"
mv -f "$PREFIX/trimtab.mjs.new" "$PREFIX/trimtab.mjs" # atomic: a running trimtab keeps its file
ln -sfn "$PREFIX/trimtab.mjs" "$BIN_DIR/trimtab"
say "installed trimtab $("$BIN_DIR/trimtab" --version) -> $BIN_DIR/trimtab"

case ":$PATH:" in
  *":$BIN_DIR:"*) ;;
  *) say "note: $BIN_DIR is not on your PATH; add this to ~/.bashrc (or ~/.zshrc):"
     say "  export PATH=\"$BIN_DIR:\$PATH\"" ;;
esac
