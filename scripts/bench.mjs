// npm run bench: measures the performance targets on the test lab (list, masters, a sleeping host,
// start-up, scale, a menu action, the watcher), each case several times, and prints medians and the
// ratios between cases measured in this same run. Not a test: nothing here fails CI.
// BENCH_RUNS (default 9) runs per case; BENCH_WATCH_SECONDS (default 60) the watcher's CPU window.

import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { execa } from 'execa';
import { benchWatch } from './bench-watch.mjs';
import { loadLab } from './lab.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS || 9);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;
async function time(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
async function sample(fn, runs = RUNS, before) {
  const xs = [];
  for (let i = 0; i < runs; i++) {
    if (before) await before();
    xs.push(await time(fn));
  }
  return median(xs);
}

const { startLab, CLI, FAKE_AGENT } = await loadLab();
const lab = await startLab();
const rows = [];
const row = (what, value, target, ok) => rows.push({ what, value, target, ok });
try {
  // As root, thor and fedora are a throwaway user with a stock shell: the lab's own user may have a
  // slow ~/.bashrc (pyenv...) that every ssh session pays, which would hide what trimtab costs.
  let user = { name: (await execa('id', ['-un'])).stdout, home: process.env.HOME };
  if (process.getuid?.() === 0) user = lab.addUser({ shell: '/bin/bash' });
  const uid = Number((await execa('id', ['-u', user.name])).stdout);
  const projects = path.join(user.home, 'bench-projects');
  mkdirSync(path.join(projects, 'p1'), { recursive: true });
  for (const d of [projects, path.join(projects, 'p1')]) chownSync(d, uid, uid);
  const sshConfig = path.join(lab.dir, 'ssh_config_bench');
  writeFileSync(sshConfig, readFileSync(lab.sshConfig, 'utf8').replace(/User \S+/, `User ${user.name}`));
  const agent = `${process.execPath} ${FAKE_AGENT}`;
  const host = (name) => ({ name, ssh: name, projectsDir: projects, agentCommand: agent, tmuxSocket: `bench-${name}` });
  const configFor = (names, extra = {}, tag = names.join('-')) => {
    const dir = path.join(lab.dir, `bench-${tag}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({
        hosts: [{ name: 'here', tmuxSocket: `bench-here-${process.pid}` }, ...names.map(host)],
        sshOptions: ['-F', sshConfig],
        connectTimeoutSeconds: 2,
        ...extra,
      }),
    );
    return dir;
  };
  const cache = path.join(lab.dir, 'bench-cache');
  const trimtab = (args, config, env = {}) =>
    execa(process.execPath, [CLI, ...args], {
      env: { ...lab.env, TRIMTAB_CONFIG_DIR: config, TRIMTAB_CACHE_DIR: cache, ...env },
      reject: false,
    });
  const dropMasters = async () => {
    await execa('pkill', ['-f', `${cache}/cm-`], { reject: false });
    // the masters and what trimtab remembers of hosts; not the code cache (a first run of a new build)
    for (const f of existsSync(cache) ? readdirSync(cache) : [])
      if (!f.startsWith('code-')) rmSync(path.join(cache, f), { recursive: true, force: true });
  };
  const two = configFor(['thor', 'fedora']);
  for (const h of ['thor', 'fedora']) await trimtab(['spawn', '--on', h, 'p1', '--no-attach'], two);

  // 1. list over two hosts vs one plain ssh; 2. masters
  const plain = await sample(() => execa('ssh', ['-F', sshConfig, 'thor', 'true']));
  await trimtab(['hosts', 'list'], two); // writes the code cache for `hosts list` (see src/boot.ts)
  const startup = await sample(() => trimtab(['hosts', 'list'], two));
  const listCold = await sample(() => trimtab(['list'], two, { TRIMTAB_NO_MUX: '1' }));
  const first = await sample(() => trimtab(['list'], two), RUNS, dropMasters);
  const second = await sample(() => trimtab(['list'], two));
  // What the machine itself allows: two full handshakes at once share its cores (client and sshd).
  const plainPair = await sample(() =>
    Promise.all(['thor', 'fedora'].map((h) => execa('ssh', ['-F', sshConfig, h, 'true']))),
  );
  const node0 = await sample(() => execa(process.execPath, ['-e', '0']), 15);
  row('ssh thor true (plain, no master)', ms(plain), '', '');
  row(
    '  floor: ssh thor true & ssh fedora true, at once / ssh true',
    (plainPair / plain).toFixed(2),
    'report: no trimtab in it',
    '',
  );
  row(
    '  floor: (node -e 0 + both at once) / ssh true',
    ((node0 + plainPair) / plain).toFixed(2),
    'report: least a Node tool can do',
    '',
  );
  row('trimtab start-up (hosts list: no network)', ms(startup), '', '');
  row('list, 2 hosts, masters up (daily use) / ssh true', (second / plain).toFixed(2), '<= 1.3', second / plain <= 1.3);
  row('list, 2 hosts, no master at all / ssh true', (listCold / plain).toFixed(2), '<= 1.3', listCold / plain <= 1.3);
  row(
    '  the same without start-up: (list - start-up) / ssh true',
    ((listCold - startup) / plain).toFixed(2),
    'hosts in parallel: ~1 handshake',
    '',
  );
  row('list, first (makes masters)', ms(first), '', '');
  row('list, again (reuses masters)', ms(second), '', '');
  row('second list / first list', (second / first).toFixed(2), '<= 0.5', second / first <= 0.5);
  // A menu action costs one round trip on the open connection: `trimtab send` (what the menu's send
  // runs; `approve` is not on main at this writing) through the master the lists above left, against
  // `ssh thor true` through that same master. --no-enter: with Enter, the host waits 0.3 s on purpose
  // before pressing it (Claude Code reads text+Enter in one burst as a newline), which is no round trip.
  const countFile = path.join(lab.dir, 'count-bench-actions.log');
  const countingAction = path.join(lab.dir, 'count-bench-actions.sh');
  writeFileSync(countingAction, `#!/bin/sh\necho x >> ${countFile}\nexec ssh "$@"\n`, { mode: 0o755 });
  const sshCalls = async (fn) => {
    writeFileSync(countFile, '');
    await fn();
    return readFileSync(countFile, 'utf8').split('\n').filter(Boolean).length;
  };
  const thorMaster = path.join(
    cache,
    readdirSync(cache).find((f) => f.startsWith('cm-thor-')),
  );
  const viaMaster = await sample(() =>
    execa('ssh', ['-F', sshConfig, '-o', `ControlPath=${thorMaster}`, '-o', 'ControlMaster=no', 'thor', 'true']),
  );
  const send = () => trimtab(['send', '--no-enter', 'thor:agents:p1', 'x'], two);
  const sendSsh = await sshCalls(() =>
    trimtab(['send', '--no-enter', 'thor:agents:p1', 'x'], two, { TRIMTAB_SSH: countingAction }),
  );
  const sendTime = await sample(send);
  row('ssh thor true through the master', ms(viaMaster), '', '');
  row('send (--no-enter) through the master: ssh processes', String(sendSsh), '1 (one round trip)', sendSsh === 1);
  row(
    'send (--no-enter) through the master / ssh true through it',
    (sendTime / viaMaster).toFixed(2),
    'report: start-up included',
    '',
  );
  row('  (send - start-up) / ssh true through the master', ((sendTime - startup) / viaMaster).toFixed(2), 'report', '');
  // The send's own ssh process, as its debug line times it ("→ exit 0 in N ms"): the round trip itself.
  const sendCall = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await trimtab(['send', '--no-enter', 'thor:agents:p1', 'x'], two, { TRIMTAB_DEBUG: '1' });
    const m = /→ exit 0 in (\d+) ms/.exec(r.stderr);
    if (m) sendCall.push(Number(m[1]));
  }
  const sendRtt = median(sendCall);
  // Not one bare round trip: on the host the script also runs its tmux clients (find the pane, leave
  // copy mode, load, paste and delete the buffer), each a few ms.
  row(
    '  its one ssh process / ssh true through the master',
    (sendRtt / viaMaster).toFixed(2),
    'report: 1 round trip + tmux on the host',
    '',
  );
  // Claude Code's registry in list: read in the same round trip (src/remote/sh/list.sh, list_registry).
  // The host script with and without that read, each run through thor's open master, with a live
  // registry entry for each agent pane (a fake agent: the cost is the read, not what the entry says).
  const listSsh = await sshCalls(() => trimtab(['list'], two, { TRIMTAB_SSH: countingAction }));
  row(
    'list, 2 hosts, masters up: ssh processes (registry read included)',
    String(listSsh),
    '2 (1 per remote host)',
    listSsh === 2,
  );
  const regDir = path.join(user.home, 'bench-claude');
  mkdirSync(path.join(regDir, 'sessions'), { recursive: true });
  const panePids = (
    await execa('tmux', ['-L', 'bench-thor', 'list-panes', '-a', '-F', '#{pane_pid}'], { reject: false, uid })
  ).stdout
    .split('\n')
    .filter(Boolean);
  for (const pid of panePids) {
    writeFileSync(
      path.join(regDir, 'sessions', `${pid}.json`),
      JSON.stringify({ pid: Number(pid), sessionId: `bench-${pid}`, status: 'idle', kind: 'interactive' }),
    );
  }
  for (const d of [
    regDir,
    path.join(regDir, 'sessions'),
    ...panePids.map((p) => path.join(regDir, 'sessions', `${p}.json`)),
  ])
    chownSync(d, uid, uid);
  const withReg = configFor(['thor'], {}, 'registry');
  const regConfig = JSON.parse(readFileSync(path.join(withReg, 'config.json'), 'utf8'));
  regConfig.hosts = regConfig.hosts.map((h) => (h.name === 'thor' ? { ...h, claudeConfigDir: regDir } : h));
  writeFileSync(path.join(withReg, 'config.json'), JSON.stringify(regConfig));
  await trimtab(['list'], withReg); // its master
  const script = (await trimtab(['list', '--host', 'thor'], withReg, { TRIMTAB_PRINT_SCRIPT: '1' })).stdout;
  const cut = script.replace('  say registry\n  list_registry "$2"\n', '');
  const cm = readdirSync(cache).find((f) => f.startsWith('cm-thor-'));
  const viaThor = (input) =>
    execa(
      'ssh',
      [
        '-F',
        sshConfig,
        '-o',
        `ControlPath=${path.join(cache, cm ?? 'none')}`,
        '-o',
        'ControlMaster=no',
        'thor',
        'sh -s',
      ],
      { input, reject: false },
    );
  const regOk = cut !== script && (await viaThor(script)).stdout.includes('"status":"idle"');
  const scriptWith = await sample(() => viaThor(script), RUNS * 2);
  const scriptWithout = await sample(() => viaThor(cut), RUNS * 2);
  row(`list's host script through the master, with the registry (${panePids.length} entries)`, ms(scriptWith), '', '');
  row("list's host script through the master, registry read cut out", ms(scriptWithout), '', '');
  row(
    '  registry read: extra per host',
    ms(scriptWith - scriptWithout),
    'a few ms, no extra ssh',
    regOk && scriptWith - scriptWithout < 20,
  );
  // 3. a sleeping host
  const withAsleep = configFor(['thor', 'fedora', 'asleep']);
  const cacheFile = path.join(cache, 'hosts.json');
  const forget = () => rmSync(cacheFile, { force: true });
  const asleepFirst = await sample(() => trimtab(['list'], withAsleep), 3, forget);
  const asleepNext = await sample(() => trimtab(['list'], withAsleep));
  row(
    'list with asleep, first: extra cost',
    ms(asleepFirst - second),
    '<= 2500 ms (timeout 2 s + 0.5)',
    asleepFirst - second <= 2500,
  );
  row(
    'list with asleep, next runs: extra',
    ms(Math.max(0, asleepNext - second)),
    '~0 (remembered offline)',
    asleepNext - second < 300,
  );
  // 4. start-up
  const version = await sample(
    () => execa(process.execPath, [CLI, '--version'], { env: { TRIMTAB_CACHE_DIR: cache } }),
    15,
  );
  const uncached = await sample(
    () => execa(process.execPath, [CLI, '--version'], { env: { TRIMTAB_NO_CODE_CACHE: '1' } }),
    15,
  );
  row('trimtab --version / node -e 0', (version / node0).toFixed(2), '<= 1.5', version / node0 <= 1.5);
  row(
    '  first run of a command (no code cache yet) / node -e 0',
    (uncached / node0).toFixed(2),
    'once per command and build',
    '',
  );
  // menu: first frame (local agents) vs complete (every host answered or timed out)
  forget();
  const socket = `bench-menu-${process.pid}`;
  const vars = Object.entries({ ...lab.env, TRIMTAB_CONFIG_DIR: withAsleep, TRIMTAB_CACHE_DIR: cache })
    .filter(([k]) => /^TRIMTAB_|^PATH$/.test(k))
    .flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const capture = async () => (await execa('tmux', ['-L', socket, 'capture-pane', '-p'], { reject: false })).stdout;
  const t0 = performance.now();
  await execa('tmux', [
    '-L',
    socket,
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-x',
    '40',
    '-y',
    '20',
    ...vars,
    `${process.execPath} ${CLI} menu`,
  ]);
  let firstFrame = 0;
  let complete = 0;
  while (performance.now() - t0 < 15_000) {
    const s = await capture();
    if (!firstFrame && s.includes('q  quit to shell')) firstFrame = performance.now() - t0;
    if (firstFrame && !s.includes('…') && s.includes('asleep offline')) {
      complete = performance.now() - t0;
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
  row('menu: first frame', ms(firstFrame), 'before any remote answers', firstFrame < complete);
  row('menu: complete (asleep timed out)', ms(complete), '', '');
  // 1 again, over a network with latency: a TCP relay on loopback that holds every chunk for half the
  // round trip in each direction, as Tailscale from a phone on mobile data would (~40 ms).
  const RTT = Number(process.env.BENCH_RTT_MS || 40);
  const sshdPort = Number(
    /Host thor fedora\n\s+HostName 127\.0\.0\.1\n\s+Port (\d+)/.exec(readFileSync(sshConfig, 'utf8'))[1],
  );
  const relay = net.createServer((inbound) => {
    const outbound = net.connect(sshdPort, '127.0.0.1');
    const pipeDelayed = (from, to) => {
      from.on('data', (chunk) => setTimeout(() => to.write(chunk), RTT / 2));
      from.on('end', () => setTimeout(() => to.end(), RTT / 2));
      from.on('error', () => to.destroy());
    };
    pipeDelayed(inbound, outbound);
    pipeDelayed(outbound, inbound);
  });
  await new Promise((r) => relay.listen(0, '127.0.0.1', r));
  const wanConfig = path.join(lab.dir, 'ssh_config_bench_wan');
  writeFileSync(
    wanConfig,
    readFileSync(sshConfig, 'utf8').replace(
      /(Host thor fedora\n\s+HostName 127\.0\.0\.1\n\s+)Port \d+/,
      `$1Port ${relay.address().port}\n  HostKeyAlias [127.0.0.1]:${sshdPort}`,
    ),
  );
  const wan = configFor(['thor', 'fedora'], { sshOptions: ['-F', wanConfig] }, 'wan');
  const wanCache = path.join(lab.dir, 'bench-cache-wan');
  const wanList = (env = {}) => trimtab(['list'], wan, { TRIMTAB_CACHE_DIR: wanCache, ...env });
  await wanList(); // masters up, code cache written
  const wanPlain = await sample(() => execa('ssh', ['-F', wanConfig, 'thor', 'true']));
  const wanCold = await sample(() => wanList({ TRIMTAB_NO_MUX: '1' }));
  const wanWarm = await sample(() => wanList());
  relay.close();
  await execa('pkill', ['-f', `${wanCache}/cm-`], { reject: false });
  row(`ssh thor true over a ${RTT} ms round trip (relay)`, ms(wanPlain), '', '');
  row(
    `list, 2 hosts, masters up / ssh true, ${RTT} ms round trip`,
    (wanWarm / wanPlain).toFixed(2),
    '<= 1.3',
    wanWarm / wanPlain <= 1.3,
  );
  row(
    `list, 2 hosts, no master at all / ssh true, ${RTT} ms round trip`,
    (wanCold / wanPlain).toFixed(2),
    '<= 1.3',
    wanCold / wanPlain <= 1.3,
  );
  // 5. scale: 3 hosts x 50 agents
  const scale = configFor(['thor', 'fedora'], {});
  const sockets = { here: `bench-here-${process.pid}`, thor: 'bench-thor', fedora: 'bench-fedora' };
  for (const [name, sock] of Object.entries(sockets)) {
    const asUser = name === 'here' ? [] : ['su', user.name, '-s', '/bin/sh', '-c'];
    const cmd = `tmux -L ${sock} new-session -d -s agents 2>/dev/null; for i in $(seq 1 50); do tmux -L ${sock} new-window -d -t =agents: -n s$i 'sleep 900'; done`;
    await (asUser.length ? execa(asUser[0], [...asUser.slice(1), cmd]) : execa('sh', ['-c', cmd]));
  }
  const counting = path.join(lab.dir, 'count-bench.sh');
  const countLog = path.join(lab.dir, 'count-bench.log');
  writeFileSync(counting, `#!/bin/sh\necho x >> ${countLog}\nexec ssh "$@"\n`, { mode: 0o755 });
  const big = await trimtab(['list', '--json'], scale, { TRIMTAB_SSH: counting });
  const agents = JSON.parse(big.stdout).agents.length;
  const sshCount = readFileSync(countLog, 'utf8').trim().split('\n').length;
  row(`list of ${agents} agents on 3 hosts: ssh processes`, String(sshCount), '1 per remote host (2)', sshCount === 2);
  const listBig = await sample(() => trimtab(['list'], scale));
  row(`list of ${agents} agents: wall time`, ms(listBig), '', '');
  // parse + render, in process, on real fixture screens
  const out = path.join(ROOT, 'node_modules/.cache/trimtab/bench-core.mjs');
  await build({
    stdin: {
      contents: `export * from './src/core/agents/agents.ts'; export * from './src/core/protocol.ts'; export * from './src/core/render/render.ts'; export { PANE_FIELDS } from './src/core/script.ts';`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
  const core = await import(pathToFileURL(out).href);
  const fixtures = readdirSync(path.join(ROOT, 'test/fixtures/panes')).map((f) =>
    readFileSync(path.join(ROOT, 'test/fixtures/panes', f), 'utf8'),
  );
  const M = '@@trimtab-bench@@';
  const hostOutput = (_h) => {
    const panes = Array.from({ length: 50 }, (_, i) =>
      [`%${i}`, 'agents', 'node', `@${i}`, i, 0, 1, 0, '', 1732400000, 0, `/p/proj${i}`, 'title', `proj${i}`].join(
        '\t',
      ),
    );
    const screens = panes.map((_, i) => `${M} screen %${i}\n${fixtures[i % fixtures.length]}`);
    return `${M} hello\n${M} now 1732400100\n${M} panes\n${panes.join('\n')}\n${screens.join('\n')}\n${M} end\n`;
  };
  const texts = ['here', 'thor', 'fedora'].map(hostOutput);
  const parseRender = () => {
    const all = texts.flatMap((t, k) => {
      const sections = core.parseSections(t, M);
      const panes = core.parsePanes(sections.find((s) => s.tag === 'panes').lines);
      return core.agentsFromList({ name: ['here', 'thor', 'fedora'][k] }, 'agents', panes, core.screensFrom(sections));
    });
    return core.renderAgentTable(all, 1732400200, 80);
  };
  const pr = await sample(async () => parseRender(), 21);
  row('parse + render, 3 hosts x 50 agents', `${pr.toFixed(1)} ms`, '< 50 ms', pr < 50);
  // 7. the watcher
  await benchWatch({ lab, CLI, user, sshConfig, row, seconds: Number(process.env.BENCH_WATCH_SECONDS || 60) });
  // 6. bundle
  const bytes = statSync(CLI).size;
  const gz = gzipSync(readFileSync(CLI)).length;
  row('dist/trimtab.mjs size', `${(bytes / 1024).toFixed(0)} KiB (${(gz / 1024).toFixed(0)} KiB gzip)`, 'report', '');
} finally {
  // The local host's tmux server is this user's (the remote ones go with the lab's throwaway user).
  await execa('tmux', ['-L', `bench-here-${process.pid}`, 'kill-server'], { reject: false });
  await lab.stop();
}

const w = Math.max(...rows.map((r) => r.what.length));
const v = Math.max(...rows.map((r) => String(r.value).length));
console.log(`trimtab bench: ${RUNS} runs per case, medians, node ${process.version}, ${new Date().toISOString()}`);
for (const r of rows) {
  const mark = r.ok === '' ? ' ' : r.ok ? '✔' : '✖';
  console.log(`${mark} ${r.what.padEnd(w)}  ${String(r.value).padStart(v)}  ${r.target}`);
}
