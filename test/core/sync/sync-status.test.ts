import { describe, expect, it } from 'vitest';
import { width } from '../../../src/core/render/render.js';
import {
  classifyFolder,
  type FolderRow,
  renderSyncTable,
  type SyncReport,
  syncSummary,
} from '../../../src/core/sync/sync-status.js';
import type { SyncView } from '../../../src/core/sync/syncthing.js';

const DIR = '/home/mac/1-Projects';
const ME = 'MEMEMEM-AAAAAAA';
const FED = 'FEDORA1-BBBBBBB';
const PHONE = 'PHONE12-CCCCCCC';

/** A view of one folder `app` shared with fedora (connected, everything in sync); cases change one thing. */
function view(change: (v: SyncView) => void = () => {}): SyncView {
  const v: SyncView = {
    myId: ME,
    tilde: '/home/mac',
    listenPorts: [22000],
    folders: [{ id: 'app', label: 'app', path: '~/1-Projects/app', paused: false, deviceIds: [ME, FED] }],
    devices: [
      { id: ME, name: 'thor', addresses: ['dynamic'] },
      { id: FED, name: 'fedora', addresses: ['dynamic'] },
      { id: PHONE, name: '', addresses: ['dynamic'] },
    ],
    connected: { [FED]: true, [PHONE]: false },
    dbStatus: { app: { state: 'idle', needTotalItems: 0, pullErrors: 0, error: '' } },
    completion: { app: { [FED]: { needItems: 0, needDeletes: 0, sequence: 5 } } },
  };
  change(v);
  return v;
}
const classify = (v: SyncView, project = 'app') => classifyFolder('thor', project, v, DIR);

describe('classifyFolder', () => {
  it.each<[string, SyncView, string, string]>([
    ['in sync', view(), 'in-sync', 'in sync'],
    ['this host needs items', view((v) => (v.dbStatus.app!.needTotalItems = 3)), 'behind', '3 items behind'],
    ['one item', view((v) => (v.dbStatus.app!.needTotalItems = 1)), 'behind', '1 item behind'],
    [
      'syncing counts as behind',
      view((v) => (v.dbStatus.app = { state: 'syncing', needTotalItems: 2, pullErrors: 0, error: '' })),
      'behind',
      '2 items behind',
    ],
    [
      'the peer needs items (files + deletes)',
      view((v) => (v.completion.app![FED] = { needItems: 2, needDeletes: 1, sequence: 9 })),
      'behind',
      'fedora 3 behind',
    ],
    [
      'paused wins over everything',
      view((v) => ((v.folders[0]!.paused = true), (v.connected[FED] = false))),
      'paused',
      'paused',
    ],
    ['peer offline', view((v) => (v.connected[FED] = false)), 'offline', 'fedora offline'],
    [
      'offline beats a stale need',
      view((v) => ((v.connected[FED] = false), (v.completion.app![FED]!.needItems = 4))),
      'offline',
      'fedora offline',
    ],
    [
      'every peer offline',
      view((v) => ((v.folders[0]!.deviceIds = [ME, FED, PHONE]), (v.connected[FED] = false))),
      'offline',
      'devices offline',
    ],
    [
      'one of two peers online decides',
      view((v) => (v.folders[0]!.deviceIds = [ME, FED, PHONE])),
      'in-sync',
      'in sync',
    ],
    ['unnamed device: short ID', view((v) => (v.folders[0]!.deviceIds = [ME, PHONE])), 'offline', 'PHONE12 offline'],
    ['shared with nobody', view((v) => (v.folders[0]!.deviceIds = [ME])), 'not-shared', 'not shared'],
    ['no folder at all', view((v) => (v.folders = [])), 'not-shared', 'not shared'],
    [
      'the peer (v1.20+) has not added it',
      view((v) => (v.completion.app![FED]!.remoteState = 'notSharing')),
      'not-shared',
      'not shared by fedora',
    ],
    [
      'folder error',
      view(
        (v) => (v.dbStatus.app = { state: 'error', needTotalItems: 0, pullErrors: 0, error: 'folder path missing' }),
      ),
      'error',
      'error: folder path missing',
    ],
    ['not queried', view((v) => (v.dbStatus = {})), 'unknown', 'unknown'],
  ])('%s', (_name, v, state, label) => {
    expect(classify(v)).toMatchObject({ state, label });
  });

  it('matches by path under the projects dir, else by folder ID', () => {
    const v = view((x) => (x.folders[0] = { ...x.folders[0]!, id: 'x7k2p-9mzq1' }));
    expect(classify(v)).toMatchObject({ folderId: 'x7k2p-9mzq1', state: 'unknown' });
    const byId = view((x) => (x.folders[0]!.path = '/mnt/elsewhere/app'));
    expect(classify(byId).folderId).toBe('app');
  });

  it('reports the counts and the peers', () => {
    const row = classify(view((v) => ((v.dbStatus.app!.needTotalItems = 2), (v.completion.app![FED]!.needItems = 1))));
    expect(row).toEqual({
      host: 'thor',
      project: 'app',
      folderId: 'app',
      state: 'behind',
      label: '2 items behind',
      needItems: 2,
      peerNeedItems: 1,
      peers: [{ name: 'fedora', deviceId: FED, connected: true }],
      error: null,
    });
  });
});

