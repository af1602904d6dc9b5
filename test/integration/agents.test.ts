/**
 * The agent commands end to end: the built dist/trimtab.mjs against the lab (real sshd, real tmux,
 * the fake agent). `here` is the local host (plain tmux), `thor` and `fedora` go through ssh.
 */
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, eventually, FAKE_AGENT, type Lab, type LabHost, startLab } from '../lab/lab.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.stop();
});

const listJson = async (extra: string[] = []) => {
  const r = await lab.trimtab(['list', '--json', ...extra]);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { hosts: Array<Record<string, unknown>>; agents: Array<Record<string, unknown>> };
};

const statusOf = async (target: string) => (await listJson()).agents.find((a) => a.target === target)?.status;

async function spawnIdle(host: LabHost, project: string) {
  lab.mkProject(host, project);
  const r = await lab.trimtab(['spawn', '--on', host, project]);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout.trim()).toBe(`${host}:agents:${project}`);
  await eventually(
    () => lab.agentLog(host, project).some((l) => l.event === 'start'),
    `${project} to start on ${host}`,
  );
  return `${host}:agents:${project}`;
}

describe('with no tmux server anywhere', () => {
  it('lists zero agents, warns once about the sleeping host and exits 0', async () => {
    const r = await lab.trimtab(['list', '--json']);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.agents).toEqual([]);
    expect(out.hosts).toEqual([
      { name: 'here', local: true, reachable: true, error: null },
      { name: 'thor', local: false, reachable: true, error: null },
      { name: 'fedora', local: false, reachable: true, error: null },
      { name: 'asleep', local: false, reachable: false, error: 'cannot reach asleep (timed out after 2 s)' },
    ]);
    expect(r.stderr.trim().split('\n')).toEqual(['⚠ cannot reach asleep (timed out after 2 s); skipped']);
  });

  it('send to a host without a tmux server says so (exit 1)', async () => {
    const r = await lab.trimtab(['send', 'thor:ghost', 'hi']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('no tmux server on thor');
  });
});

