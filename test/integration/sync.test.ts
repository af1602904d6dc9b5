/**
 * `trimtab sync` end to end (issue #7): two real Syncthing instances on 127.0.0.1, one behind the lab's
 * `thor`, one behind `fedora` (both reached over the lab's real sshd, each with its own syncthingHome
 * and projects dir). They are introduced by `trimtab sync setup --apply` itself, then: files cross,
 * node_modules does not, status goes behind -> in sync, and a stopped side shows offline and catches up.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Lab, startLab } from '../lab/lab.js';
import { createSyncthing, requireSyncthing, type Syncthing } from '../lab/syncthing.js';

let lab: Lab;
let thorSt: Syncthing;
let fedoraSt: Syncthing;
let thorDir: string;
let fedoraDir: string;

interface Row {
  host: string;
  project: string;
  state: string;
  label: string;
  needItems: number;
  peerNeedItems: number;
}
interface StatusJson {
  hosts: Array<{ name: string; local: boolean; reachable: boolean; error: string | null; deviceId: string | null }>;
  folders: Row[];
}

beforeAll(async () => {
  requireSyncthing();
  lab = await startLab();
  // These tests are about Syncthing, not ssh connection sharing: plain ssh per call keeps them
  // independent of control masters (which outlive the lab's sshd unless ended at lab.stop()).
  lab.env.TRIMTAB_NO_MUX = '1';
  [thorSt, fedoraSt] = await Promise.all([createSyncthing(lab.dir, 'thor'), createSyncthing(lab.dir, 'fedora')]);
  await Promise.all([thorSt.start(), fedoraSt.start()]);
  const file = path.join(lab.env.TRIMTAB_CONFIG_DIR!, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  const homes: Record<string, string> = {
    thor: thorSt.home,
    fedora: fedoraSt.home,
    here: path.join(lab.dir, 'no-syncthing-here'),
  };
  for (const h of config.hosts) if (homes[h.name]) h.syncthingHome = homes[h.name];
  config.sync = { ignore: ['(?d)*.tmp'] };
  writeFileSync(file, JSON.stringify(config, null, 2));
  thorDir = lab.mkProject('thor', 'proj');
  fedoraDir = lab.mkProject('fedora', 'proj');
}, 90_000);

afterAll(async () => {
  await Promise.all([thorSt?.stop(), fedoraSt?.stop()].map((p) => p?.catch(() => {})));
  await lab?.stop();
});

async function status(host?: string, env: NodeJS.ProcessEnv = {}): Promise<StatusJson> {
  const r = await lab.trimtab(['sync', 'status', '--json', ...(host ? ['--host', host] : [])], { env });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatusJson;
}
const row = (s: StatusJson, host: string) => s.folders.find((f) => f.host === host && f.project === 'proj');
/** Poll both hosts until `check` passes on their `proj` rows (polls, never sleeps a fixed time). */
const rowsUntil = (what: string, check: (thor: Row | undefined, fedora: Row | undefined) => boolean, ms = 30_000) =>
  eventually(
    async () => {
      const [t, f] = await Promise.all([status('thor'), status('fedora')]);
      return check(row(t, 'thor'), row(f, 'fedora')) ? { thor: row(t, 'thor')!, fedora: row(f, 'fedora')! } : undefined;
    },
    what,
    ms,
  );
const settled = async () => {
  // Both sides agree and nothing is queued: fedora needs nothing, and thor knows fedora has it all.
  await rowsUntil('both sides in sync', (t, f) => t?.state === 'in-sync' && f?.state === 'in-sync');
};

