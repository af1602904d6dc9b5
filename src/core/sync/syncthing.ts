/**
 * Syncthing facts, pure (issue #7): where its config.xml lives, the API key and GUI address in it, and
 * what a host's REST API said, as one `Probe` whether it came over ssh (sync-script.ts) or from fetch()
 * on this machine (adapters/syncthing-local.ts). REST on the GUI address with header `X-API-Key`
 * (DESIGN.md, Syncthing).
 */
import path from 'node:path';
import { expandHome } from '../hosts/config.js';

export interface GuiConfig {
  apiKey: string;
  /** As written: `127.0.0.1:8384`, `0.0.0.0:8384`, `[::1]:8384`, `unix:///run/st.sock`... */
  address: string;
  tls: boolean;
  enabled: boolean;
}

const unxml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The `<gui>` element of config.xml. Devices have `<address>` elements too: only the one inside `<gui>` counts. */
export function parseConfigXml(xml: string): GuiConfig | null {
  const gui = /<gui\b([^>]*)>([\s\S]*?)<\/gui>/.exec(xml);
  if (!gui) return null;
  const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(gui[1]!)?.[1];
  const el = (name: string) => {
    const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(gui[2]!);
    return m ? unxml(m[1]!) : '';
  };
  return {
    apiKey: el('apikey'),
    address: el('address'),
    tls: attr('tls') === 'true',
    enabled: attr('enabled') !== 'false',
  };
}

/**
 * The URL to reach the GUI/REST API from the host itself: a wildcard listen address (`0.0.0.0`, `[::]`,
 * empty) is reached on 127.0.0.1. Null for a unix socket, which curl/fetch here do not speak.
 * The shell twin is in sync-script.ts; test/core/sync/sync-script.test.ts runs both on the same inputs.
 */
export function guiBaseUrl(address: string, tls: boolean): string | null {
  if (address.startsWith('unix://') || address.startsWith('/')) return null;
  let rest = address.replace(/^[a-z]+:\/\//, '');
  rest = rest.replace(/\/+$/, '');
  const colon = rest.lastIndexOf(':');
  let host = colon === -1 ? rest : rest.slice(0, colon);
  const port = colon === -1 ? '8384' : rest.slice(colon + 1);
  if (host === '' || host === '0.0.0.0' || host === '[::]' || host === '::' || host === '*') host = '127.0.0.1';
  return `${tls ? 'https' : 'http'}://${host}:${port}`;
}

/**
 * Where Syncthing keeps config.xml, in the order it looks itself: the legacy `~/.config/syncthing` wins
 * when it exists, then `~/.local/state/syncthing` (v1.27+), then the NixOS service's default dataDir.
 * `home` set (config `hosts[].syncthingHome`): only there.
 */
export function configCandidates(
  home: string,
  env: { XDG_CONFIG_HOME?: string | undefined; XDG_STATE_HOME?: string | undefined },
  syncthingHome?: string,
): string[] {
  if (syncthingHome) return [path.join(expandHome(syncthingHome, home), 'config.xml')];
  const list = [
    path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'syncthing', 'config.xml'),
    path.join(home, '.config', 'syncthing', 'config.xml'),
    path.join(env.XDG_STATE_HOME || path.join(home, '.local', 'state'), 'syncthing', 'config.xml'),
    path.join(home, '.local', 'state', 'syncthing', 'config.xml'),
    path.join(home, 'Library', 'Application Support', 'Syncthing', 'config.xml'),
    '/var/lib/syncthing/.config/syncthing/config.xml',
  ];
  return [...new Set(list)];
}

/** One REST answer: the body, or why there is none (curl/wget exit code, or -1 from fetch). */
export type Reply = { ok: true; body: string } | { ok: false; code: number; body: string };

export type ProbeProblem =
  | { kind: 'noconfig'; looked: string[] }
  | { kind: 'nogui'; detail: string }
  | { kind: 'nohttp' }
  | { kind: 'api'; url: string; code: number; detail: string };

/** Everything one host said, in one round trip. */
export interface Probe {
  home: string;
  user: string;
  /** `/etc/os-release` ID (`nixos`, `fedora`, `debian`...), and its ID_LIKE words. */
  os: string;
  osLike: string[];
  /** Absolute. */
  projectsDir: string;
  projects: string[];
  configPath?: string | undefined;
  api?: string | undefined;
  problem?: ProbeProblem | undefined;
  rest: Partial<Record<'status' | 'connections' | 'folders' | 'devices', Reply>>;
  /** Per folder: its db/status, and db/completion per peer device ID. */
  perFolder: Record<string, { dbstatus?: Reply; completion: Record<string, Reply> }>;
}

export const emptyProbe = (): Probe => ({
  home: '',
  user: '',
  os: 'unknown',
  osLike: [],
  projectsDir: '',
  projects: [],
  rest: {},
  perFolder: {},
});

