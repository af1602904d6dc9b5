import { describe, expect, it } from 'vitest';
import {
  applyRequests,
  deviceAddresses,
  distroSteps,
  nixosSnippet,
  nixString,
  osFamily,
  planLines,
  planSetup,
  type SetupSide,
} from '../../../src/core/sync/sync-setup.js';
import type { SyncView } from '../../../src/core/sync/syncthing.js';

const THOR_ID = 'THOR111-AAAAAAA';
const FED_ID = 'FEDORA1-BBBBBBB';

const view = (myId: string, extra: Partial<SyncView> = {}): SyncView => ({
  myId,
  tilde: '',
  listenPorts: [22000],
  folders: [],
  devices: [{ id: myId, name: 'me', addresses: ['dynamic'] }],
  connected: {},
  dbStatus: {},
  completion: {},
  ...extra,
});
const thor = (v?: SyncView): SetupSide => ({
  name: 'thor',
  user: 'mac',
  home: '/home/mac',
  projectsDir: '/home/mac/1-Projects',
  view: v,
  addresses: deviceAddresses('thor', [22000]),
});
const fedora = (v?: SyncView): SetupSide => ({
  name: 'fedora',
  user: 'mchughson',
  home: '/home/mchughson',
  projectsDir: '/home/mchughson/1-Projects',
  view: v,
  addresses: deviceAddresses('fedora', v?.listenPorts ?? []),
});

describe('osFamily', () => {
  it.each<[string, string[], string]>([
    ['nixos', [], 'nixos'],
    ['fedora', [], 'fedora'],
    ['rocky', ['rhel', 'centos', 'fedora'], 'fedora'],
    ['debian', [], 'debian'],
    ['ubuntu', ['debian'], 'debian'],
    ['arch', [], 'arch'],
    ['alpine', [], 'other'],
    ['unknown', [], 'other'],
  ])('%s %j -> %s', (os, like, family) => expect(osFamily(os, like)).toBe(family));
});

describe('planSetup', () => {
  it('adds every peer and one folder per project, named after the project', () => {
    const plan = planSetup(thor(view(THOR_ID)), [fedora(view(FED_ID, { listenPorts: [22001] }))], ['app', 'notes']);
    expect(plan.devices).toEqual([
      { name: 'fedora', id: FED_ID, addresses: ['tcp://fedora:22001', 'dynamic'], present: false },
    ]);
    expect(plan.folders).toEqual([
      { project: 'app', id: 'app', path: '/home/mac/1-Projects/app', peers: ['fedora'], action: 'new' },
      { project: 'notes', id: 'notes', path: '/home/mac/1-Projects/notes', peers: ['fedora'], action: 'new' },
    ]);
  });

  it('reuses the folder ID a peer already has (Syncthing pairs folders by ID)', () => {
    const peer = view(FED_ID, {
      folders: [{ id: 'x7k2p-9mzq1', label: 'app', path: '~/1-Projects/app', paused: false, deviceIds: [FED_ID] }],
      tilde: '/home/mchughson',
    });
    const plan = planSetup(thor(view(THOR_ID)), [fedora(peer)], ['app']);
    expect(plan.folders[0]).toMatchObject({ id: 'x7k2p-9mzq1', action: 'new' });
  });

  it('existing folder: share it with missing peers, or leave it', () => {
    const folder = { id: 'app', label: 'app', path: '/home/mac/1-Projects/app', paused: false, deviceIds: [THOR_ID] };
    const mine = view(THOR_ID, { folders: [folder], devices: [{ id: FED_ID, name: 'fedora', addresses: [] }] });
    const plan = planSetup(thor(mine), [fedora(view(FED_ID))], ['app']);
    expect(plan.devices[0]!.present).toBe(true);
    expect(plan.folders[0]!.action).toBe('share');
    expect(applyRequests(plan)).toEqual([
      {
        method: 'PATCH',
        path: '/rest/config/folders/app',
        body: { devices: [{ deviceID: THOR_ID }, { deviceID: FED_ID }] },
      },
    ]);
    const done = view(THOR_ID, { folders: [{ ...folder, deviceIds: [THOR_ID, FED_ID] }], devices: mine.devices });
    const again = planSetup(thor(done), [fedora(view(FED_ID))], ['app']);
    expect(applyRequests(again)).toEqual([]);
    expect(planLines(again)).toEqual(['device fedora: already known', 'folder app: already shared']);
  });

  it('skips the target itself and duplicates (two trimtab hosts on one Syncthing)', () => {
    const plan = planSetup(
      thor(view(THOR_ID)),
      [{ ...fedora(view(THOR_ID)), name: 'here' }, fedora(view(FED_ID)), { ...fedora(view(FED_ID)), name: 'fedora2' }],
      ['app'],
    );
    expect(plan.devices.map((d) => d.name)).toEqual(['fedora']);
  });

  it('a peer whose Syncthing did not answer: placeholder in the snippet, skipped by --apply', () => {
    const plan = planSetup(thor(view(THOR_ID)), [fedora(undefined)], ['app']);
    expect(plan.devices[0]).toMatchObject({ id: null });
    expect(applyRequests(plan)).toEqual([
      {
        method: 'POST',
        path: '/rest/config/folders',
        body: {
          id: 'app',
          label: 'app',
          path: '/home/mac/1-Projects/app',
          type: 'sendreceive',
          fsWatcherEnabled: true,
          devices: [{ deviceID: THOR_ID }],
        },
      },
    ]);
    expect(nixosSnippet(plan).join('\n')).toContain(
      `id = "<fedora's device ID: run \\"syncthing --device-id\\" there>";`,
    );
    expect(planLines(plan)[0]).toBe('device fedora: unknown ID (its Syncthing did not answer): skipped');
  });
});