describe('sync', () => {
  it('status before setup: the project is not shared; hosts without Syncthing are named, not fatal', async () => {
    const r = await lab.trimtab(['sync', 'status', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as StatusJson;
    expect(row(out, 'thor')).toMatchObject({ state: 'not-shared', label: 'not shared' });
    expect(row(out, 'fedora')).toMatchObject({ state: 'not-shared' });
    expect(out.hosts.find((h) => h.name === 'thor')).toMatchObject({
      local: false,
      reachable: true,
      error: null,
      deviceId: thorSt.id,
    });
    expect(out.hosts.find((h) => h.name === 'here')?.error).toBe('no Syncthing on here (no config.xml)');
    expect(out.hosts.find((h) => h.name === 'asleep')).toMatchObject({
      reachable: false,
      error: 'cannot reach asleep (timed out after 2 s)',
    });
    expect(r.stderr.split('\n')).toContain('⚠ no Syncthing on here (no config.xml)');
  });

  it('setup prints the NixOS snippet and the Fedora steps', async () => {
    const nix = await lab.trimtab(['sync', 'setup', 'thor', '--with', 'fedora', '--os', 'nixos']);
    expect(nix.exitCode, nix.stderr).toBe(0);
    for (const want of [
      'services.syncthing = {',
      'overrideFolders = true;',
      `id = "${fedoraSt.id}";`,
      `addresses = [ "tcp://127.0.0.1:${fedoraSt.listenPort}" "dynamic" ];`,
      '"proj" = {',
      `path = "${thorDir}";`,
      'devices = [ "fedora" ];',
    ])
      expect(nix.stdout).toContain(want);
    expect(nix.stdout).toMatch(/overrideFolders.*deleted|deleted[\s\S]*overrideFolders/);

    const fedora = await lab.trimtab(['sync', 'setup', 'fedora', '--with', 'thor', '--os', 'fedora']);
    expect(fedora.exitCode, fedora.stderr).toBe(0);
    expect(fedora.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'sudo dnf install -y syncthing',
        'systemctl --user enable --now syncthing',
        'trimtab sync setup fedora --apply',
        `#   device thor: add ${thorSt.id.slice(0, 7)} at tcp://127.0.0.1:${thorSt.listenPort}`,
        `#   folder proj: add ${fedoraDir}`,
      ]),
    );

    const refused = await lab.trimtab(['sync', 'setup', 'thor', '--apply', '--os', 'nixos', '--with', 'fedora']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('thor runs NixOS');
  });

  it('setup --apply adds the other device and the folder on each side, once', async () => {
    // thor's REST API over ssh (curl on the host); fedora's from fedora itself (fetch, no ssh).
    for (const [host, peer, env] of [
      ['thor', 'fedora', {}],
      ['fedora', 'thor', { TRIMTAB_HOST: 'fedora' }],
    ] as const) {
      const r = await lab.trimtab(['sync', 'setup', host, '--apply', '--with', peer], { env });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toContain(`✔ ${host}: 2 changes applied`);
    }
    const folders = await thorSt.api<Array<{ id: string; path: string; devices: Array<{ deviceID: string }> }>>(
      'GET',
      '/rest/config/folders',
    );
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatchObject({ id: 'proj', path: thorDir });
    expect(folders[0]!.devices.map((d) => d.deviceID).sort()).toEqual([thorSt.id, fedoraSt.id].sort());
    const devices = await fedoraSt.api<Array<{ deviceID: string; name: string; addresses: string[] }>>(
      'GET',
      '/rest/config/devices',
    );
    expect(devices.find((d) => d.deviceID === thorSt.id)).toMatchObject({
      name: 'thor',
      addresses: [`tcp://127.0.0.1:${thorSt.listenPort}`, 'dynamic'],
    });

    const again = await lab.trimtab(['sync', 'setup', 'thor', '--apply', '--with', 'fedora']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain('thor already has every device and folder');
  });

  it('sync ignore writes the managed block on each host, keeps user lines, and is idempotent', async () => {
    writeFileSync(path.join(thorDir, '.stignore'), '// mine\n*.bak\n');
    const r = await lab.trimtab(['sync', 'ignore', '--on', 'thor', '--on', 'fedora', 'proj']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr.split('\n')).toContain('✔ updated   thor:proj');
    expect(r.stderr.split('\n')).toContain('✔ created   fedora:proj');
    const thorText = readFileSync(path.join(thorDir, '.stignore'), 'utf8');
    expect(thorText.startsWith('// mine\n*.bak\n\n// BEGIN trimtab')).toBe(true);
    expect(thorText).toContain('\n(?d)node_modules\n');
    expect(thorText).toContain('\n(?d)*.tmp\n');
    expect(thorText.endsWith('// END trimtab\n')).toBe(true);
    const fedoraText = readFileSync(path.join(fedoraDir, '.stignore'), 'utf8');
    expect(fedoraText.startsWith('// BEGIN trimtab')).toBe(true);

    const again = await lab.trimtab(['sync', 'ignore', '--on', 'thor', '--on', 'fedora']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr.split('\n')).toContain('· unchanged thor:proj');
    expect(again.stderr.split('\n')).toContain('· unchanged fedora:proj');
    // And through the local path (thor as "here": no ssh).
    const local = await lab.trimtab(['sync', 'ignore', 'proj'], { env: { TRIMTAB_HOST: 'thor' } });
    expect(local.stderr.split('\n')).toContain('· unchanged thor:proj');
    expect(readFileSync(path.join(thorDir, '.stignore'), 'utf8')).toBe(thorText);

    const missing = await lab.trimtab(['sync', 'ignore', '--on', 'thor', 'nope']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('thor:nope: no such project directory');
  });

  it('a file written on one side arrives on the other; node_modules does not', async () => {
    await settled();
    mkdirSync(path.join(thorDir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(path.join(thorDir, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
    writeFileSync(path.join(thorDir, 'hello.txt'), 'hello from thor\n');
    writeFileSync(path.join(fedoraDir, 'from-fedora.txt'), 'hello from fedora\n');
    await eventually(() => existsSync(path.join(fedoraDir, 'hello.txt')), 'hello.txt on fedora', 30_000);
    expect(readFileSync(path.join(fedoraDir, 'hello.txt'), 'utf8')).toBe('hello from thor\n');
    await eventually(() => existsSync(path.join(thorDir, 'from-fedora.txt')), 'from-fedora.txt on thor', 30_000);
    await settled();
    expect(existsSync(path.join(fedoraDir, 'node_modules'))).toBe(false);
    // Syncthing itself read the managed block.
    const ignores = await thorSt.api<{ ignore: string[] }>('GET', '/rest/db/ignores?folder=proj');
    expect(ignores.ignore).toEqual(expect.arrayContaining(['*.bak', '(?d)node_modules', '(?d)*.tmp']));
  });

  it('status goes from behind to in sync', async () => {
    // Hold fedora back: a folder that wants 100 % free disk pulls nothing, deterministically.
    await fedoraSt.api('PATCH', '/rest/config/folders/proj', { minDiskFree: { value: 100, unit: '%' } });
    try {
      writeFileSync(path.join(thorDir, 'late.txt'), 'late\n');
      const behind = await rowsUntil('fedora behind', (t, f) => f?.state === 'behind' && t?.state === 'behind');
      expect(behind.fedora).toMatchObject({ label: '1 item behind', needItems: 1 });
      expect(behind.thor).toMatchObject({ label: 'fedora 1 behind', needItems: 0, peerNeedItems: 1 });

      const table = await lab.trimtab(['sync', 'status'], { env: { COLUMNS: '40' } });
      expect(table.exitCode, table.stderr).toBe(0);
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^HOST\s+PROJECT\s+SYNC$/);
      expect(lines).toContain('thor    proj     fedora 1 behind');
      expect(lines).toContain('fedora  proj     1 item behind');
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    } finally {
      await fedoraSt.api('PATCH', '/rest/config/folders/proj', { minDiskFree: { value: 1, unit: '%' } });
    }
    await settled();
    expect(readFileSync(path.join(fedoraDir, 'late.txt'), 'utf8')).toBe('late\n');
  });

  it('a stopped side shows as offline, and a change made meanwhile arrives after it restarts', async () => {
    await fedoraSt.stop();
    const off = await eventually(async () => {
      const s = await status('thor');
      return row(s, 'thor')?.state === 'offline' ? s : undefined;
    }, 'thor to see fedora offline');
    expect(row(off, 'thor')!.label).toBe('fedora offline');
    const down = await status('fedora');
    expect(down.hosts[0]!.error).toBe('Syncthing is not running on fedora');

    writeFileSync(path.join(thorDir, 'while-away.txt'), 'queued\n');
    // The same answer through the local path (fetch, no ssh) when thor is "here".
    const local = await status('thor', { TRIMTAB_HOST: 'thor' });
    expect(local.hosts[0]).toMatchObject({ name: 'thor', local: true, error: null });
    expect(row(local, 'thor')).toMatchObject({ state: 'offline', label: 'fedora offline' });

    await fedoraSt.start();
    await eventually(
      () => existsSync(path.join(fedoraDir, 'while-away.txt')),
      'while-away.txt on fedora after restart',
      30_000,
    );
    expect(readFileSync(path.join(fedoraDir, 'while-away.txt'), 'utf8')).toBe('queued\n');
    await settled();
  });
});
