/**
 * One line per project folder per host: in sync / N items behind / paused / device offline / not shared
 * (issue #7). Pure: fed by `SyncView`s, so every case is a table-driven test.
 */
import { tableLine, width } from '../render/render.js';
import { folderFor, type Probe, projectNames, type SyncView } from './syncthing.js';

export type SyncState = 'in-sync' | 'behind' | 'paused' | 'offline' | 'not-shared' | 'error' | 'unknown';

export interface PeerState {
  name: string;
  deviceId: string;
  connected: boolean;
}

export interface FolderRow {
  host: string;
  project: string;
  folderId: string | null;
  state: SyncState;
  /** What the row says, e.g. `3 items behind`, `thor offline`. */
  label: string;
  /** Items this host still needs. */
  needItems: number;
  /** Items the connected peers still need, as this host sees them. */
  peerNeedItems: number;
  peers: PeerState[];
  error: string | null;
}

/** A host's answer: its rows, or why there are none. */
export interface SyncReport {
  host: string;
  local: boolean;
  reachable: boolean;
  error: string | null;
  deviceId: string | null;
  rows: FolderRow[];
}

const items = (n: number) => (n === 1 ? '1 item' : `${n} items`);
const shortId = (id: string) => id.slice(0, 7);

/** Classify one project on one host. Order matters: a paused folder is paused even when its peers are away. */
export function classifyFolder(host: string, project: string, view: SyncView, projectsDir: string): FolderRow {
  const folder = folderFor(view.folders, projectsDir, project, view.tilde);
  const row: FolderRow = {
    host,
    project,
    folderId: folder?.id ?? null,
    state: 'not-shared',
    label: 'not shared',
    needItems: 0,
    peerNeedItems: 0,
    peers: [],
    error: null,
  };
  if (!folder) return row;
  const names = new Map(view.devices.map((d) => [d.id, d.name]));
  row.peers = folder.deviceIds
    .filter((id) => id !== view.myId)
    .map((id) => ({ name: names.get(id) || shortId(id), deviceId: id, connected: view.connected[id] === true }));
  if (folder.paused) return { ...row, state: 'paused', label: 'paused' };
  if (row.peers.length === 0) return row;
  const db = view.dbStatus[folder.id];
  if (!db) return { ...row, state: 'unknown', label: 'unknown' };
  row.needItems = db.needTotalItems;
  if (db.state === 'error') {
    return {
      ...row,
      state: 'error',
      label: `error: ${db.error || 'see the Syncthing GUI'}`,
      error: db.error || 'folder error',
    };
  }
  const online = row.peers.filter((p) => p.connected);
  if (online.length === 0) {
    const who = row.peers.length === 1 ? row.peers[0]!.name : 'devices';
    return { ...row, state: 'offline', label: `${who} offline` };
  }
  const comp = (id: string) => view.completion[folder.id]?.[id];
  // v1.20+ says when a connected peer has not added the folder; 1.19 does not (it reads as in sync).
  if (online.every((p) => comp(p.deviceId)?.remoteState === 'notSharing')) {
    return { ...row, label: `not shared by ${online.length === 1 ? online[0]!.name : 'peers'}` };
  }
  const behind = online
    .map((p) => ({ peer: p, need: (comp(p.deviceId)?.needItems ?? 0) + (comp(p.deviceId)?.needDeletes ?? 0) }))
    .filter((x) => x.need > 0);
  row.peerNeedItems = behind.reduce((a, x) => a + x.need, 0);
  if (row.needItems > 0) return { ...row, state: 'behind', label: `${items(row.needItems)} behind` };
  if (behind.length > 0) {
    const who = behind.length === 1 ? behind[0]!.peer.name : 'peers';
    return { ...row, state: 'behind', label: `${who} ${row.peerNeedItems} behind` };
  }
  return { ...row, state: 'in-sync', label: 'in sync' };
}

/** Every project of a host that answered: project dirs plus folders configured under its projects dir. */
export function folderRows(host: string, probe: Probe, view: SyncView): FolderRow[] {
  return projectNames(probe, view.folders).map((p) => classifyFolder(host, p, view, probe.projectsDir));
}

/**
 * The menu header's one line, e.g. `sync: 2 behind` or `sync: 1 behind, 1 offline`; null when nothing
 * needs a look. Counts projects, not rows: thor and fedora both saying `app` is behind is one project.
 */
export function syncSummary(reports: SyncReport[]): string | null {
  const by = (state: SyncState) =>
    new Set(reports.flatMap((r) => r.rows.filter((row) => row.state === state).map((row) => row.project))).size;
  const parts = [
    [by('behind'), 'behind'],
    [by('offline'), 'offline'],
    [by('error'), by('error') === 1 ? 'error' : 'errors'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}`);
  return parts.length ? `sync: ${parts.join(', ')}` : null;
}

export type SyncPaint = (state: SyncState, text: string) => string;

/**
 * HOST PROJECT SYNC, every line at most `columns` wide. When it does not fit, PROJECT is cut first
 * (down to 8), then HOST (to 6), then the label; with a single host, HOST is dropped instead.
 */
export function renderSyncTable(rows: FolderRow[], columns: number, paint: SyncPaint = (_s, t) => t): string[] {
  const head = ['HOST', 'PROJECT', 'SYNC'];
  const cells = rows.map((r) => [r.host, r.project, r.label]);
  const widths = head.map((h, i) => Math.max(width(h), ...cells.map((c) => width(c[i]!))));
  const gap = 2;
  let show = [0, 1, 2];
  const total = (idx: number[]) => idx.reduce((a, i) => a + widths[i]!, 0) + gap * (idx.length - 1);
  if (total(show) > columns && new Set(rows.map((r) => r.host)).size <= 1) show = [1, 2];
  const shown = show.map((i) => widths[i]!);
  const projectIdx = show.indexOf(1);
  let over = shown.reduce((a, b) => a + b, 0) + gap * (shown.length - 1) - columns;
  // Shrink a column down to `floor` columns, taking at most what is still over.
  const shrink = (k: number, floor: number) => {
    const cut = Math.max(0, Math.min(over, shown[k]! - floor));
    shown[k] = shown[k]! - cut;
    over -= cut;
  };
  shrink(projectIdx, 8);
  if (show.includes(0)) shrink(0, 6);
  shrink(shown.length - 1, 4);
  const line = (c: string[], state?: SyncState) =>
    tableLine(c, show, shown, gap, (col, text) => (col === 2 && state ? paint(state, text) : text));
  return [line(head), ...rows.map((r, i) => line(cells[i]!, r.state))];
}

/** `--json`: stable keys for scripts. */
export function syncJson(reports: SyncReport[]) {
  return {
    hosts: reports.map((r) => ({
      name: r.host,
      local: r.local,
      reachable: r.reachable,
      error: r.error,
      deviceId: r.deviceId,
    })),
    folders: reports.flatMap((r) =>
      r.rows.map((row) => ({
        host: row.host,
        project: row.project,
        folderId: row.folderId,
        state: row.state,
        label: row.label,
        needItems: row.needItems,
        peerNeedItems: row.peerNeedItems,
        peers: row.peers,
        error: row.error,
      })),
    ),
  };
}
