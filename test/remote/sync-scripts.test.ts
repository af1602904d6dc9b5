/**
 * The sync shell scripts run by real shells: the shell twin of guiBaseUrl agrees with it, .stignore
 * bytes survive the read and write scripts, and the probe script asks a REST server (a small
 * node:http one here; the integration test uses real Syncthing) exactly what Node expects.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, resolveConfig } from '../../src/core/hosts/config.js';
import { parseSections } from '../../src/core/protocol.js';
import { fromHex, probeFromSections } from '../../src/core/sync/sync-script.js';
import { guiBaseUrl } from '../../src/core/sync/syncthing.js';
import {
  syncApplyScript as applyScript,
  LIBRARIES,
  syncProbeScript as probeScript,
  readIgnoresScript,
  writeIgnoresScript,
} from '../../src/remote/scripts.js';
import { SHELLS, syntaxErrors } from '../core/shells.js';
import { CONFIG_XML, GUI_CASES } from '../fixtures/syncthing.js';

const M = '@@trimtab-sync123@@';
const host = (extra: Partial<Host> = {}): Host => ({
  ...resolveConfig({}, {}, 'thor').hosts[0]!,
  local: false,
  ...extra,
});

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'trimtab-sync-script-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function runScript(script: string, opts: { shell?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = await execa(opts.shell ?? 'sh', ['-s'], {
    input: script,
    reject: false,
    env: opts.env,
    extendEnv: opts.env === undefined,
  });
  return { ...r, sections: parseSections(r.stdout, M) };
}

describe('every script parses in every POSIX shell', () => {
  const h = host({ projectsDir: "~/my 'projects'", syncthingHome: '~/st home' });
  const scripts: Array<[string, string]> = [
    ['probe', probeScript(M, h)],
    ['probe, default config places', probeScript(M, host())],
    [
      'apply',
      applyScript(M, h, [
        { method: 'POST', path: '/rest/config/folders', body: { id: "it's", path: '$(touch PWNED)' } },
      ]),
    ],
    ['read ignores', readIgnoresScript(M, h, ['a', 'b'])],
    ['write ignores', writeIgnoresScript(M, h, [{ project: 'a', text: "x'$(touch PWNED)\n" }])],
  ];
  for (const shell of SHELLS) {
    it.each(scripts)(`${shell}: %s`, (_name, script) => expect(syntaxErrors(shell, script)).toBe(''));
  }
});

describe('gui_base (sh/sync.sh) is the shell twin of guiBaseUrl', () => {
  for (const shell of SHELLS) {
    it.each(GUI_CASES)(`${shell}: %s (tls %s)`, (addr, tls) => {
      const script = [
        `M=${M}`,
        LIBRARIES['prelude.sh'],
        LIBRARIES['sync.sh'],
        `addr='${addr}'`,
        `tls=${tls}`,
        'gui_base',
        'say base "$base"',
      ].join('\n');
      const out = execFileSync(shell, ['-c', script], { encoding: 'utf8' });
      const sections = parseSections(out, M);
      const want = guiBaseUrl(addr, tls);
      if (want === null) expect(sections.filter((s) => s.tag !== 'hello')[0]?.tag).toBe('nogui');
      else expect(sections.find((s) => s.tag === 'base')?.args[0]).toBe(want);
    });
  }
});

describe('.stignore travels byte for byte', () => {
  const TEXTS = ['', 'no newline at the end', "it's $(touch PWNED) `x` \\n\n", '日本 🦀\r\n// CRLF\r\n', '\n\n\n'];
  it.each(SHELLS)('%s: write, then read back', async (shell) => {
    const dir = path.join(tmp, `ign-${shell}`);
    const projects = TEXTS.map((_t, i) => `p${i}`);
    for (const p of projects) mkdirSync(path.join(dir, p), { recursive: true });
    const h = host({ projectsDir: dir });
    const w = await runScript(
      writeIgnoresScript(
        M,
        h,
        TEXTS.map((text, i) => ({ project: `p${i}`, text })),
      ),
      { shell },
    );
    expect(w.sections.filter((s) => s.tag === 'wrote').map((s) => s.args[0])).toEqual(projects);
    TEXTS.forEach((text, i) => expect(readFileSync(path.join(dir, `p${i}`, '.stignore'), 'utf8')).toBe(text));
    mkdirSync(path.join(dir, 'empty'));
    const r = await runScript(readIgnoresScript(M, h, 'all'), { shell });
    const files = Object.fromEntries(
      r.sections.filter((s) => s.tag === 'file').map((s) => [s.args[0], fromHex(s.lines)]),
    );
    expect(files).toEqual(Object.fromEntries(TEXTS.map((t, i) => [`p${i}`, t])));
    expect(r.sections.filter((s) => s.tag === 'none').map((s) => s.args[0])).toEqual(['empty']);
    const named = await runScript(readIgnoresScript(M, h, ['p1', 'ghost']), { shell });
    expect(named.sections.map((s) => `${s.tag} ${s.args.join(' ')}`.trim())).toEqual([
      'hello',
      'dir',
      'file p1',
      'missing ghost',
      'end',
    ]);
  });
  it('says so when the projects dir is missing', async () => {
    const r = await runScript(readIgnoresScript(M, host({ projectsDir: path.join(tmp, 'nope') }), 'all'));
    expect(r.sections.map((s) => s.tag)).toEqual(['hello', 'dir', 'nodir', 'end']);
  });
});

describe('probeScript against a REST server', () => {
  const seen: Array<{ url: string; key: string | undefined }> = [];
  let server: http.Server;
  let port = 0;
  const folders = [
    { id: 'app', path: '~/projects/app/', devices: [{ deviceID: 'ME' }, { deviceID: 'PEER' }] },
    { id: 'odd id&x', path: `HOME/projects/odd`, devices: [] },
    { id: 'photos', path: '/elsewhere/photos', devices: [] },
    { id: 'notes', path: '/elsewhere/notes', devices: [] },
  ];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url!, key: req.headers['x-api-key'] as string | undefined });
      if (req.headers['x-api-key'] !== 'k3y') return res.writeHead(403).end('CSRF Error\n');
      const u = new URL(req.url!, 'http://x');
      const body: Record<string, unknown> = {
        '/rest/system/status': { myID: 'ME', tilde: 'HOME' },
        '/rest/system/connections': { connections: { PEER: { connected: true } } },
        '/rest/config/devices': [
          { deviceID: 'ME', name: 'me' },
          { deviceID: 'PEER', name: 'peer' },
        ],
        '/rest/config/folders': folders.map((f) => ({ ...f, path: f.path.replace('HOME', home) })),
        '/rest/db/status': { state: 'idle', needTotalItems: 1, folder: u.searchParams.get('folder') },
        '/rest/db/completion': {
          needItems: 2,
          folder: u.searchParams.get('folder'),
          device: u.searchParams.get('device'),
        },
      };
      if (!(u.pathname in body)) return res.writeHead(404).end('no');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body[u.pathname], null, 2));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  let home = '';
  const setup = (name: string, keyInXml = 'k3y', p = port) => {
    home = path.join(tmp, name);
    mkdirSync(path.join(home, 'st'), { recursive: true });
    for (const d of ['app', 'odd', 'notes']) mkdirSync(path.join(home, 'projects', d), { recursive: true });
    const xml = CONFIG_XML.replace('127.0.0.1:8384', `0.0.0.0:${p}`).replace(/<apikey>[^<]*/, `<apikey>${keyInXml}`);
    writeFileSync(path.join(home, 'st', 'config.xml'), xml);
    return host({ projectsDir: '~/projects', syncthingHome: '~/st' });
  };
  const env = () => ({ PATH: process.env.PATH, HOME: home });

  it('asks for exactly what Node reads, with the key in a header, never in argv', async () => {
    seen.length = 0;
    const r = await runScript(probeScript(M, setup('probe')), { env: env() });
    const probe = probeFromSections(r.sections);
    expect(probe.problem).toBeUndefined();
    expect(probe).toMatchObject({
      home,
      projectsDir: `${home}/projects`,
      projects: ['app', 'notes', 'odd'],
      configPath: `${home}/st/config.xml`,
      api: `http://127.0.0.1:${port}`,
    });
    expect(Object.keys(probe.rest)).toEqual(['status', 'connections', 'devices', 'folders']);
    // app: by path (~, trailing /); notes: by ID; odd: its ID needs URL-encoding; photos: not a project.
    expect(Object.keys(probe.perFolder).sort()).toEqual(['app', 'notes', 'odd id&x']);
    expect(Object.keys(probe.perFolder.app!.completion)).toEqual(['PEER']);
    expect(JSON.parse((probe.perFolder['odd id&x']!.dbstatus as { body: string }).body).folder).toBe('odd id&x');
    expect(JSON.parse((probe.perFolder.app!.completion.PEER as { body: string }).body)).toMatchObject({
      folder: 'app',
      device: 'PEER',
    });
    expect(seen.every((s) => s.key === 'k3y')).toBe(true);
    expect(r.stdout).not.toContain('k3y');
  });

  it('a wrong key reads as a refusal', async () => {
    const r = await runScript(probeScript(M, setup('badkey', 'nope')), { env: env() });
    expect(probeFromSections(r.sections).problem).toMatchObject({ kind: 'api', code: 22 });
  });

  it('nothing listening: curl exit 7', async () => {
    const closed = http.createServer();
    await new Promise<void>((res) => closed.listen(0, '127.0.0.1', res));
    const dead = (closed.address() as AddressInfo).port;
    await new Promise<void>((res) => closed.close(() => res()));
    const r = await runScript(probeScript(M, setup('dead', 'k3y', dead)), { env: env() });
    expect(probeFromSections(r.sections).problem).toMatchObject({
      kind: 'api',
      code: 7,
      url: `http://127.0.0.1:${dead}`,
    });
  });

  it('no config.xml: names the places it looked', async () => {
    home = path.join(tmp, 'noconfig');
    mkdirSync(home, { recursive: true });
    const r = await runScript(probeScript(M, host({ projectsDir: '~/projects' })), {
      env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: '', XDG_STATE_HOME: '' },
    });
    const probe = probeFromSections(r.sections);
    expect(probe.problem).toEqual({
      kind: 'noconfig',
      looked: [
        `${home}/.config/syncthing/config.xml`,
        `${home}/.config/syncthing/config.xml`,
        `${home}/.local/state/syncthing/config.xml`,
        `${home}/.local/state/syncthing/config.xml`,
        `${home}/Library/Application Support/Syncthing/config.xml`,
        '/var/lib/syncthing/.config/syncthing/config.xml',
      ],
    });
  });

  it('falls back to wget when there is no curl', async () => {
    const wget = execFileSync('sh', ['-c', 'command -v wget || true'], { encoding: 'utf8' }).trim();
    if (!wget) throw new Error('this test needs wget (apt-get install -y wget)');
    const bin = path.join(tmp, 'bin-no-curl');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['sed', 'grep', 'head', 'tr', 'id', 'mktemp', 'rm', 'od', 'wget']) {
      const at = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      symlinkSync(at, path.join(bin, tool));
    }
    seen.length = 0;
    const r = await runScript(probeScript(M, setup('wget')), { shell: '/bin/sh', env: { PATH: bin, HOME: home } });
    const probe = probeFromSections(r.sections);
    expect(probe.problem).toBeUndefined();
    expect(probe.perFolder.app!.dbstatus?.ok).toBe(true);
    expect(probe.perFolder.app!.completion.PEER?.ok).toBe(true);
    // An ID that needs URL-encoding needs curl: it fails alone (and shows as "unknown").
    expect(probe.perFolder['odd id&x']!.dbstatus).toMatchObject({ ok: false, code: 90 });
    expect(seen.every((s) => s.key === 'k3y')).toBe(true);
  });
});