describe('applyRequests', () => {
  it('POSTs the device, then the folder shared with both', () => {
    const plan = planSetup(fedora(view(FED_ID)), [thor(view(THOR_ID))], ['app']);
    expect(applyRequests(plan)).toEqual([
      {
        method: 'POST',
        path: '/rest/config/devices',
        body: { deviceID: THOR_ID, name: 'thor', addresses: ['tcp://thor:22000', 'dynamic'] },
      },
      {
        method: 'POST',
        path: '/rest/config/folders',
        body: {
          id: 'app',
          label: 'app',
          path: '/home/mchughson/1-Projects/app',
          type: 'sendreceive',
          fsWatcherEnabled: true,
          devices: [{ deviceID: FED_ID }, { deviceID: THOR_ID }],
        },
      },
    ]);
  });
  it('nothing without the target’s own view', () =>
    expect(applyRequests(planSetup(thor(undefined), [fedora(view(FED_ID))], ['app']))).toEqual([]));
});

describe('nixosSnippet', () => {
  const plan = planSetup(thor(view(THOR_ID)), [fedora(view(FED_ID))], ['app', 'my"odd${x}']);
  const text = nixosSnippet(plan).join('\n');
  it('is the services.syncthing block for thor, run as mac', () => {
    expect(text).toContain('services.syncthing = {\n  enable = true;');
    expect(text).toContain('  user = "mac";');
    expect(text).toContain('  dataDir = "/home/mac";');
    expect(text).toContain('  configDir = "/home/mac/.config/syncthing";');
    expect(text).toContain(
      `      "fedora" = {\n        id = "${FED_ID}";\n        addresses = [ "tcp://fedora:22000" "dynamic" ];\n      };`,
    );
    expect(text).toContain(
      '      "app" = {\n        path = "/home/mac/1-Projects/app";\n        devices = [ "fedora" ];\n      };',
    );
  });
  it('explains overrideFolders', () => {
    expect(text).toContain('overrideFolders = true;');
    expect(text).toMatch(/overrideFolders[\s\S]{0,200}deleted at the next rebuild/);
  });
  it('escapes Nix strings', () => {
    expect(nixString('a"b\\c${d}')).toBe('"a\\"b\\\\c\\${d}"');
    expect(text).toContain('"my\\"odd\\${x}" = {');
  });
  it('balances its braces', () => {
    const plain = nixosSnippet(planSetup(thor(view(THOR_ID)), [fedora(view(FED_ID))], ['app', 'b'])).join('\n');
    expect((plain.match(/\{/g) ?? []).length).toBe((plain.match(/\}/g) ?? []).length);
  });
});

describe('distroSteps', () => {
  const plan = planSetup(fedora(view(FED_ID)), [thor(view(THOR_ID))], ['app']);
  it('Fedora: dnf, the systemd user unit, linger, firewalld, then --apply and sync ignore', () => {
    expect(distroSteps(plan, 'fedora')).toEqual([
      '# fedora: install, run as mchughson',
      'sudo dnf install -y syncthing',
      'systemctl --user enable --now syncthing',
      '# keep it running when logged out:',
      'sudo loginctl enable-linger mchughson',
      '# firewalld (Fedora Server only):',
      'sudo firewall-cmd --permanent --add-service=syncthing',
      'sudo firewall-cmd --reload',
      '# then devices + one folder per project:',
      'trimtab sync setup fedora --apply',
      'trimtab sync ignore --on fedora',
    ]);
    for (const line of distroSteps(plan, 'fedora'))
      if (line.startsWith('#')) expect(line.length).toBeLessThanOrEqual(40);
  });
  it.each([
    ['debian', 'sudo apt-get install -y syncthing'],
    ['arch', 'sudo pacman -S --needed syncthing'],
  ] as const)('%s: %s', (family, line) => {
    expect(distroSteps(plan, family)[1]).toBe(line);
  });
});