const row = (host: string, project: string, state: FolderRow['state'], label = state as string): FolderRow => ({
  host,
  project,
  folderId: project,
  state,
  label,
  needItems: 0,
  peerNeedItems: 0,
  peers: [],
  error: null,
});
const report = (host: string, rows: FolderRow[]): SyncReport => ({
  host,
  local: false,
  reachable: true,
  error: null,
  deviceId: null,
  rows,
});

describe('syncSummary', () => {
  it.each<[string, SyncReport[], string | null]>([
    [
      'all in sync',
      [report('thor', [row('thor', 'a', 'in-sync'), row('thor', 'b', 'not-shared'), row('thor', 'c', 'paused')])],
      null,
    ],
    ['nothing at all', [], null],
    [
      'a project behind on two hosts counts once',
      [
        report('thor', [row('thor', 'a', 'behind')]),
        report('fedora', [row('fedora', 'a', 'behind'), row('fedora', 'b', 'behind')]),
      ],
      'sync: 2 behind',
    ],
    [
      'behind, offline and errors',
      [
        report('thor', [
          row('thor', 'a', 'behind'),
          row('thor', 'b', 'offline'),
          row('thor', 'c', 'error'),
          row('thor', 'd', 'error'),
        ]),
      ],
      'sync: 1 behind, 1 offline, 2 errors',
    ],
    ['one error', [report('thor', [row('thor', 'c', 'error')])], 'sync: 1 error'],
  ])('%s', (_name, reports, line) => expect(syncSummary(reports)).toBe(line));
});

describe('renderSyncTable', () => {
  const rows = [
    row('thor', 'gridplay', 'in-sync', 'in sync'),
    row('thor', 'a-very-long-project-name-indeed', 'behind', '12 items behind'),
    row('fedora', 'gridplay', 'offline', 'thor offline'),
  ];
  it('lines up HOST PROJECT SYNC', () => {
    expect(renderSyncTable(rows.slice(0, 1).concat(rows[2]!), 80)).toEqual([
      'HOST    PROJECT   SYNC',
      'thor    gridplay  in sync',
      'fedora  gridplay  thor offline',
    ]);
  });
  it.each([40, 32, 24])('fits %i columns, cutting the project name first', (cols) => {
    const lines = renderSyncTable(rows, cols);
    for (const l of lines) expect(width(l)).toBeLessThanOrEqual(cols);
    expect(lines[2]).toContain('…');
  });
  it('at 40 columns every label stays whole', () => {
    const lines = renderSyncTable(rows, 40);
    expect(lines[2]!.endsWith('12 items behind')).toBe(true);
    expect(lines[3]!.endsWith('thor offline')).toBe(true);
  });
  it('drops HOST when there is one host and no room', () => {
    const one = [row('thor', 'a-very-long-project-name', 'behind', '12 items behind')];
    expect(renderSyncTable(one, 30)[0]).toMatch(/^PROJECT/);
  });
  it('paints only the SYNC cell', () => {
    const lines = renderSyncTable(rows.slice(0, 1), 80, (s, t) => `<${s}>${t}`);
    expect(lines[1]).toBe('thor  gridplay  <in-sync>in sync');
  });
});
