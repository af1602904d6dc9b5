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
  # Ctrl-C while the menu waits on a host sends SIGINT to the whole foreground process group, this
  # script included; a non-interactive sh dies of it, and the SSH login ends with no shell. A trap that
  # runs a command (not '') keeps this script alive, and children still get the default action, so
  # Ctrl-C still ends the menu. QUIT is Ctrl-backslash; HUP/TERM: a dropped link or a kill also falls through.
  trap 'interrupted=1' INT QUIT TERM HUP
  TRIMTAB_LOGIN=1
  export TRIMTAB_LOGIN
  saved=$(stty -g 2>/dev/null)
  # A menu that dies mid-screen leaves the terminal raw, without echo or cursor, and in the alternate
  # screen: put all of it back (only then: on a clean exit the menu already did, and a second
  # ?1049l would restore a cursor position nobody saved).
  ${menuCommand.map(shQuote).join(' ')} menu || {
    rc=$?
    { [ -n "$saved" ] && stty "$saved"; } 2>/dev/null || stty sane 2>/dev/null
    printf '\\033[?1049l\\033[?25h\\033[0m\\n'
    if [ -n "\${interrupted:-}" ]; then echo "trimtab menu interrupted (exit $rc)" >&2
    else echo "trimtab menu failed (exit $rc)" >&2; fi
  }
  trap - INT QUIT TERM HUP
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

/**
 * The authorized_keys line for the phone key: `restrict` turns off port, agent and X11 forwarding and
 * ~/.ssh/rc (OpenSSH 7.2+, sshd(8) AUTHORIZED_KEYS FILE FORMAT), `pty` gives the menu its terminal
 * back; scp and sftp need neither (the login script runs them). sshd hands command= to the user's
 * shell as `shell -c COMMAND`, so the path is POSIX-quoted for that shell (a space in it must not
 * split it), and inside the option's double quotes sshd undoes only `\"` (auth-options.c,
 * opt_dequote): every other byte, a backslash included, reaches the shell as written.
 */
export function keyLine(loginSh: string, publicKey: string): string {
  const key = publicKey.trim().split('\n')[0]!.trim();
  if (!/^(ssh-|ecdsa-|sk-)\S+ \S+/.test(key)) throw new Error('not an OpenSSH public key line');
  if (/[\0\r\n]/.test(loginSh)) throw new Error('login script path must not contain a newline or NUL');
  const command = shQuote(loginSh).replaceAll('"', '\\"');
  return `restrict,pty,command="${command}" ${key}`;
}

/**
 * Append a marked block (profile) or put it first (authorized_keys: sshd uses the first matching key).
 * `text` undefined: the file does not exist yet.
 */
export function addBlock(text: string | undefined, body: string, where: 'end' | 'start'): string {
  if (text?.includes(START)) return text; // already there: idempotent
  const flag =
    text === undefined ? CREATED : text !== '' && !text.endsWith('\n') && where === 'end' ? ADDED_NEWLINE : '';
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
