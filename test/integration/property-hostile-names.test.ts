/**
 * Property test, remote side: a hostile host names its tmux windows and sessions, its directories and
 * its pane titles with escape sequences (clear screen, OSC 52 clipboard writes, OSC 8 links, DCS, C1),
 * tabs, newlines, CR, bidi overrides and invalid UTF-8, made for real on the lab's `thor` (reached over
 * the lab sshd) from a seeded PRNG. Whatever trimtab prints about them, in `list` (human at 40 and 120
 * columns, and --json), in error lines, in `trimtab log` after sends and on the menu's screen, holds no
 * raw control byte: they are shown (printable.ts), never obeyed. So do warnings and error lines when the
 * host's ssh answers with such bytes on stderr. (list, send and log name a window whose name is not a
 * valid NAME by its pane id, so there the names never reach the terminal at all; the menu and --json show them.)
 *
 * The menu is checked by what reached its terminal: the bytes trimtab wrote to its pane (tmux
 * pipe-pane), and what tmux did with them (no OSC 52 paste buffer with set-clipboard on, no OSC 2 title
 * change). Replay a failure with TRIMTAB_SEED=<seed>.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstRawControl, hostileRemoteNames, seedFromEnv } from '../lab/hostile.js';
import { CLI, eventually, FAKE_AGENT, type Lab, startLab } from '../lab/lab.js';
import { Pane } from '../lab/pane.js';
import { runMany } from '../lab/run-many.js';
import { hereEntry, thorEntry, writeConfig } from '../lab/shell-user.js';

const SEED = seedFromEnv();
console.log(`hostile remote names: seed ${SEED} (replay with TRIMTAB_SEED=${SEED})`);

/** Windows of the agents session; the first FAKE run the fake agent (sends go there), the rest `cat`. */
const WINDOWS = 8;
const FAKE = 3;
/** Agents outside the agents session: a hostile session name and working directory each. */
const OUTSIDE = 4;

let lab: Lab;
let env: NodeJS.ProcessEnv;
/** Each role gets its own names; each list holds every attack in TERMINAL_ATTACKS. */
let windowNames: Buffer[] = [];
let titles: Buffer[] = [];
let dirNames: Buffer[] = [];
let sessionNames: Buffer[] = [];
/** Pane ids on thor of the window agents, in order. */
const windowPanes: string[] = [];
/** Pane ids on thor of the agents outside the agents session. */
const outsidePanes: string[] = [];

const show = (b: Buffer) => JSON.stringify(b.toString('latin1'));

/** The built trimtab, with stdout and stderr as the bytes it wrote. */
async function run(args: string[], extra: NodeJS.ProcessEnv = {}) {
  const r = await execa(process.execPath, [CLI, ...args], {
    env: { ...lab.env, ...env, ...extra },
    extendEnv: false,
    input: '',
    reject: false,
    encoding: 'buffer',
    timeout: 60_000,
  });
  return { code: r.exitCode ?? -1, out: Buffer.from(r.stdout), err: Buffer.from(r.stderr) };
}

/** Assert no raw control byte in what a trimtab run printed. */
function expectClean(what: string, r: { out: Buffer; err: Buffer }) {
  expect(firstRawControl(r.out), `seed ${SEED}: stdout of ${what}`).toBeNull();
  expect(firstRawControl(r.err), `seed ${SEED}: stderr of ${what}`).toBeNull();
}

/**
 * tmux on thor's socket with some arguments given as raw bytes: Node's argv strings cannot carry invalid
 * UTF-8, so each Buffer goes through a file that sh reads back byte for byte (the trailing `.` keeps a
 * final newline that $(...) would strip).
 */
