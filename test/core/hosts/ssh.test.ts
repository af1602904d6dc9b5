import { describe, expect, it } from 'vitest';
import { type ConfigFile, type Host, resolveConfig } from '../../../src/core/hosts/config.js';
import {
  attachHint,
  attachInvocation,
  insideServer,
  scriptInvocation,
  sshBaseArgs,
  tmuxArgs,
} from '../../../src/core/hosts/ssh.js';
import { SHELLS, wordsOf } from '../shells.js';

const FILE: ConfigFile = {
  hosts: [
    { name: 'fedora' },
    { name: 'thor', ssh: 'mac@thor', tmuxSocket: 'lab' },
    { name: 'plain', ssh: 'plain.tailnet.ts.net' },
  ],
  sshOptions: ['-F', '/tmp/lab/ssh_config'],
  connectTimeoutSeconds: 2.5,
};
const config = resolveConfig(FILE, { TRIMTAB_SSH: '/lab/ssh' }, 'fedora');
const host = (name: string) => config.hosts.find((h) => h.name === name)!;
const [HERE, THOR, PLAIN] = [host('fedora'), host('thor'), host('plain')];
const HERE_LAB: Host = { ...HERE, tmuxSocket: 'lab' };

describe('sshBaseArgs', () => {
  it('fails fast and never prompts', () => {
    expect(sshBaseArgs(config)).toEqual([
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=3',
      '-o',
      'ServerAliveInterval=5',
      '-o',
      'ServerAliveCountMax=2',
      '-F',
      '/tmp/lab/ssh_config',
    ]);
  });

  it('interactive (attach) may prompt: no BatchMode', () => {
    const args = sshBaseArgs(config, { interactive: true });
    expect(args.join(' ')).not.toContain('BatchMode');
    expect(args).toContain('ConnectTimeout=3');
  });

  it.each([
    [3, 3],
    [0.1, 1],
    [2.5, 3],
    [10, 10],
    [119.2, 120],
  ])('ConnectTimeout for %s s is %i', (seconds, n) => {
    expect(sshBaseArgs({ ...config, connectTimeoutSeconds: seconds })).toContain(`ConnectTimeout=${n}`);
  });
});

describe('scriptInvocation', () => {
  it('runs a local script with plain sh', () => {
    expect(scriptInvocation(config, HERE, 'echo hi')).toEqual({ file: 'sh', args: ['-s'], input: 'echo hi' });
  });

  it.each([
    [THOR, 'mac@thor'],
    [PLAIN, 'plain.tailnet.ts.net'],
  ])('sends only the constant words `sh -s` to %o', (h, dest) => {
    const inv = scriptInvocation(config, h, 'echo hi');
    expect(inv).toEqual({
      file: '/lab/ssh',
      args: [...sshBaseArgs(config), '-T', '--', dest, 'sh -s'],
      input: 'echo hi',
    });
    expect(inv.args.indexOf('-F')).toBeLessThan(inv.args.indexOf('--'));
  });
});

describe('tmuxArgs', () => {
  it.each<[Host, string[]]>([
    [HERE, ['ls']],
    [HERE_LAB, ['-L', 'lab', 'ls']],
  ])('%o', (h, args) => expect(tmuxArgs(h, ['ls'])).toEqual(args));
});

describe('attachInvocation', () => {
  it.each<[string, Host, boolean, string[]]>([
    ['outside tmux', HERE, false, ['attach-session', '-t', '%3']],
    ['inside the same server', HERE, true, ['switch-client', '-t', '%3']],
    ['own socket, outside', HERE_LAB, false, ['-L', 'lab', 'attach-session', '-t', '%3']],
    ['own socket, inside', HERE_LAB, true, ['-L', 'lab', 'switch-client', '-t', '%3']],
  ])('local, %s', (_name, h, inside, args) =>
    expect(attachInvocation(config, h, '%3', inside)).toEqual({ file: 'tmux', args }),
  );

  it.each<[Host, string, string[]]>([
    [THOR, 'mac@thor', ['tmux', '-u', '-L', 'lab', 'attach-session', '-t', '%3']],
    [PLAIN, 'plain.tailnet.ts.net', ['tmux', '-u', 'attach-session', '-t', '%3']],
  ])('remote %o: ssh -t with the tmux words quoted', (h, dest, words) => {
    const { file, args } = attachInvocation(config, h, '%3', true);
    expect(file).toBe('/lab/ssh');
    expect(args).toEqual([...sshBaseArgs(config, { interactive: true }), '-t', '--', dest, args.at(-1)]);
    expect(args.at(-1)).toContain(`attach-session -t '%3'`);
    for (const shell of SHELLS) expect(wordsOf(shell, args.at(-1)!), shell).toEqual(words);
  });
});

describe('attachHint', () => {
  it.each<[string, Host, string, string, string]>([
    ['local', HERE, 'agents', 'gridplay', "tmux attach -t '=agents:=gridplay'"],
    ['local, own socket', HERE_LAB, 'agents', 'gridplay', "tmux -L lab attach -t '=agents:=gridplay'"],
    ['local, a "." in the window', HERE, 'agents', 'grid.play', "tmux attach -t '%3'"],
    ['local, a "." in the session', HERE, 'a.b', 'x', "tmux attach -t '%3'"],
  ])('%s', (_name, h, session, window, hint) => expect(attachHint(h, session, window, '%3')).toBe(hint));

  it('remote names the ssh destination', () => {
    expect(attachHint(THOR, 'agents', 'gridplay', '%3')).toMatch(
      /^ssh -t mac@thor .*tmux -u -L lab attach -t .*=agents:=gridplay/,
    );
  });

  // Typed into a local shell, then re-parsed by the remote login shell (DESIGN.md, SSH): zsh reads an
  // unquoted leading '=' as a command lookup ("zsh: agents:=gridplay not found").
  it.each(
    SHELLS.flatMap((remote) =>
      [
        ['gridplay', '=agents:=gridplay'],
        ['grid.play', '%3'],
      ].map(([w, t]) => [remote, w!, t!]),
    ),
  )('remote hint survives a %s login shell (window %s)', (remote, window, target) => {
    const typed = wordsOf('sh', attachHint(THOR, 'agents', window, '%3'));
    expect(typed.slice(0, 3)).toEqual(['ssh', '-t', 'mac@thor']);
    expect(wordsOf(remote, typed.slice(3).join(' '))).toEqual(['tmux', '-u', '-L', 'lab', 'attach', '-t', target]);
  });
});

describe('insideServer', () => {
  it.each<[string | undefined, Host, number, boolean]>([
    ['/tmp/tmux-1000/default,1234,0', HERE, 1000, true],
    ['/tmp/tmux-1000/lab,1234,0', HERE_LAB, 1000, true],
    ['/tmp/tmux-1000/default,1234,0', HERE_LAB, 1000, false],
    ['/tmp/tmux-1000/lab,1234,0', HERE, 1000, false],
    ['/tmp/tmux-0/default,1234,0', HERE, 1000, false],
    ['/var/tmp/tmux-1000/default,1234,0', HERE, 1000, false],
    ['', HERE, 1000, false],
    [undefined, HERE, 1000, false],
  ])('TMUX=%j', (tmux, h, uid, inside) => expect(insideServer(tmux, h, uid, '/tmp')).toBe(inside));
});
