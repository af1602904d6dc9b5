// npm run bench, the watcher's part: `trimtab watch` following 3 remote hosts x 10 agents at a 3 s
// interval for a minute (its CPU, read from /proc, and the ssh sessions it starts), then the time from
// a prompt appearing on a host to the push reaching a local HTTP receiver that stands in for ntfy.
// The agents are panes that show a real Claude Code 2.1.328 screen (from the lab corpus) and sleep:
// the watcher does all its work (list, capture, classify, read prompts) and the agents cost nothing.

import { chownSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execa } from 'execa';

const ROOT = path.resolve(import.meta.dirname, '..');
const CORPUS = path.join(ROOT, 'test/fixtures/corpus/lab-2.1.328');
const SCREENS = [
  'waiting-bash-80.txt',
  'idle-fresh-80.txt',
  'working-slow-80.txt',
  'idle-after-reply-80.txt',
  'waiting-write-80.txt',
];
const HOSTS = ['thor', 'fedora', 'odin'];
const INTERVAL = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CLK_TCK = Number((await execa('getconf', ['CLK_TCK'], { reject: false })).stdout) || 100;

/** utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15; the name may hold spaces). */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return undefined; // gone
  }
}
/** ssh masters whose control socket is in `dir` (their command line names it). */
async function mastersOf(dir) {
  const ps = (await execa('ps', ['-eo', 'pid=,args='], { reject: false })).stdout;
  // A detached master renames itself "ssh: PATH [mux]"; the clients only name the path in -o ControlPath=.
  return ps
    .split('\n')
    .filter((l) => l.includes(`ssh: ${dir}/cm-`) && l.includes('[mux]'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}
const childrenOf = async (pid) =>
  (await execa('ps', ['-o', 'pid=', '--ppid', String(pid)], { reject: false })).stdout
    .split('\n')
    .map(Number)
    .filter(Boolean);

/**
 * `lab`, `CLI`, `user` ({name, home}: who ssh logs in as), `sshConfig` (the bench's), `row(what, value,
 * target, ok)`, `seconds` (the CPU window). Adds its rows; returns nothing.
 */
export async function benchWatch({ lab, CLI, user, sshConfig, row, seconds = 60 }) {
  const root = process.getuid?.() === 0;
  const uid = Number((await execa('id', ['-u', user.name])).stdout);
  const asUser = (cmd) => (root ? execa('su', [user.name, '-s', '/bin/sh', '-c', cmd]) : execa('sh', ['-c', cmd]));
  const dir = path.join(user.home, 'bench-watch');
  mkdirSync(dir, { recursive: true });
  for (const s of SCREENS) copyFileSync(path.join(CORPUS, s), path.join(dir, s));
  for (const f of [dir, ...SCREENS.map((s) => path.join(dir, s))]) chownSync(f, uid, uid);
  // A third alias of the lab's sshd, so that three hosts each have their own master and channel.
  const cfg = path.join(lab.dir, 'ssh_config_bench_watch');
  writeFileSync(cfg, readFileSync(sshConfig, 'utf8').replace('Host thor fedora\n', 'Host thor fedora odin\n'));
  const pane = (screen) => `cat ${path.join(dir, screen)}; exec sleep 900`;
  for (const h of HOSTS) {
    const sock = `bw-${h}`;
    const windows = Array.from(
      { length: 10 },
      (_, i) => `tmux -L ${sock} new-window -d -t =agents: -n a${i} '${pane(SCREENS[i % SCREENS.length])}'`,
    );
    await asUser(
      `tmux -L ${sock} -f /dev/null new-session -d -s agents -x 80 -y 30 -n keep 'exec sleep 900'; ${windows.join('; ')}`,
    );
  }

  const posts = [];
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts.push(performance.now());
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const configDir = path.join(lab.dir, 'bench-watch-config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    path.join(configDir, 'config.json'),
    JSON.stringify({
      hosts: [
        { name: 'here', tmuxSocket: `bw-here-${process.pid}` },
        ...HOSTS.map((h) => ({ name: h, ssh: h, projectsDir: dir, tmuxSocket: `bw-${h}` })),
      ],
      sshOptions: ['-F', cfg],
      connectTimeoutSeconds: 2,
      notify: { ntfy: `http://127.0.0.1:${receiver.address().port}/bench`, intervalSeconds: INTERVAL },
    }),
  );
  const countLog = path.join(lab.dir, 'count-bench-watch.log');
  const counting = path.join(lab.dir, 'count-bench-watch.sh');
  writeFileSync(counting, `#!/bin/sh\necho x >> ${countLog}\nexec ssh "$@"\n`, { mode: 0o755 });
  writeFileSync(countLog, '');
  const sshCount = () => readFileSync(countLog, 'utf8').split('\n').filter(Boolean).length;
  const watcher = execa(process.execPath, [CLI, 'watch'], {
    env: {
      ...lab.env,
      TRIMTAB_CONFIG_DIR: configDir,
      TRIMTAB_SSH: counting,
      TRIMTAB_CACHE_DIR: path.join(lab.dir, 'bench-watch-cache'),
      TRIMTAB_STATE_DIR: path.join(lab.dir, 'bench-watch-state'),
    },
    reject: false,
  });
  try {
    // Warm-up: the first poll of every host (masters made, the waiting agents pushed as one group).
    const until = performance.now() + 30_000;
    while (posts.length === 0 && performance.now() < until) await sleep(100);
    await sleep(2 * INTERVAL * 1000);
    const firstSsh = sshCount();
    const clients = await childrenOf(watcher.pid);
    // Through a master, an ssh client hands its streams to the master process and waits: the
    // encryption is the master's work (ControlPersist detached it, so it is no child of the watcher).
    const masters = await mastersOf(path.join(lab.dir, 'bench-watch-cache'));
    const m0 = masters.map(cpuSeconds);
    const cpu0 = cpuSeconds(watcher.pid);
    const kids0 = clients.map(cpuSeconds);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const wall = (performance.now() - t0) / 1000;
    const cpu1 = cpuSeconds(watcher.pid);
    const kids1 = clients.map(cpuSeconds);
    const m1 = masters.map(cpuSeconds);
    const later = sshCount() - firstSsh;
    const pct = ((cpu1 - cpu0) / wall) * 100;
    const kidsPct = (kids1.reduce((s, x, i) => s + (x ?? kids0[i]) - kids0[i], 0) / wall) * 100;
    row(
      `watch: 3 hosts x 10 agents every ${INTERVAL} s, its CPU over ${seconds} s (% of one core)`,
      `${pct.toFixed(2)} %`,
      '< 1 %',
      pct < 1,
    );
    row(
      `  its ${clients.length} channel processes (ssh per remote host, sh here), same window`,
      `${kidsPct.toFixed(2)} %`,
      'report',
      '',
    );
    row(
      "  the watcher's own CPU time in that window",
      `${((cpu1 - cpu0) * 1000).toFixed(0)} ms`,
      `${CLK_TCK} ticks/s`,
      '',
    );
    const mPct = (m1.reduce((s, x, i) => s + (x ?? m0[i]) - m0[i], 0) / wall) * 100;
    row(`  its ${masters.length} ssh masters (ControlPersist), same window`, `${mPct.toFixed(2)} %`, 'report', '');
    row('watch: ssh sessions at start (one per remote host)', String(firstSsh), '3', firstSsh === 3);
    row('watch: ssh sessions started per minute after that', (later / (wall / 60)).toFixed(1), '0', later === 0);

    // Push latency: a new agent shows a Bash prompt on thor (the pane draws it as soon as it starts).
    const lat = [];
    for (let i = 0; i < 5; i++) {
      // A random moment of the poll cycle: right after a push, the next poll is a whole interval away.
      await sleep(Math.random() * INTERVAL * 1000);
      const before = posts.length;
      await asUser(`tmux -L bw-thor new-window -d -t =agents: -n lat${i} '${pane('waiting-bash-80.txt')}'`);
      const appeared = performance.now();
      const stop = appeared + 20_000;
      while (posts.length === before && performance.now() < stop) await sleep(5);
      if (posts.length > before) lat.push(posts[before] - appeared);
    }
    const bound = (INTERVAL + 1) * 1000;
    row(
      `watch: push after a prompt appears, median of ${lat.length} (interval ${INTERVAL} s, at random moments)`,
      `${median(lat).toFixed(0)} ms`,
      `<= ${bound} ms`,
      median(lat) <= bound,
    );
    row('  the slowest of them', `${Math.max(...lat).toFixed(0)} ms`, `<= ${bound} ms`, Math.max(...lat) <= bound);
  } finally {
    watcher.kill('SIGTERM');
    await watcher;
    receiver.close();
    for (const h of HOSTS) await asUser(`tmux -L bw-${h} kill-server`).catch(() => undefined);
  }
}
