/**
 * Shell scripts for `trimtab sync` on a remote host, fed to `ssh HOST sh -s` like script.ts's (every
 * datum POSIX-quoted; the login shell only sees `sh -s`), and the parsers for what they print.
 *
 * probeScript: one round trip per host. It finds config.xml, reads the API key and GUI address with
 * sed, and asks the REST API on the host's own loopback with curl (or wget), printing each raw JSON
 * answer in its own section for Node to parse. The key never appears in argv (`ps` on a shared host):
 * curl reads the header from a private file (`-H @file`, curl 7.55+).
 */
import type { Host } from '../hosts/config.js';
import type { Section } from '../protocol.js';
import { shQuote } from '../quote.js';
import { dirExpr } from '../script.js';
import { emptyProbe, type Probe, type Reply } from './syncthing.js';

const preamble = (marker: string) => [`M=${shQuote(marker)}`, 'say() { printf "%s %s\\n" "$M" "$*"; }'];

/** Facts and project dirs: both needed by status and setup. */
function factLines(host: Host): string[] {
  return [
    'say facts',
    'printf "home=%s\\n" "$HOME"',
    'printf "user=%s\\n" "$(id -un 2>/dev/null)"',
    // ID and ID_LIKE from os-release, read with sed: sourcing it would run whatever it contains.
    `os=$(sed -n 's/^ID=//p' /etc/os-release 2>/dev/null | tr -d "\\"'"); like=$(sed -n 's/^ID_LIKE=//p' /etc/os-release 2>/dev/null | tr -d "\\"'")`,
    '[ -e /etc/NIXOS ] && os=nixos',
    'printf "os=%s\\nlike=%s\\n" "${os:-unknown}" "$like"',
    `dir=${dirExpr(host.projectsDir)}`,
    'printf "dir=%s\\n" "$dir"',
    'say projects',
    'if [ -d "$dir" ]; then for p in "$dir"/*; do [ -d "$p" ] && printf "%s\\n" "${p##*/}"; done; fi',
  ];
}

/** config.xml candidates as shell words, in Syncthing's own order (see configCandidates in syncthing.ts). */
function candidateWords(host: Host): string {
  if (host.syncthingHome) return `${dirExpr(host.syncthingHome)}/config.xml`;
  return [
    '"${XDG_CONFIG_HOME:-$HOME/.config}/syncthing/config.xml"',
    '"$HOME/.config/syncthing/config.xml"',
    '"${XDG_STATE_HOME:-$HOME/.local/state}/syncthing/config.xml"',
    '"$HOME/.local/state/syncthing/config.xml"',
    '"$HOME/Library/Application Support/Syncthing/config.xml"',
    '/var/lib/syncthing/.config/syncthing/config.xml',
  ].join(' ');
}

/**
 * Find config.xml, read the key and address, set `$base`, and define `get PATH [FOLDER [DEVICE]]`,
 * `send METHOD PATH` (body on stdin) and `fetch NAME PATH [FOLDER [DEVICE]]` (prints `say rest NAME`
 * or `say fail NAME CODE`, then the body; leaves it in `$out`). Exits after `say end` when any of
 * that is impossible.
 */
function apiLines(host: Host): string[] {
  return [
    'cfg=',
    `for c in ${candidateWords(host)}; do if [ -r "$c" ]; then cfg=$c; break; fi; done`,
    `if [ -z "$cfg" ]; then say noconfig; for c in ${candidateWords(host)}; do printf "%s\\n" "$c"; done; say end; exit 0; fi`,
    'say config',
    'printf "%s\\n" "$cfg"',
    `unxml() { sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&amp;/\\&/g'; }`,
    // Only the <address> inside <gui>: every <device> has one too.
    `key=$(sed -n 's:.*<apikey>\\(.*\\)</apikey>.*:\\1:p' "$cfg" | head -n 1 | unxml)`,
    `addr=$(sed -n '/<gui[ >]/,/<\\/gui>/s:.*<address>\\(.*\\)</address>.*:\\1:p' "$cfg" | head -n 1 | unxml)`,
    `tls=$(sed -n 's:.*<gui [^>]*tls="\\([a-z]*\\)".*:\\1:p' "$cfg" | head -n 1)`,
    `enabled=$(sed -n 's:.*<gui [^>]*enabled="\\([a-z]*\\)".*:\\1:p' "$cfg" | head -n 1)`,
    'if [ "$enabled" = false ]; then say nogui; echo "the GUI/REST API is disabled in $cfg"; say end; exit 0; fi',
    ...guiBaseLines(),
    'say api "$base"',
    'umask 077',
    'tmp=$(mktemp -d 2>/dev/null || mktemp -d -t trimtab) || { say nogui; echo "mktemp failed (for the API key file)"; say end; exit 0; }',
    `trap 'rm -rf "$tmp"' EXIT`,
    'printf "X-API-Key: %s\\n" "$key" > "$tmp/h"',
    'if command -v curl >/dev/null 2>&1; then',
    // -k: Syncthing's GUI certificate is self-signed, and this is the host talking to itself.
    '  get() { if [ -n "$2" ]; then curl -sS -f -g -k --max-time 10 -H @"$tmp/h" -G --data-urlencode "folder=$2" ${3:+--data-urlencode "device=$3"} "$base$1"; else curl -sS -f -g -k --max-time 10 -H @"$tmp/h" "$base$1"; fi; }',
    '  send() { curl -sS -f -g -k --max-time 10 -H @"$tmp/h" -X "$1" --data-binary @- "$base$2"; }',
    'elif command -v wget >/dev/null 2>&1; then',
    // wget cannot read a header from a file: the key shows in argv for the moment it runs.
    '  get() { case "$2" in *[!A-Za-z0-9._~-]*) echo "folder ID needs curl"; return 90;; esac',
    '    wget -q -O - -T 10 --no-check-certificate --header="X-API-Key: $key" "$base$1${2:+?folder=$2}${3:+&device=$3}"; }',
    '  send() { wget -q -O - -T 10 --no-check-certificate --header="X-API-Key: $key" --method="$1" --body-file=/dev/stdin "$base$2"; }',
    'else say nohttp; say end; exit 0; fi',
    'fetch() { n=$1; shift; if out=$(get "$@" 2>&1); then say rest "$n"; printf "%s\\n" "$out"; else rc=$?; say fail "$n" "$rc"; printf "%s\\n" "$out"; return "$rc"; fi; }',
  ];
}

