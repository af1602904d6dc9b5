import { describe, expect, it } from 'vitest';
import {
  configCandidates,
  emptyProbe,
  type FolderConfig,
  folderFor,
  foldersToQuery,
  guiBaseUrl,
  normalizePath,
  type Probe,
  parseConfigXml,
  projectNames,
  viewOf,
} from '../../../src/core/sync/syncthing.js';
import { CONFIG_XML, GUI_CASES } from '../../fixtures/syncthing.js';

describe('parseConfigXml', () => {
  it('reads the key and the address inside <gui>, not a device address', () => {
    expect(parseConfigXml(CONFIG_XML)).toEqual({
      apiKey: 'p6aJWyvG7teSqiwWHpXWVAP394PmV6Sn',
      address: '127.0.0.1:8384',
      tls: false,
      enabled: true,
    });
  });
  it('reads tls, a disabled GUI and XML escapes', () => {
    const xml = '<gui enabled="false" tls="true"><address>0.0.0.0:8443</address><apikey>a&amp;b&lt;c</apikey></gui>';
    expect(parseConfigXml(xml)).toEqual({ apiKey: 'a&b<c', address: '0.0.0.0:8443', tls: true, enabled: false });
  });
  it('is null without a <gui>', () => expect(parseConfigXml('<configuration/>')).toBeNull());
});

describe('guiBaseUrl', () => {
  it.each(GUI_CASES)('%s (tls %s) -> %s', (address, tls, url) => expect(guiBaseUrl(address, tls)).toBe(url));
});

describe('configCandidates', () => {
  it('legacy ~/.config first, then ~/.local/state (v1.27+), XDG variables honoured', () => {
    expect(configCandidates('/home/mac', {})).toEqual([
      '/home/mac/.config/syncthing/config.xml',
      '/home/mac/.local/state/syncthing/config.xml',
      '/home/mac/Library/Application Support/Syncthing/config.xml',
      '/var/lib/syncthing/.config/syncthing/config.xml',
    ]);
    expect(configCandidates('/h', { XDG_CONFIG_HOME: '/x/cfg', XDG_STATE_HOME: '/x/state' }).slice(0, 4)).toEqual([
      '/x/cfg/syncthing/config.xml',
      '/h/.config/syncthing/config.xml',
      '/x/state/syncthing/config.xml',
      '/h/.local/state/syncthing/config.xml',
    ]);
  });
  it('only syncthingHome when set, with ~ expanded', () => {
    expect(configCandidates('/home/mac', {}, '~/st')).toEqual(['/home/mac/st/config.xml']);
    expect(configCandidates('/home/mac', {}, '/srv/st')).toEqual(['/srv/st/config.xml']);
  });
});

const folder = (id: string, p: string, extra: Partial<FolderConfig> = {}): FolderConfig => ({
  id,
  label: id,
  path: p,
  paused: false,
  deviceIds: [],
  ...extra,
});

describe('folders and projects', () => {
  const folders = [
    folder('abcd-1234', '~/1-Projects/app/'),
    folder('notes', '/elsewhere/notes'),
    folder('photos', '/home/mac/Photos'),
    folder('gone', '/home/mac/1-Projects/gone'),
  ];
  it.each([
    ['~/x/', '/home/mac/x'],
    ['~', '/home/mac'],
    ['/a//', '/a'],
    ['/', '/'],
  ])('normalizePath(%s) = %s', (p, want) => expect(normalizePath(p, '/home/mac')).toBe(want));
  it('finds a project folder by path (tilde, trailing slash), else by ID', () => {
    expect(folderFor(folders, '/home/mac/1-Projects', 'app', '/home/mac')?.id).toBe('abcd-1234');
    expect(folderFor(folders, '/home/mac/1-Projects', 'notes', '/home/mac')?.id).toBe('notes');
    expect(folderFor(folders, '/home/mac/1-Projects', 'photos2', '/home/mac')).toBeUndefined();
  });
  it('projects are the dirs plus folders configured under the projects dir', () => {
    const probe: Probe = {
      ...emptyProbe(),
      home: '/home/mac',
      projectsDir: '/home/mac/1-Projects',
      projects: ['zeta', 'app'],
    };
    expect(projectNames(probe, folders)).toEqual(['app', 'gone', 'zeta']);
  });
  it('queries only folders in the projects dir or named like a project (the shell rule)', () => {
    expect(foldersToQuery(folders, '/home/mac/1-Projects', '/home/mac', ['app', 'notes'])).toEqual([
      'abcd-1234',
      'notes',
      'gone',
    ]);
  });
});

describe('viewOf', () => {
  const ok = (v: unknown) => ({ ok: true as const, body: JSON.stringify(v, null, 2) });
  it('reads the REST answers of v1.19 (pretty-printed JSON)', () => {
    const probe: Probe = {
      ...emptyProbe(),
      home: '/root',
      rest: {
        status: ok({
          myID: 'ME',
          tilde: '/root',
          connectionServiceStatus: { 'tcp://127.0.0.1:22001': {}, 'quic://0.0.0.0:22000': {} },
        }),
        connections: ok({
          connections: {
            PEER: { connected: true, paused: false },
            ME: { connected: false },
            AWAY: { connected: true, paused: true },
          },
        }),
        devices: ok([{ deviceID: 'PEER', name: 'fedora', addresses: ['dynamic'] }]),
        folders: ok([
          {
            id: 'proj',
            label: 'proj',
            path: '/p/proj',
            paused: false,
            devices: [{ deviceID: 'ME' }, { deviceID: 'PEER' }],
          },
        ]),
      },
      perFolder: {
        proj: {
          dbstatus: ok({ state: 'idle', needTotalItems: 2, pullErrors: 1 }),
          completion: {
            PEER: ok({ needItems: 3, needDeletes: 1, sequence: 7 }),
            BAD: { ok: false, code: 22, body: '403' },
          },
        },
      },
    };
    expect(viewOf(probe)).toEqual({
      myId: 'ME',
      tilde: '/root',
      listenPorts: [22001],
      folders: [{ id: 'proj', label: 'proj', path: '/p/proj', paused: false, deviceIds: ['ME', 'PEER'] }],
      devices: [{ id: 'PEER', name: 'fedora', addresses: ['dynamic'] }],
      connected: { PEER: true, ME: false, AWAY: false },
      dbStatus: { proj: { state: 'idle', needTotalItems: 2, pullErrors: 1, error: '' } },
      completion: { proj: { PEER: { needItems: 3, needDeletes: 1, sequence: 7, remoteState: undefined } } },
    });
  });
  it('survives garbage and failures', () => {
    const probe: Probe = {
      ...emptyProbe(),
      rest: { status: { ok: true, body: 'not json' }, folders: { ok: false, code: 7, body: '' } },
    };
    expect(viewOf(probe)).toMatchObject({ myId: '', folders: [], devices: [], connected: {} });
  });
});
