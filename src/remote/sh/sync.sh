# shellcheck shell=sh
# `trimtab sync` on a host: facts, Syncthing's REST API asked on the host's own loopback, and the
# projects' .stignore files. Needs prelude.sh. The API key never appears in argv (`ps` on a shared
# host) where curl is there: curl reads the header from a private file (`-H @file`, curl 7.55+).

# sync_facts PROJECTS_DIR: who and what the host is, and the project dirs (status and setup need both).
sync_facts() {
  dir=$1
  say facts
  printf 'home=%s\n' "$HOME"
  printf 'user=%s\n' "$(id -un 2>/dev/null)"
  # ID and ID_LIKE from os-release, read with sed: sourcing it would run whatever it contains.
  os=$(sed -n 's/^ID=//p' /etc/os-release 2>/dev/null | tr -d "\"'")
  like=$(sed -n 's/^ID_LIKE=//p' /etc/os-release 2>/dev/null | tr -d "\"'")
  [ -e /etc/NIXOS ] && os=nixos
  printf 'os=%s\nlike=%s\n' "${os:-unknown}" "$like"
  printf 'dir=%s\n' "$dir"
  say projects
  if [ -d "$dir" ]; then for p in "$dir"/*; do [ -d "$p" ] && printf '%s\n' "${p##*/}"; done; fi
}

# find_config [SYNCTHING_HOME]: $cfg, the first readable config.xml in Syncthing's own order (see
# configCandidates in core/sync/syncthing.ts); else says noconfig with the places looked, and ends.
find_config() {
  if [ -n "$1" ]; then
    set -- "$1/config.xml"
  else
    set -- "${XDG_CONFIG_HOME:-$HOME/.config}/syncthing/config.xml" "$HOME/.config/syncthing/config.xml" \
      "${XDG_STATE_HOME:-$HOME/.local/state}/syncthing/config.xml" "$HOME/.local/state/syncthing/config.xml" \
      "$HOME/Library/Application Support/Syncthing/config.xml" /var/lib/syncthing/.config/syncthing/config.xml
  fi
  cfg=
  for c in "$@"; do if [ -r "$c" ]; then cfg=$c; break; fi; done
  if [ -z "$cfg" ]; then say noconfig; printf '%s\n' "$@"; say end; exit 0; fi
  say config
  printf '%s\n' "$cfg"
}

unxml() {
  sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&amp;/\&/g'
}

# gui_base: $addr + $tls -> $base; the twin of guiBaseUrl() in core/sync/syncthing.ts.
gui_base() {
  case "$addr" in unix://* | /*) say nogui; echo "the GUI listens on a unix socket ($addr)"; say end; exit 0 ;; esac
  a=${addr#*://}
  while :; do case "$a" in */) a=${a%/} ;; *) break ;; esac; done
  case "$a" in *:*) gh=${a%:*}; port=${a##*:} ;; *) gh=$a; port=8384 ;; esac
  case "$gh" in "" | 0.0.0.0 | "[::]" | :: | "*") gh=127.0.0.1 ;; esac
  if [ "$tls" = true ]; then base="https://$gh:$port"; else base="http://$gh:$port"; fi
}

# sync_api [SYNCTHING_HOME]: find config.xml, read the key and address, set $base, and define
# `get PATH [FOLDER [DEVICE]]`, `send METHOD PATH` (body on stdin) and `fetch NAME PATH [FOLDER
# [DEVICE]]` (says `rest NAME` or `fail NAME CODE`, then the body; leaves it in $out). Ends the
# script after `say end` when any of that is impossible.
sync_api() {
  find_config "$1"
  # Only the <address> inside <gui>: every <device> has one too.
  key=$(sed -n 's:.*<apikey>\(.*\)</apikey>.*:\1:p' "$cfg" | head -n 1 | unxml)
  addr=$(sed -n '/<gui[ >]/,/<\/gui>/s:.*<address>\(.*\)</address>.*:\1:p' "$cfg" | head -n 1 | unxml)
  tls=$(sed -n 's:.*<gui [^>]*tls="\([a-z]*\)".*:\1:p' "$cfg" | head -n 1)
  enabled=$(sed -n 's:.*<gui [^>]*enabled="\([a-z]*\)".*:\1:p' "$cfg" | head -n 1)
  if [ "$enabled" = false ]; then say nogui; echo "the GUI/REST API is disabled in $cfg"; say end; exit 0; fi
  gui_base
  say api "$base"
  umask 077
  tmp=$(mktemp -d 2>/dev/null || mktemp -d -t trimtab) || { say nogui; echo "mktemp failed (for the API key file)"; say end; exit 0; }
  trap 'rm -rf "$tmp"' EXIT
  printf 'X-API-Key: %s\n' "$key" > "$tmp/h"
  if command -v curl >/dev/null 2>&1; then http=curl
  elif command -v wget >/dev/null 2>&1; then http=wget
  else say nohttp; say end; exit 0
  fi
}