/** `$addr` + `$tls` -> `$base`; the twin of guiBaseUrl() in syncthing.ts. */
export function guiBaseLines(): string[] {
  return [
    'case "$addr" in unix://*|/*) say nogui; echo "the GUI listens on a unix socket ($addr)"; say end; exit 0;; esac',
    'a=${addr#*://}',
    'while :; do case "$a" in */) a=${a%/};; *) break;; esac; done',
    'case "$a" in *:*) h=${a%:*}; port=${a##*:};; *) h=$a; port=8384;; esac',
    'case "$h" in ""|0.0.0.0|"[::]"|::|"*") h=127.0.0.1;; esac',
    'if [ "$tls" = true ]; then base="https://$h:$port"; else base="http://$h:$port"; fi',
  ];
}

/**
 * Status and setup: facts, projects, then system status, connections, folder and device config, and
 * for each folder in the projects dir its db/status and db/completion.
 */
export function probeScript(marker: string, host: Host): string {
  return [
    ...preamble(marker),
    ...factLines(host),
    ...apiLines(host),
    'fetch status /rest/system/status || { say end; exit 0; }',
    // Device IDs are [A-Z0-9-] only: safe to pick out of the JSON with grep.
    `me=$(printf '%s\\n' "$out" | grep -o '"myID": *"[A-Z0-9-]*"' | sed 's/.*"\\([A-Z0-9-]*\\)"$/\\1/')`,
    'fetch connections /rest/system/connections',
    'fetch devices /rest/config/devices',
    `devs=$(printf '%s\\n' "$out" | grep -o '"deviceID": *"[A-Z0-9-]*"' | sed 's/.*"\\([A-Z0-9-]*\\)"$/\\1/' | grep -v -x -e "$me")`,
    'fetch folders /rest/config/folders || { say end; exit 0; }',
    'folders=$out',
    // Pair each folder's "id" with its "path" (the only two keys of those names in a folder object);
    // IDs or paths with JSON escapes are skipped here and show as "unknown".
    `printf '%s\\n' "$folders" | grep -o -e '"id": *"[^"\\\\]*"' -e '"path": *"[^"\\\\]*"' | sed 's/^"\\([a-z]*\\)": *"\\(.*\\)"$/\\1 \\2/' |`,
    'while IFS= read -r line; do',
    '  k=${line%% *}; v=${line#* }',
    '  if [ "$k" = id ]; then id=$v; continue; fi',
    '  p=$v; case "$p" in "~") p=$HOME;; "~/"*) p="$HOME/${p#??}";; esac',
    '  while :; do case "$p" in ?*/) p=${p%/};; *) break;; esac; done',
    '  if [ "${p%/*}" = "$dir" ] || { [ -n "$id" ] && [ -d "$dir/$id" ]; }; then',
    '    say folder; printf "%s\\n" "$id"',
    '    fetch dbstatus /rest/db/status "$id"',
    // Per device: without one, v1.19 answers for this device only. Devices that do not share the
    // folder answer nonsense; Node only reads the folder's own peers.
    '    for d in $devs; do fetch "completion:$d" /rest/db/completion "$id" "$d"; done',
    '  fi',
    'done',
    'say end',
  ].join('\n');
}

