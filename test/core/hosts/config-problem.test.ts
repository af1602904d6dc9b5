import { describe, expect, it } from 'vitest';
import { configProblem, isConfigFile } from '../../../src/core/hosts/config.js';

const host = (extra: Record<string, unknown>) => ({ hosts: [{ name: 'thor', ...extra }] });

describe('configProblem', () => {
  it.each<[string, unknown]>([
    ['empty', {}],
    ['one bare host', { hosts: [{ name: 'thor' }] }],
    ['default tmux socket', host({ tmuxSocket: '' })],
    ['a Claude config dir under ~', host({ claudeConfigDir: '~/.claude-work' })],
    ['an absolute Claude config dir', host({ claudeConfigDir: '/srv/claude config' })],
    ['keys trimtab does not know at the top level (left alone)', { $comment: 'mine' }],
    [
      'everything',
      {
        session: 'agents',
        hosts: [
          {
            name: 'thor',
            ssh: 'mac@thor',
            projectsDir: '~/p',
            agentCommand: 'claude',
            tmuxSocket: 'lab-1',
            aliases: ['t'],
          },
        ],
        sshOptions: ['-F', '/tmp/ssh_config'],
        connectTimeoutSeconds: 2.5,
        offlineRetrySeconds: 0,
        cannedCommands: ['/status'],
        sync: { ignore: ['(?d)*.log'] },
      },
    ],
  ])('accepts %s', (_name, value) => {
    expect(configProblem(value)).toBeUndefined();
    expect(isConfigFile(value)).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['a list', [], 'the file: expected an object {...}, got a list'],
    ['null', null, 'the file: expected an object {...}, got null'],
    ['hosts as an object', { hosts: { thor: {} } }, 'hosts: expected a list [...], got an object'],
    ['a host without a name', { hosts: [{ name: 'a' }, { ssh: 'x' }] }, 'hosts[1]: missing "name"'],
    [
      'ssh starting with -',
      { hosts: [{ name: 'a' }, { name: 'b', ssh: '-oProxyCommand=sh' }] },
      'hosts[1].ssh: expected an ssh destination (USER@HOST or an ssh_config alias) not starting with "-" or a space, got "-oProxyCommand=sh"',
    ],
    ['empty ssh', host({ ssh: '' }), 'hosts[0].ssh: expected an ssh destination'],
    [
      'name with ;',
      { hosts: [{ name: 'thor;rm' }] },
      'hosts[0].name: expected a name of letters, digits, ".", "_", "-" (not starting with "." or "-"), got "thor;rm"',
    ],
    [
      'name too long',
      { hosts: [{ name: 'a'.repeat(101) }] },
      'hosts[0].name: expected at most 100 characters, got 101',
    ],
    [
      'unknown host key',
      host({ sshh: 'thor' }),
      'hosts[0].sshh: unknown key (known: name, ssh, projectsDir, agentCommand, tmuxSocket, aliases, syncthingHome, claudeConfigDir)',
    ],
    ['alias with $', host({ aliases: ['ok', '$(x)'] }), 'hosts[0].aliases[1]: expected a name'],
    ['empty Claude config dir', host({ claudeConfigDir: '' }), 'hosts[0].claudeConfigDir: expected a directory path'],
    [
      'Claude config dir with a newline',
      host({ claudeConfigDir: '/x\n/y' }),
      'hosts[0].claudeConfigDir: expected a directory path (Claude Code\'s CLAUDE_CONFIG_DIR; may start with ~/) without control characters, got "/x\\n/y"',
    ],
    ['tmux socket with /', host({ tmuxSocket: '../x' }), 'hosts[0].tmuxSocket: expected a tmux socket name'],
    ['empty agent command', host({ agentCommand: '' }), 'hosts[0].agentCommand: expected a non-empty string'],
    [
      'agent command as a list',
      host({ agentCommand: ['claude'] }),
      'hosts[0].agentCommand: expected a string, got a list',
    ],
    ['session with :', { session: 'a:b' }, 'session: expected a name'],
    [
      'timeout 0',
      { connectTimeoutSeconds: 0 },
      'connectTimeoutSeconds: expected a number above 0 and at most 120, got 0',
    ],
    [
      'timeout over 120',
      { connectTimeoutSeconds: 121 },
      'connectTimeoutSeconds: expected a number above 0 and at most 120, got 121',
    ],
    [
      'retry below 0',
      { offlineRetrySeconds: -1 },
      'offlineRetrySeconds: expected a number at least 0 and at most 86400, got -1',
    ],
    ['timeout as text', { connectTimeoutSeconds: '3' }, 'connectTimeoutSeconds: expected a number, got "3"'],
    ['sshOptions as a string', { sshOptions: '-v' }, 'sshOptions: expected a list [...], got "-v"'],
    [
      'a .stignore line with a newline',
      { sync: { ignore: ['a\nb'] } },
      'sync.ignore[0]: expected one line of .stignore pattern, got "a\\nb"',
    ],
    ['an unknown sync key', { sync: { ignroe: [] } }, 'sync.ignroe: unknown key (known: ignore)'],
  ])('refuses %s', (_name, value, message) => {
    expect(configProblem(value)).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(isConfigFile(value)).toBe(false);
  });

  it('shows a wrong value escaped and short: no control character reaches the terminal', () => {
    const problem = configProblem(host({ ssh: `-\u001b]52;c;aGk=\u0007${'x'.repeat(100)}\u009b` })) ?? '';
    expect(problem).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(problem.length).toBeLessThan(200);
  });
});
