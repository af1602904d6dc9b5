import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { addBlock, hasBlock, keyLine, loginScript, profileBlock, removeBlock } from '../../../src/core/hosts/login.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyExampleKeyExampleKeyExampleKey phone@termius';

describe('addBlock / removeBlock', () => {
  const body = profileBlock('/home/mac/.local/share/trimtab/login.sh');
  // Profiles as found in the field: empty, no final newline, CRLF, a block-like comment, unicode.
  const texts: (string | undefined)[] = [
    undefined,
    '',
    'export PATH=$HOME/bin:$PATH\n',
    'alias ll="ls -l"',
    '\n\n',
    'line one\r\nline two\r\n',
    '# trimtab login menu (not the marker)\necho hi\n',
    'echo "日本語" # ✓\n',
  ];

  it.each(texts.flatMap((t) => (['end', 'start'] as const).map((where) => [JSON.stringify(t), where, t] as const)))(
    '%s, block at the %s: removing restores every byte',
    (_name, where, text) => {
      const added = addBlock(text, body, where);
      expect(hasBlock(added)).toBe(true);
      expect(added).toContain(body);
      expect(removeBlock(added)).toBe(text === undefined ? null : text);
    },
  );

  it('at the end, the existing text comes first; at the start, the block does', () => {
    expect(addBlock('a\n', 'BODY', 'end').startsWith('a\n')).toBe(true);
    expect(addBlock('a\n', 'BODY', 'start').endsWith('a\n')).toBe(true);
  });

  it('adding twice changes nothing', () => {
    const once = addBlock('a\n', body, 'end');
    expect(addBlock(once, body, 'end')).toBe(once);
    expect(addBlock(once, 'another body', 'start')).toBe(once);
  });

  it('text without a block is returned unchanged, as is a block cut off before its end marker', () => {
    expect(removeBlock('plain\n')).toBe('plain\n');
    const added = addBlock('a\n', body, 'end');
    const cut = added.slice(0, added.indexOf('# <<<'));
    expect(removeBlock(cut)).toBe(cut);
  });

  it('hasBlock only sees the marker', () => {
    expect(hasBlock('# trimtab login menu\n')).toBe(false);
    expect(hasBlock(addBlock(undefined, 'x', 'end'))).toBe(true);
  });
});

describe('profileBlock', () => {
  it('quotes the login script path for the shell', () => {
    const block = profileBlock("/home/o'neil/my dir/login.sh");
    expect(block).toContain(`'/home/o'\\''neil/my dir/login.sh'`);
    expect(block).not.toContain('"/home/o');
  });

  it('starts the menu only for interactive SSH logins outside tmux, once', () => {
    const block = profileBlock('/x/login.sh');
    for (const guard of ['SSH_TTY', 'TMUX', 'TRIMTAB_LOGIN', '[ -t 0 ]', '*i*']) expect(block).toContain(guard);
  });

  it('is valid sh', () => {
    const r = execaSync('sh', ['-n'], { input: profileBlock("/a b/c'd.sh"), reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

describe('keyLine', () => {
  it('puts the login script in front of the first key line, without its trailing space or comment lines', () => {
    const line = keyLine('/x/login.sh', `  ${KEY}\n# second line\n`);
    expect(line.endsWith(KEY)).toBe(true);
    expect(line).toContain('/x/login.sh');
    expect(line.split('\n')).toHaveLength(1);
  });

  it.each<[string, string, string, RegExp]>([
    ['a private key', '/x/login.sh', '-----BEGIN OPENSSH PRIVATE KEY-----\nabc', /not an OpenSSH public key/],
    ['an empty file', '/x/login.sh', '', /not an OpenSSH public key/],
    ['a key type alone', '/x/login.sh', 'ssh-ed25519', /not an OpenSSH public key/],
    ['a path with a newline', '/x/login\n.sh', KEY, /newline or NUL/],
  ])('refuses %s', (_name, path, key, message) => {
    expect(() => keyLine(path, key)).toThrow(message);
  });

  it('takes ecdsa and security-key types', () => {
    for (const type of ['ecdsa-sha2-nistp256', 'sk-ssh-ed25519@openssh.com']) {
      expect(keyLine('/x', `${type} AAAAbase64 me`)).toMatch(new RegExp(`${type} AAAAbase64 me$`));
    }
  });
});

describe('loginScript', () => {
  it('runs the given command (quoted) with menu, and is valid sh', () => {
    const script = loginScript(['/opt/trim tab/trimtab.mjs']);
    expect(script).toContain(`'/opt/trim tab/trimtab.mjs' menu`);
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    const r = execaSync('sh', ['-n'], { input: script, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});