/** The sections of a probeScript run as a Probe. */
export function probeFromSections(sections: Section[]): Probe {
  const probe = emptyProbe();
  let folder: string | undefined;
  const body = (s: Section) => s.lines.join('\n').replace(/\n+$/, '');
  for (const s of sections) {
    if (s.tag === 'facts') {
      const kv = Object.fromEntries(s.lines.filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      probe.home = kv.home ?? '';
      probe.user = kv.user ?? '';
      probe.os = kv.os || 'unknown';
      probe.osLike = (kv.like ?? '').split(/\s+/).filter(Boolean);
      probe.projectsDir = kv.dir ?? '';
    } else if (s.tag === 'projects') {
      probe.projects = s.lines.filter((l) => l !== '');
    } else if (s.tag === 'noconfig') {
      probe.problem = { kind: 'noconfig', looked: s.lines.filter((l) => l !== '') };
    } else if (s.tag === 'nogui') {
      probe.problem = { kind: 'nogui', detail: body(s) };
    } else if (s.tag === 'nohttp') {
      probe.problem = { kind: 'nohttp' };
    } else if (s.tag === 'config') {
      probe.configPath = s.lines[0];
    } else if (s.tag === 'api') {
      probe.api = s.args[0];
    } else if (s.tag === 'folder') {
      folder = s.lines[0] ?? '';
    } else if (s.tag === 'rest' || s.tag === 'fail') {
      const name = s.args[0] ?? '';
      const reply: Reply = s.tag === 'rest' ? { ok: true, body: body(s) } : { ok: false, code: Number(s.args[1]), body: body(s) };
      if (folder !== undefined && name === 'dbstatus') {
        (probe.perFolder[folder] ??= { completion: {} }).dbstatus = reply;
      } else if (folder !== undefined && name.startsWith('completion:')) {
        (probe.perFolder[folder] ??= { completion: {} }).completion[name.slice('completion:'.length)] = reply;
      } else if (name === 'status' || name === 'connections' || name === 'folders' || name === 'devices') {
        probe.rest[name] = reply;
        if (name === 'status' && !reply.ok) probe.problem = { kind: 'api', url: probe.api ?? '', code: reply.code, detail: reply.body };
      }
    }
  }
  return probe;
}

/** One REST change for --apply: POST /rest/config/devices, PATCH /rest/config/folders/ID... */
export interface ApiRequest {
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  body: unknown;
}

/** Send each request with the host's own key; prints `say sent I` or `say fail I CODE` per request. */
export function applyScript(marker: string, host: Host, requests: ApiRequest[]): string {
  const lines = [...preamble(marker), ...apiLines(host)];
  requests.forEach((r, i) => {
    lines.push(
      `if out=$(printf '%s' ${shQuote(JSON.stringify(r.body))} | send ${r.method} ${shQuote(r.path)} 2>&1); then say sent ${i}; else say fail ${i} $?; fi`,
      'printf "%s\\n" "$out"',
    );
  });
  lines.push('say end');
  return lines.join('\n');
}

/** `.stignore` of each project, as hex bytes (od is POSIX): exact, whatever the file holds. */
export function readIgnoresScript(marker: string, host: Host, projects: string[] | 'all'): string {
  const list = projects === 'all' ? '"$dir"/*' : projects.map((p) => `"$dir"/${shQuote(p)}`).join(' ');
  return [
    ...preamble(marker),
    `dir=${dirExpr(host.projectsDir)}`,
    'say dir; printf "%s\\n" "$dir"',
    '[ -d "$dir" ] || { say nodir; say end; exit 0; }',
    `for p in ${list}; do`,
    '  n=${p##*/}',
    '  if [ ! -d "$p" ]; then [ "$n" = "*" ] || say missing "$n"; continue; fi',
    '  if [ -f "$p/.stignore" ]; then say file "$n"; od -An -v -tx1 "$p/.stignore"; else say none "$n"; fi',
    'done',
    'say end',
  ].join('\n');
}

/** Bytes from `od -An -tx1` lines. */
export const fromHex = (lines: string[]): string =>
  Buffer.from(lines.join(' ').trim().split(/\s+/).filter(Boolean).map((h) => parseInt(h, 16))).toString('utf8');

/** Replace each project's `.stignore` (temp file + mv, so Syncthing never reads half a file). */
export function writeIgnoresScript(marker: string, host: Host, files: Array<{ project: string; text: string }>): string {
  const lines = [...preamble(marker), `dir=${dirExpr(host.projectsDir)}`];
  for (const f of files) {
    const target = `"$dir"/${shQuote(f.project)}/.stignore`;
    lines.push(`if printf '%s' ${shQuote(f.text)} > ${target}.trimtab-$$ && mv -f ${target}.trimtab-$$ ${target}; then say wrote ${shQuote(f.project)}; else say failed ${shQuote(f.project)}; fi`);
  }
  lines.push('say end');
  return lines.join('\n');
}