# -k / --no-check-certificate: Syncthing's GUI certificate is self-signed, and this is the host
# talking to itself. wget cannot read a header from a file: the key shows in argv while it runs.
get() {
  if [ "$http" = curl ]; then
    if [ -n "$2" ]; then
      curl -sS -f -g -k --max-time 10 -H @"$tmp/h" -G --data-urlencode "folder=$2" ${3:+--data-urlencode "device=$3"} "$base$1"
    else
      curl -sS -f -g -k --max-time 10 -H @"$tmp/h" "$base$1"
    fi
  else
    case "$2" in *[!A-Za-z0-9._~-]*) echo "folder ID needs curl"; return 90 ;; esac
    wget -q -O - -T 10 --no-check-certificate --header="X-API-Key: $key" "$base$1${2:+?folder=$2}${3:+&device=$3}"
  fi
}

send() {
  if [ "$http" = curl ]; then
    curl -sS -f -g -k --max-time 10 -H @"$tmp/h" -X "$1" --data-binary @- "$base$2"
  else
    wget -q -O - -T 10 --no-check-certificate --header="X-API-Key: $key" --method="$1" --body-file=/dev/stdin "$base$2"
  fi
}

fetch() {
  n=$1
  shift
  if out=$(get "$@" 2>&1); then
    say rest "$n"
    printf '%s\n' "$out"
  else
    rc=$?
    say fail "$n" "$rc"
    printf '%s\n' "$out"
    return "$rc"
  fi
}

# sync_probe PROJECTS_DIR [SYNCTHING_HOME]: facts, projects, system status, connections, folder and
# device config, and for each folder in the projects dir its db/status and db/completion per peer.
sync_probe() {
  sync_facts "$1"
  sync_api "$2"
  fetch status /rest/system/status || { say end; exit 0; }
  # Device IDs are [A-Z0-9-] only: safe to pick out of the JSON with grep.
  me=$(printf '%s\n' "$out" | grep -o '"myID": *"[A-Z0-9-]*"' | sed 's/.*"\([A-Z0-9-]*\)"$/\1/')
  fetch connections /rest/system/connections
  fetch devices /rest/config/devices
  devs=$(printf '%s\n' "$out" | grep -o '"deviceID": *"[A-Z0-9-]*"' | sed 's/.*"\([A-Z0-9-]*\)"$/\1/' | grep -v -x -e "$me")
  fetch folders /rest/config/folders || { say end; exit 0; }
  # Pair each folder's "id" with its "path" (the only two keys of those names in a folder object);
  # IDs or paths with JSON escapes are skipped here and show as "unknown".
  printf '%s\n' "$out" | grep -o -e '"id": *"[^"\\]*"' -e '"path": *"[^"\\]*"' | sed 's/^"\([a-z]*\)": *"\(.*\)"$/\1 \2/' |
    while IFS= read -r line; do
      k=${line%% *}
      v=${line#* }
      if [ "$k" = id ]; then id=$v; continue; fi
      p=$v
      # A folder path Syncthing stores as "~/x": these are literal tildes to match, not to expand.
      # shellcheck disable=SC2088
      case "$p" in "~") p=$HOME ;; "~/"*) p="$HOME/${p#??}" ;; esac
      while :; do case "$p" in ?*/) p=${p%/} ;; *) break ;; esac; done
      if [ "${p%/*}" = "$dir" ] || { [ -n "$id" ] && [ -d "$dir/$id" ]; }; then
        say folder
        printf '%s\n' "$id"
        fetch dbstatus /rest/db/status "$id"
        # Per device: without one, v1.19 answers for this device only. Devices that do not share the
        # folder answer nonsense; Node only reads the folder's own peers.
        for d in $devs; do fetch "completion:$d" /rest/db/completion "$id" "$d"; done
      fi
    done
  say end
}

# sync_send I METHOD PATH BODY: one REST change with the host's own key; says `sent I` or `fail I CODE`.
sync_send() {
  if out=$(printf '%s' "$4" | send "$2" "$3" 2>&1); then say sent "$1"; else say fail "$1" $?; fi
  printf '%s\n' "$out"
}

# read_ignores PROJECTS_DIR all | read_ignores PROJECTS_DIR named NAME...: each project's .stignore
# as hex bytes (od is POSIX): exact, whatever the file holds.
read_ignores() {
  dir=$1
  which=$2
  shift 2
  say dir
  printf '%s\n' "$dir"
  [ -d "$dir" ] || { say nodir; say end; exit 0; }
  if [ "$which" = all ]; then set -- "$dir"/*; else
    for n in "$@"; do shift; set -- "$@" "$dir/$n"; done
  fi
  for p in "$@"; do
    n=${p##*/}
    if [ ! -d "$p" ]; then [ "$n" = "*" ] || say missing "$n"; continue; fi
    if [ -f "$p/.stignore" ]; then say file "$n"; od -An -v -tx1 "$p/.stignore"; else say none "$n"; fi
  done
  say end
}

# write_ignore PROJECTS_DIR NAME TEXT: replace one .stignore (temp file + mv, so Syncthing never reads
# half a file).
write_ignore() {
  f="$1/$2/.stignore"
  if printf '%s' "$3" > "$f.trimtab-$$" && mv -f "$f.trimtab-$$" "$f"; then say wrote "$2"; else say failed "$2"; fi
}