async function tmuxRaw(args: Array<string | Buffer>) {
  const dir = path.join(lab.dir, 'raw-args');
  mkdirSync(dir, { recursive: true });
  const words = args.map((a, i) => {
    if (typeof a === 'string') return `=${a}`;
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}-${i}`);
    writeFileSync(file, a);
    return `@${file}`;
  });
  const script = [
    'sock=$1; shift; n=$#',
    'for a; do',
    '  case $a in @*) v=$(cat "${a#@}"; echo .); v=${v%.} ;; *) v=${a#=} ;; esac',
    '  set -- "$@" "$v"',
    'done',
    'shift "$n"',
    'exec tmux -L "$sock" "$@"',
  ].join('\n');
  const r = await execa('sh', ['-c', script, 'sh', lab.socket('thor'), ...words], {
    env: lab.env,
    extendEnv: false,
    reject: false,
  });
  return r;
}

/** A pane program that writes `title` as an OSC 2 title and `content` to its own terminal, then runs `then`. */
function wrapper(i: number, title: Buffer, content: Buffer, then: string): string {
  const dir = path.join(lab.dir, 'wrappers');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `title-${i}`);
  writeFileSync(
    file,
    Buffer.concat([Buffer.from('\x1b]2;'), title, Buffer.from('\x1b\\'), content, Buffer.from('\r\n')]),
  );
  return `cat '${file}'; exec ${then}`;
}

const agent = `'${process.execPath}' '${FAKE_AGENT}'`;

beforeAll(async () => {
  lab = await startLab();
  env = writeConfig(lab, 'hostile-names', [hereEntry(lab), thorEntry(lab)]);
  windowNames = hostileRemoteNames(SEED, WINDOWS);
  titles = hostileRemoteNames(SEED ^ 1, WINDOWS);
  dirNames = hostileRemoteNames(SEED ^ 2, OUTSIDE);
  sessionNames = hostileRemoteNames(SEED ^ 3, OUTSIDE);

  // The agents session, made by trimtab itself, with one well-behaved agent.
  lab.mkProject('thor', 'plain');
  const spawned = await run(['spawn', '--on', 'thor', 'plain', '--no-attach']);
  expect(spawned.code, spawned.err.toString()).toBe(0);

  for (let i = 0; i < WINDOWS; i++) {
    const cwd = lab.mkProject('thor', `w${i}`);
    const then = i < FAKE ? agent : 'cat';
    const r = await tmuxRaw([
      'new-window',
      '-d',
      '-P',
      '-F',
      '#{pane_id}',
      '-t',
      'agents:',
      '-n',
      windowNames[i]!,
      '-c',
      cwd,
      wrapper(i, titles[i]!, windowNames[i]!, then),
    ]);
    expect(r.exitCode, `seed ${SEED}: new-window ${show(windowNames[i]!)}: ${r.stderr}`).toBe(0);
    windowPanes.push(r.stdout.trim());
  }
  for (let k = 0; k < OUTSIDE; k++) {
    // A hostile directory in the projects dir: also what the spawn screen lists.
    const dirName = dirNames[k]!;
    const dir = Buffer.concat([Buffer.from(`${lab.projects('thor')}/`), dirName]);
    mkdirSync(dir, { recursive: true });
    const session = sessionNames[k]!;
    const r = await tmuxRaw(['new-session', '-d', '-P', '-F', '#{pane_id}', '-s', session, '-c', dir, agent]);
    expect(r.exitCode, `seed ${SEED}: new-session ${show(session)} in ${show(dirName)}: ${r.stderr}`).toBe(0);
    outsidePanes.push(r.stdout.trim());
    // select-pane -T: tmux may refuse a title it finds invalid; what it keeps is what trimtab must show safely.
    await tmuxRaw(['select-pane', '-t', r.stdout.trim(), '-T', Buffer.concat([Buffer.from('claude '), titles[k]!])]);
  }
  for (let i = 0; i < FAKE; i++) {
    await eventually(
      () => lab.agentLog('thor', `w${i}`).some((l) => l.event === 'start'),
      `seed ${SEED}: fake agent w${i}`,
      20_000,
    );
  }
  // Outside the agents session a `node` pane is an agent once its screen looks like Claude Code's.
  for (const id of outsidePanes) {
    await eventually(
      async () => (await lab.tmux('thor', ['capture-pane', '-p', '-t', id])).stdout.includes('? for shortcuts'),
      `seed ${SEED}: fake agent in ${id} drawn`,
      20_000,
    );
  }
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

/** The agents list --json reports; checks the JSON itself is clean and valid. */
async function listJson() {
  const r = await run(['list', '--json']);
  expect(r.code, `seed ${SEED}: ${r.err.toString()}`).toBe(0);
  expectClean('list --json', r);
  return JSON.parse(r.out.toString()) as { agents: Array<Record<string, string>> };
}

describe(`hostile names from a remote host (seed ${SEED})`, () => {
  it('tmux on the lab host really holds raw control bytes in the names (the test is not vacuous)', async () => {
    const r = await execa(
      'tmux',
      ['-L', lab.socket('thor'), 'list-panes', '-a', '-F', '#{window_name}|#{pane_current_path}'],
      { env: lab.env, extendEnv: false, encoding: 'buffer' },
    );
    const raw = Buffer.from(r.stdout);
    expect(raw.includes(Buffer.from('\x1b]52;'))).toBe(true);
    expect(raw.includes(Buffer.from('\x1b[2J'))).toBe(true);
    expect(raw.includes(Buffer.from([0xff, 0xfe]))).toBe(true);
  });

  it('list --json is valid JSON with no raw control byte, and lists every agent', async () => {
    const { agents } = await listJson();
    const thor = agents.filter((a) => a.host === 'thor');
    // plain, the windows, and the agents outside the session (found by their Claude-like screens).
    const panes = (await lab.tmux('thor', ['list-panes', '-a', '-F', '#{pane_id} #{pane_current_command}'])).stdout;
    expect(
      thor.length,
      `seed ${SEED}: ${JSON.stringify(thor.map((a) => [a.paneId, a.window, a.path]))} of\n${panes}`,
    ).toBe(1 + WINDOWS + OUTSIDE);
    // The names arrive as data (escaped in JSON, decoded here): an ESC in a window name is still there.
    expect(thor.some((a) => a.window?.includes('\x1b]52;'))).toBe(true);
  });

  it('list at 40 and 120 columns shows every agent, escapes visible, no raw control byte', async () => {
    for (const columns of ['40', '120']) {
      const r = await run(['list'], { COLUMNS: columns });
      expect(r.code, `seed ${SEED}: ${r.err.toString()}`).toBe(0);
      expectClean(`list at ${columns} columns`, r);
      const lines = r.out.toString().trimEnd().split('\n');
      expect(lines.filter((l) => l.startsWith('thor')).length, `seed ${SEED}: ${r.out.toString()}`).toBe(
        1 + WINDOWS + OUTSIDE,
      );
    }
  });

  it('send to agents with hostile window names, then trimtab log: all printable', async () => {
    for (let i = 0; i < FAKE; i++) {
      const r = await run(['send', `thor:${windowPanes[i]}`, '--', `hello ${i}`]);
      expect(r.code, `seed ${SEED}: send to ${show(windowNames[i]!)}: ${r.err.toString()}`).toBe(0);
      expectClean(`send to window ${show(windowNames[i]!)}`, r);
    }
    for (let i = 0; i < FAKE; i++) {
      await eventually(
        () => lab.agentLog('thor', `w${i}`).some((l) => l.event === 'submit' && l.text === `hello ${i}`),
        `seed ${SEED}: w${i} got its text`,
      );
    }
    for (const columns of ['40', '120']) {
      const r = await run(['log'], { COLUMNS: columns });
      expect(r.code, r.err.toString()).toBe(0);
      expectClean(`log at ${columns} columns`, r);
      expect(
        r.out
          .toString()
          .split('\n')
          .filter((l) => l.includes('hello')).length,
      ).toBeGreaterThanOrEqual(FAKE);
    }
    const json = await run(['log', '--json']);
    expectClean('log --json', json);
    expect(
      json.out
        .toString()
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)).length,
    ).toBeGreaterThanOrEqual(FAKE);
  });

  it('peek of each hostile window and send to a pane that runs no agent: output and error lines printable', async () => {
    for (let i = 0; i < WINDOWS; i++) {
      const r = await run(['peek', `thor:${windowPanes[i]}`]);
      expect([0, 1], `seed ${SEED}: peek ${show(windowNames[i]!)}: ${r.err.toString()}`).toContain(r.code);
      expectClean(`peek of window ${show(windowNames[i]!)}`, r);
    }
    const r = await run(['send', `thor:${windowPanes[WINDOWS - 1]}`, '--', 'x']);
    expectClean(`send to the cat in window ${show(windowNames[WINDOWS - 1]!)}`, r);
  });

  it('hostile targets typed by a user: exit 2 with a printable error line', async () => {
    const jobs = [...windowNames, ...titles, ...dirNames, ...sessionNames].flatMap((n) => {
      const text = n.toString('utf8'); // argv strings are UTF-16: invalid bytes arrive as U+FFFD
      return [
        ['send', '--', `thor:${text}`, 'hi'],
        ['peek', '--', `thor:agents:${text}`],
        ['spawn', '--on', 'thor', '--', text],
        ['list', '--host', text],
      ];
    });
    const results = await runMany(
      lab,
      { ...lab.env, ...env },
      jobs.map((argv, i) => ({ lane: String(i % 4), argv })),
    );
    results.forEach((r, i) => {
      const what = `seed ${SEED}: trimtab ${jobs[i]!.map((a) => JSON.stringify(a)).join(' ')}`;
      expect(r.code, `${what}: ${r.stderr}`).toBe(2);
      expect(r.stderr.length, what).toBeGreaterThan(0);
      expect(firstRawControl(Buffer.from(r.stdout)), `${what}: stdout`).toBeNull();
      expect(firstRawControl(Buffer.from(r.stderr)), `${what}: stderr`).toBeNull();
    });
  });

  it('a host whose ssh answers with escape sequences on stderr: warnings and error lines printable', async () => {
    // What a remote login shell or ssh itself may print: every attack, then exit 255 (ssh failed) or 1.
    const noise = path.join(lab.dir, 'hostile-stderr');
    writeFileSync(noise, Buffer.concat([...windowNames, ...dirNames].flatMap((n) => [n, Buffer.from('\n')])));
    for (const code of [255, 1]) {
      const ssh = path.join(lab.dir, `hostile-ssh-${code}`);
      writeFileSync(ssh, `#!/bin/sh\ncat '${noise}' >&2\nexit ${code}\n`, { mode: 0o755 });
      for (const [i, argv] of Object.entries([
        ['list'],
        ['list', '--json'],
        ['list', '--host', 'thor'],
        ['peek', 'thor:plain'],
        ['send', 'thor:plain', 'hi'],
        ['spawn', '--on', 'thor', 'plain', '--no-attach'],
      ])) {
        // A fresh cache each time: no offline memory, so every command really runs the hostile ssh.
        const r = await run(argv, {
          TRIMTAB_SSH: ssh,
          TRIMTAB_CACHE_DIR: path.join(lab.dir, `cache-hostile-${code}-${i}`),
        });
        // list goes on without the host (exit 0 for the local one); the rest fail. Either way a line says why.
        if (argv[0] !== 'list')
          expect(r.code, `seed ${SEED}: ${argv.join(' ')} with ssh exiting ${code}: ${r.err.toString()}`).not.toBe(0);
        expect(r.err.length, `seed ${SEED}: ${argv.join(' ')} with ssh exiting ${code}`).toBeGreaterThan(0);
        expectClean(`${argv.join(' ')} with ssh exiting ${code}`, r);
      }
    }
  });
});

