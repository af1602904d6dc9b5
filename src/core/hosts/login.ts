/**
 * The SSH login entry (issue #3): the POSIX script that runs at login, and the marked blocks install.sh
 * adds to a profile or to authorized_keys. Pure text in, text out, so every edit can be undone exactly.
 */
import { shQuote } from '../quote.js';

/**
 * Runs at SSH login, from a profile (`exec`) or as an authorized_keys `command=`. Whatever happens to
 * trimtab or Node, it ends in the user's shell or in the command they asked for: never a lockout.
 * - `ssh host cmd`, scp, rsync: SSH_ORIGINAL_COMMAND runs through the login shell unchanged;
 *   sftp arrives as `internal-sftp`, which no shell can run: exec the sftp-server binary instead.
 * - a terminal: the menu, then a login shell with TRIMTAB_LOGIN set so the profile won't loop.
 */
export function loginScript(menuCommand: string[]): string {
  return `#!/bin/sh
# trimtab login entry: menu first, then your shell. Installed by trimtab's install.sh.
if [ -n "\${SSH_ORIGINAL_COMMAND:-}" ]; then
  case "$SSH_ORIGINAL_COMMAND" in
    internal-sftp|internal-sftp\\ *)
      for s in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server /usr/lib/ssh/sftp-server \\
               /usr/libexec/sftp-server /run/current-system/sw/libexec/sftp-server; do
        [ -x "$s" ] && exec "$s"
      done
      echo "trimtab login: no sftp-server binary found" >&2
      exit 1 ;;
  esac
  exec "\${SHELL:-/bin/sh}" -c "$SSH_ORIGINAL_COMMAND"
fi
if [ -t 0 ] && [ -t 1 ] && [ -z "\${TRIMTAB_LOGIN:-}" ]; then
  TRIMTAB_LOGIN=1
  export TRIMTAB_LOGIN
  saved=$(stty -g 2>/dev/null)
  # A menu that dies mid-screen leaves the terminal raw and in the alternate screen: put both back.
  ${menuCommand.map(shQuote).join(' ')} menu || {
    rc=$?
    [ -n "$saved" ] && stty "$saved" 2>/dev/null
    printf '\\033[?1049l\\033[?25h'
    echo "trimtab menu failed (exit $rc)" >&2
  }
fi
TRIMTAB_LOGIN=1
export TRIMTAB_LOGIN
exec "\${SHELL:-/bin/sh}" -l
`;
}

const START = '# >>> trimtab login menu >>>';
const END = '# <<< trimtab login menu <<<';
/** Flags on the start line record what adding the block changed, so removing it restores every byte. */
const ADDED_NEWLINE = ' +newline';
const CREATED = ' +created';

/** The profile block: only interactive SSH logins outside tmux, and never twice (guard variable). */
export function profileBlock(loginSh: string): string {
  const q = shQuote(loginSh);
  return [
    '# Starts the trimtab menu on interactive SSH logins; remove with install.sh --uninstall.',
    `if [ -n "\${SSH_TTY:-}" ] && [ -z "\${TMUX:-}" ] && [ -z "\${TRIMTAB_LOGIN:-}" ] && [ -t 0 ] && [ -x ${q} ]; then`,
    `  case $- in *i*) exec ${q} ;; esac`,
    'fi',
  ].join('\n');
}

/** `command="<loginSh>"` in front of a public key line. */
export function keyLine(loginSh: string, publicKey: string): string {
  const key = publicKey.trim().split('\n')[0]!.trim();
  if (!/^(ssh-|ecdsa-|sk-)\S+ \S+/.test(key)) throw new Error('not an OpenSSH public key line');
  if (loginSh.includes('"')) throw new Error('login script path must not contain a double quote');
  return `command="${loginSh}" ${key}`;
}

/**
 * Append a marked block (profile) or put it first (authorized_keys: sshd uses the first matching key).
 * `text` undefined: the file does not exist yet.
 */
export function addBlock(text: string | undefined, body: string, where: 'end' | 'start'): string {
  if (text?.includes(START)) return text; // already there: idempotent
  const flag = text === undefined ? CREATED : text !== '' && !text.endsWith('\n') && where === 'end' ? ADDED_NEWLINE : '';
  const block = `${START}${flag}\n${body}\n${END}\n`;
  if (where === 'start') return `${block}${text ?? ''}`;
  return `${text ?? ''}${flag === ADDED_NEWLINE ? '\n' : ''}${block}`;
}

/**
 * Remove the block exactly as addBlock put it: `null` means the file did not exist before (delete it).
 * Text without a block is returned unchanged.
 */
export function removeBlock(text: string): string | null {
  const start = text.indexOf(START);
  const endAt = text.indexOf(END, start);
  if (start < 0 || endAt < 0) return text;
  const flag = text.slice(start + START.length, text.indexOf('\n', start));
  let after = endAt + END.length;
  if (text[after] === '\n') after++;
  const rest = (flag === ADDED_NEWLINE ? text.slice(0, start - 1) : text.slice(0, start)) + text.slice(after);
  return flag === CREATED && rest === '' ? null : rest;
}

export const hasBlock = (text: string) => text.includes(START);