describe('spawn', () => {
  it('starts the agent on the local host and on each remote host, in agents:PROJECT', async () => {
    for (const h of ['here', 'thor', 'fedora'] as const) await spawnIdle(h, 'alpha');
    const { agents } = await listJson();
    const alpha = agents.filter((a) => a.project === 'alpha');
    expect(alpha.map((a) => a.host)).toEqual(['here', 'thor', 'fedora']);
    for (const a of alpha) {
      expect(Object.keys(a)).toEqual([
        'host',
        'target',
        'session',
        'window',
        'paneId',
        'project',
        'path',
        'status',
        'lastActivity',
        'prompt',
        'statusSource',
        'waitingFor',
        'sessionId',
      ]);
      expect(a).toMatchObject({
        session: 'agents',
        window: 'alpha',
        target: `${a.host}:agents:alpha`,
        path: path.join(lab.projects(a.host as LabHost), 'alpha'),
      });
      expect(a.paneId).toMatch(/^%\d+$/);
      expect(typeof a.lastActivity).toBe('number');
    }
    await eventually(async () => (await statusOf('thor:agents:alpha')) === 'idle', 'thor agent idle');
  });

  it('prints the one command to attach to a remote agent', async () => {
    lab.mkProject('thor', 'hinted');
    const r = await lab.trimtab(['spawn', '--on', 'thor', 'hinted']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(
      `attach with: ssh -t thor "tmux -u -L ${lab.socket('thor')} attach -t '=agents:=hinted'"`,
    );
  });

  it('a second spawn of the same project makes no second window', async () => {
    const r = await lab.trimtab(['spawn', '--on', 'thor', 'alpha']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('thor:agents:alpha is already running');
    const windows = await lab.tmux('thor', ['list-windows', '-t', '=agents', '-F', '#{window_name}']);
    expect(windows.stdout.split('\n').filter((w) => w === 'alpha')).toHaveLength(1);
  });

  it('two spawns at the same moment leave exactly one window', async () => {
    lab.mkProject('fedora', 'racer');
    const rs = await Promise.all([1, 2, 3].map(() => lab.trimtab(['spawn', '--on', 'fedora', 'racer'])));
    for (const r of rs) expect(r.exitCode, r.stderr).toBe(0);
    const windows = await lab.tmux('fedora', ['list-windows', '-t', '=agents', '-F', '#{window_name}']);
    expect(windows.stdout.split('\n').filter((w) => w === 'racer')).toHaveLength(1);
  });

  it('refuses a missing project dir (exit 1) and a hostile name before anything runs (exit 2)', async () => {
    const missing = await lab.trimtab(['spawn', '--on', 'thor', 'nope']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(`no project directory ${lab.projects('thor')}/nope on thor`);
    for (const bad of ['-rf', '.hidden', 'a b', 'x;touch canary', '$(id)', 'a/b', '']) {
      const r = await lab.trimtab(['spawn', '--on', 'thor', '--', bad]);
      expect(r.exitCode, bad).toBe(2);
    }
    expect(existsSync(path.join(lab.projects('thor'), 'canary'))).toBe(false);
  });

  it('names the known hosts when the host is unknown (exit 2)', async () => {
    const r = await lab.trimtab(['spawn', '--on', 'mars', 'alpha']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown host "mars"');
    expect(r.stderr).toContain('here, thor, fedora, asleep');
  });

  it('a target on a host that is not configured says so (exit 1, nothing sent)', async () => {
    const r = await lab.trimtab(['send', 'mars:alpha', 'hello']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('no agent "mars:alpha"');
    expect(r.stderr).toContain('"mars" is not a configured host (trimtab hosts list)');
  });

  it('says the host is unreachable (exit 3) for a sleeping host', async () => {
    const r = await lab.trimtab(['spawn', '--on', 'asleep', 'alpha']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('cannot reach asleep (timed out after 2 s)');
  });

  it('the agent outlives the ssh connection that started it', async () => {
    // spawn's ssh has exited by now; the agent still runs and answers.
    const pane = await lab.tmux('thor', [
      'display-message',
      '-p',
      '-t',
      '=agents:=alpha',
      '#{pane_dead} #{pane_current_command}',
    ]);
    expect(pane.stdout.trim()).toBe('0 node');
    const r = await lab.trimtab(['send', 'thor:alpha', 'still there?']);
    expect(r.exitCode, r.stderr).toBe(0);
    await eventually(
      () => lab.agentLog('thor', 'alpha').some((l) => l.text === 'still there?'),
      'the agent to get the text',
    );
  });
});

describe('list', () => {
  it('fits 80 columns and degrades to 40', async () => {
    for (const cols of ['80', '40']) {
      const r = await lab.trimtab(['list'], { env: { COLUMNS: cols } });
      expect(r.exitCode).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(cols === '80' ? /^HOST\s+TARGET\s+STATUS\s+AGE$/ : /TARGET\s+STATUS\s+AGE$/);
      expect(lines.some((l) => l.includes('thor:agents:alpha'))).toBe(true);
      for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(Number(cols));
    }
  });

  it('uses one ssh process per remote host, and none for a host remembered offline', async () => {
    const ssh = lab.countingSsh();
    const r = await lab.trimtab(['list'], { env: { TRIMTAB_SSH: ssh.program } });
    expect(r.exitCode).toBe(0);
    // thor and fedora; `here` is plain tmux; `asleep` timed out in an earlier test and is not retried yet
    expect(ssh.count()).toBe(2);
    expect(r.stderr).toMatch(/⚠ asleep offline since \d\d:\d\d; retrying after 30 s; skipped/);
  });

  it('--host limits the list to one host', async () => {
    const { hosts, agents } = await listJson(['--host', 'fedora']);
    expect(hosts.map((h) => h.name)).toEqual(['fedora']);
    expect(new Set(agents.map((a) => a.host))).toEqual(new Set(['fedora']));
  });

  it('counts a Claude Code pane outside the agents session, and nothing else there', async () => {
    const dir = lab.mkProject('here', 'loose');
    // Claude Code's process shows as `claude`: run the fake agent through a link of that name.
    const claude = path.join(lab.dir, 'claude');
    symlinkSync(process.execPath, claude);
    await lab.tmux('here', ['new-session', '-d', '-s', 'work', '-c', dir, `${claude} ${FAKE_AGENT}`]);
    await lab.tmux('here', ['new-window', '-d', '-t', 'work', 'sleep 600']);
    const agents = await eventually(async () => {
      const a = (await listJson(['--host', 'here'])).agents.filter((x) => x.session === 'work');
      return a.length ? a : undefined;
    }, 'the loose agent');
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatchObject({ project: 'loose', session: 'work' });
  });

  it('shows waiting and working from the screen', async () => {
    await lab.trimtab(['send', 'fedora:alpha', '/ask']);
    await eventually(async () => (await statusOf('fedora:agents:alpha')) === 'waiting', 'fedora agent waiting');
    // Answer it: send refuses a waiting agent unless --force.
    expect((await lab.trimtab(['send', 'fedora:alpha', '--no-enter', '1'])).exitCode).toBe(1);
    const answered = await lab.trimtab(['send', 'fedora:alpha', '--no-enter', '--force', '1']);
    expect(answered.exitCode, answered.stderr).toBe(0);
    await lab.trimtab(['send', 'here:alpha', '/work 20']);
    await eventually(async () => (await statusOf('here:agents:alpha')) === 'working', 'here agent working');
  });
});

describe('peek', () => {
  it('prints the last lines of an agent screen', async () => {
    const r = await lab.trimtab(['peek', 'thor:alpha', '-n', '5']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(r.stdout).toMatch(/───/);
  });

  it('finds a unique project without a host, and refuses an ambiguous one (exit 2)', async () => {
    const unique = await lab.trimtab(['peek', 'hinted', '-n', '3']);
    expect(unique.exitCode, unique.stderr).toBe(0);
    const amb = await lab.trimtab(['peek', 'alpha']);
    expect(amb.exitCode).toBe(2);
    expect(amb.stderr).toContain('here:agents:alpha, thor:agents:alpha, fedora:agents:alpha');
  });

  it('--follow redraws as the agent changes, over one ssh connection, until Ctrl-C', async () => {
    const { execa } = await import('execa');
    const ssh = lab.countingSsh();
    const child = execa(
      process.execPath,
      [CLI, 'agent', 'peek', 'thor:alpha', '--follow', '--interval', '0.3', '-n', '8'],
      {
        env: { ...lab.env, TRIMTAB_SSH: ssh.program },
        extendEnv: false,
        reject: false,
      },
    );
    let out = '';
    child.stdout?.on('data', (d) => (out += String(d)));
    await eventually(() => out.includes('───'), 'the first frame');
    await lab.trimtab(['send', 'thor:alpha', 'followed text']);
    await eventually(() => out.includes('got: followed text'), 'a redraw showing the new text');
    expect(out).toContain('\x1b[J'); // frames are redrawn in place
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(ssh.count()).toBe(1);
  });

  it('exits 1 with a clear message for a missing target', async () => {
    const r = await lab.trimtab(['peek', 'thor:agents:nothing']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('no agent at thor:agents:nothing');
  });
});

/** Texts that would run commands if any shell on the way interpreted them. */
const canaryOf = (host: LabHost) => path.join(lab.projects(host), 'CANARY');
const hostile = (host: LabHost) => {
  const c = canaryOf(host);
  return [
    '/status',
    `$(touch ${c})`,
    `\`touch ${c}\``,
    `'; touch ${c}; echo '`,
    `"; touch ${c}; echo "`,
    `a && touch ${c}`,
    `x | tee ${c}`,
    `> ${c}`,
    `ends with a semicolon;`,
    `ends with \\;`,
    '-rf --help',
    '--',
    'back\\slash \\n \\\\ \\x41',
    '%s %d %%',
    'tab\there',
    'line one\nline two\n\nline four',
    'Enter',
    'C-c',
    '日本語のテキスト 🚀 e\u0301 ñ',
    `${'long '.repeat(400)}end`,
    "it's \"quoted\" 'twice'",
    '$HOME ${PATH} $((1+1)) ~ *',
  ];
};

describe('send', () => {
  for (const host of ['thor', 'here'] as const) {
    it(`delivers hostile text byte for byte to ${host}, and runs none of it`, async () => {
      const target = await spawnIdle(host, 'victim');
      for (const text of hostile(host)) {
        const r = await lab.trimtab(['send', `${host}:victim`, '--', text]);
        expect(r.exitCode, `${JSON.stringify(text)}: ${r.stderr}`).toBe(0);
        expect(r.stdout.startsWith(`→ ${target}  `)).toBe(true);
        await eventually(
          () =>
            lab
              .agentLog(host, 'victim')
              .filter((l) => l.event === 'submit')
              .at(-1)?.text === text,
          `agent on ${host} to get ${JSON.stringify(text.slice(0, 40))}`,
        );
      }
      const submits = lab
        .agentLog(host, 'victim')
        .filter((l) => l.event === 'submit')
        .map((l) => l.text);
      expect(submits).toEqual(hostile(host));
      expect(existsSync(canaryOf(host))).toBe(false);
    });
  }

  it('joins several words with spaces and --no-enter leaves the text unsent', async () => {
    await lab.trimtab(['send', 'thor:victim', 'two', 'words']);
    await eventually(() => lab.agentLog('thor', 'victim').at(-1)?.text === 'two words', 'joined words');
    const before = lab.agentLog('thor', 'victim').length;
    const r = await lab.trimtab(['send', 'thor:victim', '--no-enter', 'draft']);
    expect(r.exitCode).toBe(0);
    await new Promise((res) => setTimeout(res, 800));
    expect(lab.agentLog('thor', 'victim')).toHaveLength(before);
    const screen = await lab.tmux('thor', ['capture-pane', '-p', '-t', '=agents:=victim']);
    expect(screen.stdout).toContain('draft');
  });

  it('leaves copy mode before typing', async () => {
    await lab.tmux('thor', ['copy-mode', '-t', '=agents:=victim']);
    const r = await lab.trimtab(['send', 'thor:victim', 'after copy mode']);
    expect(r.exitCode, r.stderr).toBe(0);
    await eventually(
      () => lab.agentLog('thor', 'victim').some((l) => l.text?.endsWith('after copy mode')),
      'text after copy mode',
    );
  });

  it('uses exactly one ssh process for a send to a remote host', async () => {
    const ssh = lab.countingSsh();
    const r = await lab.trimtab(['send', 'thor:victim', 'counted'], { env: { TRIMTAB_SSH: ssh.program } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(ssh.count()).toBe(1);
  });

  it('matches window names exactly, never by prefix', async () => {
    const r = await lab.trimtab(['send', 'thor:vic', 'prefix?']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('no agent at thor:agents:vic');
  });

  it('exits 3 for a sleeping host, 2 for an unknown one', async () => {
    expect((await lab.trimtab(['send', 'asleep:x', 'hi'])).exitCode).toBe(3);
    const unknown = await lab.trimtab(['send', 'mars:agents:x', 'hi']);
    expect(unknown.exitCode).toBe(2);
  });
});

describe('broadcast', () => {
  it('refuses without a terminal unless --yes (exit 2)', async () => {
    const r = await lab.trimtab(['broadcast', 'hello all']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--yes');
  });

  it('delivers to every agent on a host with one ssh process per host, skipping exited panes', async () => {
    await spawnIdle('thor', 'doomed');
    await lab.trimtab(['send', 'thor:doomed', '/exit']);
    await eventually(async () => (await statusOf('thor:agents:doomed')) === 'exited', 'doomed to exit');
    const ssh = lab.countingSsh();
    const r = await lab.trimtab(['broadcast', '--host', 'thor', '--yes', 'all hands'], {
      env: { TRIMTAB_SSH: ssh.program },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(ssh.count()).toBe(2); // one list + one delivery
    expect(r.stdout).toContain('✔ thor:agents:alpha  delivered');
    expect(r.stdout).toContain('✔ thor:agents:victim  delivered');
    expect(r.stdout).not.toContain('doomed');
    for (const p of ['alpha', 'victim']) {
      await eventually(() => lab.agentLog('thor', p).some((l) => l.text === 'all hands'), `${p} to get the broadcast`);
    }
  });

  it('--status picks agents by state', async () => {
    await lab.trimtab(['send', 'here:alpha', '/work 60']);
    await eventually(async () => (await statusOf('here:agents:alpha')) === 'working', 'here agent working');
    const r = await lab.trimtab(['broadcast', '--status', 'working', '--yes', 'only workers']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['✔ here:agents:alpha  delivered']);
    const bad = await lab.trimtab(['broadcast', '--status', 'sleepy', '--yes', 'x']);
    expect(bad.exitCode).toBe(2);
  });
});

describe('attach', () => {
  it('refuses without a terminal (exit 2)', async () => {
    const r = await lab.trimtab(['attach', 'thor:alpha']);
    expect(r.exitCode).toBe(2);
  });

  for (const host of ['thor', 'here'] as const) {
    it(`attaches in a real terminal to ${host} and returns when the user detaches`, async () => {
      const outer = ['-L', `${lab.socket('here')}-outer`, '-f', '/dev/null'];
      const { execa } = await import('execa');
      const env = Object.entries(lab.env)
        .filter(([k]) => /^TRIMTAB_|^PATH$|^HOME$|^NO_COLOR$/.test(k))
        .map(([k, v]) => `${k}=${v}`);
      const cmd = `env ${env.map((e) => `'${e}'`).join(' ')} ${process.execPath} ${CLI} attach ${host}:alpha; echo "back:$?"; sleep 60`;
      await execa('tmux', [...outer, 'new-session', '-d', '-x', '40', '-y', '20', cmd], { env: lab.env });
      try {
        await eventually(
          async () => (await lab.tmux(host, ['list-clients', '-F', '#{client_session}'])).stdout.includes('agents'),
          `a client attached on ${host}`,
        );
        await lab.tmux(host, ['detach-client', '-s', 'agents']);
        await eventually(
          async () =>
            (await execa('tmux', [...outer, 'capture-pane', '-p'], { reject: false })).stdout.includes('back:0'),
          'trimtab to return',
        );
      } finally {
        await execa('tmux', [...outer, 'kill-server'], { reject: false });
      }
    });
  }
});

describe('config', () => {
  it('a broken config file is an error naming it (exit 2) and is left untouched', async () => {
    const file = path.join(lab.env.TRIMTAB_CONFIG_DIR!, 'config.json');
    const good = readFileSync(file, 'utf8');
    try {
      for (const broken of ['{"hosts": [', '{"hosts": [{"ssh": "x"}]}', '{"connectTimeoutSeconds": "soon"}']) {
        writeFileSync(file, broken);
        const r = await lab.trimtab(['list']);
        expect(r.exitCode, broken).toBe(2);
        expect(r.stderr).toContain(`broken config ${file}`);
        expect(readFileSync(file, 'utf8')).toBe(broken);
      }
    } finally {
      writeFileSync(file, good);
    }
  });

  it('hosts add / list / set / remove edit the file', async () => {
    const dir = path.join(lab.dir, 'cfg2');
    const env = { TRIMTAB_CONFIG_DIR: dir };
    expect(
      (await lab.trimtab(['hosts', 'add', 'thor', '--ssh', 'mac@thor', '--projects', '/home/mac/1-Projects'], { env }))
        .exitCode,
    ).toBe(0);
    expect((await lab.trimtab(['hosts', 'add', 'thor', '--ssh', 'mac@thor'], { env })).exitCode).toBe(2);
    expect((await lab.trimtab(['hosts', 'add', 'bad', '--ssh', '-oProxyCommand=x'], { env })).exitCode).toBe(2);
    const list = await lab.trimtab(['hosts', 'list'], { env });
    expect(list.stdout).toContain('thor');
    expect(list.stdout).toContain('mac@thor');
    const saved = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(saved.hosts).toEqual([{ name: 'thor', ssh: 'mac@thor', projectsDir: '/home/mac/1-Projects' }]);
    // set: only the keys given; this machine's implicit entry becomes a real one; bad input changes nothing
    const set = await lab.trimtab(
      ['hosts', 'set', 'thor', '--agent', '/home/mac/.npm-global/bin/claude --model opus'],
      { env },
    );
    expect(set.exitCode, set.stderr).toBe(0);
    expect(set.stderr).toBe('thor: set agentCommand');
    expect(
      (await lab.trimtab(['hosts', 'set', 'here', '--projects', '/srv/p'], { env: { ...env, TRIMTAB_HOST: 'here' } }))
        .exitCode,
    ).toBe(0);
    const config = () => JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')).hosts;
    expect(config()).toEqual([
      { name: 'here', projectsDir: '/srv/p' },
      {
        name: 'thor',
        ssh: 'mac@thor',
        projectsDir: '/home/mac/1-Projects',
        agentCommand: '/home/mac/.npm-global/bin/claude --model opus',
      },
    ]);
    const before = readFileSync(path.join(dir, 'config.json'), 'utf8');
    for (const [args, message] of [
      [['hosts', 'set', 'thor'], /^✖ nothing to set$/m],
      [['hosts', 'set', 'nosuch', '--agent', 'claude'], /^✖ no host "nosuch" in /m],
      [['hosts', 'set', 'thor', '--ssh=-oProxyCommand=x'], /^✖ invalid ssh destination/m],
      [['hosts', 'set', 'thor', '--socket', 'a b'], /^✖ cannot save .*config\.json/m],
    ] as const) {
      const r = await lab.trimtab([...args], { env });
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(before);
    expect((await lab.trimtab(['hosts', 'remove', 'thor'], { env })).exitCode).toBe(0);
    expect((await lab.trimtab(['hosts', 'remove', 'thor'], { env })).exitCode).toBe(2);
  });
});