/** Expand `~` with the host's home and drop trailing slashes, as Syncthing does with folder paths. */
export function normalizePath(p: string, home: string): string {
  let out = expandHome(p, home);
  while (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  return out;
}

export interface FolderConfig {
  id: string;
  label: string;
  path: string;
  paused: boolean;
  deviceIds: string[];
}

export interface DeviceConfig {
  id: string;
  name: string;
  addresses: string[];
}

export interface DbStatus {
  state: string;
  needTotalItems: number;
  pullErrors: number;
  error: string;
}

export interface Completion {
  needItems: number;
  needDeletes: number;
  /** 0: no index from that device yet, and Syncthing then says 100 % whatever it has. */
  sequence: number;
  /** v1.20+: `valid`, `notSharing`, `paused`, `unknown`; absent before. */
  remoteState?: string | undefined;
}

/** The parts of a host's REST answers that trimtab reads; anything unparsable is left out. */
export interface SyncView {
  myId: string;
  /** Syncthing's own `~`. */
  tilde: string;
  /** tcp listen ports, from `connectionServiceStatus` (`tcp://0.0.0.0:22000`). */
  listenPorts: number[];
  folders: FolderConfig[];
  devices: DeviceConfig[];
  connected: Record<string, boolean>;
  dbStatus: Record<string, DbStatus>;
  /** folder ID -> peer device ID -> how far that peer is, as this host sees it. */
  completion: Record<string, Record<string, Completion>>;
}

function json(reply: Reply | undefined): unknown {
  if (!reply?.ok) return undefined;
  try {
    return JSON.parse(reply.body);
  } catch {
    return undefined;
  }
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function parseFolders(v: unknown): FolderConfig[] {
  return arr(v)
    .map(obj)
    .filter((f) => str(f.id) !== '')
    .map((f) => ({
      id: str(f.id),
      label: str(f.label),
      path: str(f.path),
      paused: f.paused === true,
      deviceIds: arr(f.devices)
        .map((d) => str(obj(d).deviceID))
        .filter(Boolean),
    }));
}

/** A Probe's REST bodies as typed data. */
export function viewOf(probe: Probe): SyncView {
  const status = obj(json(probe.rest.status));
  const listenPorts = Object.keys(obj(status.connectionServiceStatus))
    .map((k) => /^tcp\d?:\/\/.*:(\d+)$/.exec(k)?.[1])
    .filter((p): p is string => p !== undefined)
    .map(Number);
  const connections = obj(obj(json(probe.rest.connections)).connections);
  const dbStatus: Record<string, DbStatus> = {};
  const completion: Record<string, Record<string, Completion>> = {};
  for (const [id, replies] of Object.entries(probe.perFolder)) {
    const s = json(replies.dbstatus);
    if (s !== undefined) {
      const o = obj(s);
      dbStatus[id] = {
        state: str(o.state),
        needTotalItems: num(o.needTotalItems),
        pullErrors: num(o.pullErrors),
        error: str(o.error) || str(o.invalid),
      };
    }
    for (const [device, reply] of Object.entries(replies.completion)) {
      const c = json(reply);
      if (c === undefined) continue;
      const o = obj(c);
      completion[id] ??= {};
      completion[id][device] = {
        needItems: num(o.needItems),
        needDeletes: num(o.needDeletes),
        sequence: num(o.sequence),
        remoteState: typeof o.remoteState === 'string' ? o.remoteState : undefined,
      };
    }
  }
  return {
    myId: str(status.myID),
    tilde: str(status.tilde) || probe.home,
    listenPorts: [...new Set(listenPorts)],
    folders: parseFolders(json(probe.rest.folders)),
    devices: arr(json(probe.rest.devices))
      .map(obj)
      .map((d) => ({ id: str(d.deviceID), name: str(d.name), addresses: arr(d.addresses).map(str) })),
    connected: Object.fromEntries(
      Object.entries(connections).map(([id, c]) => [id, obj(c).connected === true && obj(c).paused !== true]),
    ),
    dbStatus,
    completion,
  };
}

/**
 * The folder that holds project `name`: the one whose path is `<projectsDir>/<name>`, else the one whose
 * ID is the project's name (a path written through a symlink still matches that way).
 */
export function folderFor(
  folders: FolderConfig[],
  projectsDir: string,
  name: string,
  home: string,
): FolderConfig | undefined {
  const want = `${projectsDir}/${name}`;
  return folders.find((f) => normalizePath(f.path, home) === want) ?? folders.find((f) => f.id === name);
}

/** Project names: the project dirs, plus folders configured under projectsDir whose dir is gone. */
export function projectNames(probe: Probe, folders: FolderConfig[]): string[] {
  const names = new Set(probe.projects);
  for (const f of folders) {
    const p = normalizePath(f.path, probe.home);
    if (path.posix.dirname(p) === probe.projectsDir) names.add(path.posix.basename(p));
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** Folders worth the per-folder REST calls (same rule as the shell script: parent is projectsDir, or ID names a project dir). */
export function foldersToQuery(
  folders: FolderConfig[],
  projectsDir: string,
  home: string,
  projects: string[],
): string[] {
  return folders
    .filter((f) => path.posix.dirname(normalizePath(f.path, home)) === projectsDir || projects.includes(f.id))
    .map((f) => f.id);
}