describe(`the menu draws hostile names as text (seed ${SEED})`, () => {
  let pane: Pane;
  let rawLog = '';
  afterAll(async () => {
    await pane?.stop();
  });

  /** Every byte trimtab wrote to its terminal so far. */
  const written = () => (existsSync(rawLog) ? readFileSync(rawLog) : Buffer.alloc(0));
  const tmuxPhone = async (...args: string[]) =>
    (await execa('tmux', ['-L', pane.socket, ...args], { reject: false })).stdout;

  /**
   * Escape sequences the menu itself draws with (cursor home, erase line/below, alternate screen, cursor
   * show/hide, SGR colours); anything else that starts with ESC, any C1, BEL or bidi control came from a host.
   */
  const OWN = /\x1b\[(?:H|[0-2]?K|[0-2]?J|\?1049[hl]|\?25[hl]|[0-9;]*m|[0-9]*[ABCDG]|[0-9]+;[0-9]+H)/g;
  function foreign(bytes: Buffer): string | null {
    const text = bytes.toString('utf8').replace(OWN, '').replace(/\r\n?/g, '\n');
    return firstRawControl(Buffer.from(text, 'utf8'));
  }

  it('main, spawn, agent and peek screens: no foreign sequence written, no clipboard write, no title change', async () => {
    const go = path.join(lab.dir, 'menu-go');
    rawLog = path.join(lab.dir, 'menu-raw.log');
    pane = await Pane.start(
      `${lab.socket('here')}-phone`,
      `while [ ! -e '${go}' ]; do sleep 0.1; done; exec '${process.execPath}' '${CLI}' menu`,
      { ...lab.env, ...env },
    );
    // A terminal that obeys OSC 52 (tmux stores it as a paste buffer) and OSC 2; record what reaches it.
    await tmuxPhone('set-option', '-s', 'set-clipboard', 'on');
    await tmuxPhone('select-pane', '-T', 'phone-title');
    await tmuxPhone('pipe-pane', '-o', `cat >> '${rawLog}'`);
    /** Wait until trimtab has written `text` (in the bytes, so a screen a raw sequence garbled still counts), then read the screen. */
    const drawn = async (from: number, text: string) => {
      await eventually(
        () => written().subarray(from).includes(text),
        `seed ${SEED}: the menu to draw ${JSON.stringify(text)}`,
        15_000,
      );
      return pane.screen();
    };
    const press = async (key: string, text: string) => {
      const from = written().length;
      await pane.keys(key);
      return drawn(from, text);
    };
    /** What reached the terminal so far: nothing foreign in the bytes, no clipboard write, the title as set. */
    const expectUntouched = async (stage: string) => {
      expect(foreign(written()), `seed ${SEED}: ${stage}: the menu wrote a raw sequence from a host`).toBeNull();
      expect(
        await tmuxPhone('list-buffers'),
        `seed ${SEED}: ${stage}: an OSC 52 clipboard write reached the terminal`,
      ).toBe('');
      expect(
        await tmuxPhone('display-message', '-p', '#{pane_title}'),
        `seed ${SEED}: ${stage}: an OSC 2 title reached the terminal`,
      ).toBe('phone-title');
    };
    writeFileSync(go, '');

    const main = await drawn(0, `${1 + WINDOWS + OUTSIDE} agents`);
    await eventually(
      async () => (await pane.screen()).includes('q  quit to shell'),
      `seed ${SEED}: the main screen's last row`,
    );
    expect(written().length, 'pipe-pane records the menu').toBeGreaterThan(100);
    await expectUntouched('main screen');
    // The spawn screen lists thor's projects, hostile directory names among them.
    await press('s', 'spawn on which host?');
    const spawnScreen = await press('2', 'spawn on thor: project?');
    await expectUntouched('spawn screen');
    await press('Escape', 's  spawn a project');
    // A `cat` pane shows its hostile name as screen content: open it and peek (tmux keeps bidi
    // controls in its cells).
    // From ten rows on typed digits wait for Enter; peek is `p` on every agent screen. The row of a
    // `cat` pane (status unknown) is read off the main screen: rows sort by host, then name.
    const catRow = /^\s*\S?\s*(\d+)\s.*\bunknown\b/m.exec(main)?.[1] ?? '9';
    await pane.keys(catRow);
    const agentScreen = await press('Enter', 'type a message');
    const peekScreen = await press('p', 'r refresh');
    await expectUntouched('agent and peek screens');
    await press('b', 'type a message');
    await press('Escape', 's  spawn a project');
    await expectUntouched('back on the main screen');
    // Shown as text instead: these screens have a hostile escape or bidi control in visible form. (The
    // spawn screen may leave names that are no valid project name out altogether; it is checked above.)
    for (const [what, text] of Object.entries({ main, agentScreen, peekScreen }))
      expect(text, `seed ${SEED}: ${what}`).toMatch(/\^\[|<U\+20/);
    for (const [what, text] of Object.entries({ main, spawnScreen, agentScreen, peekScreen })) {
      expect(text.split('\n').length, `seed ${SEED}: ${what}`).toBeLessThanOrEqual(20);
    }
  }, 60_000);
});
