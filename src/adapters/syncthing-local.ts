/**
 * Syncthing on this machine: config.xml read from disk and the REST API asked with fetch() (no curl
 * needed here). Produces the same Probe the remote script does, so one parser serves both.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { expandHome, type Host } from '../core/hosts/config.js';
import type { ApiRequest } from '../core/sync/sync-script.js';
import {
  configCandidates,
  emptyProbe,
  foldersToQuery,
  guiBaseUrl,
  type Probe,
  parseConfigXml,
  parseFolders,
  type Reply,
} from '../core/sync/syncthing.js';

const TIMEOUT_MS = 10_000;

export interface LocalApi {
  base: string;
  apiKey: string;
}

/**
 * Plain http goes through fetch(). Syncthing's https GUI has a self-signed certificate, which fetch()
 * cannot be told to accept: node:https can (the connection is this machine talking to itself).
 */
async function call(api: LocalApi, method: string, urlPath: string, body?: unknown): Promise<Reply> {
  const url = `${api.base}${urlPath}`;
  const headers: Record<string, string> = { 'X-API-Key': api.apiKey };
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  try {
    if (url.startsWith('https:')) return await insecureHttps(url, method, headers, payload);
    const r = await fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await r.text();
    return r.ok ? { ok: true, body: text } : { ok: false, code: r.status, body: `HTTP ${r.status}: ${text.trim()}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return { ok: false, code: -1, body: `${cause}: ${(error as Error).message}` };
  }
}

function insecureHttps(url: string, method: string, headers: Record<string, string>, payload?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, rejectUnauthorized: false, timeout: TIMEOUT_MS }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        resolve(
          code >= 200 && code < 300
            ? { ok: true, body: text }
            : { ok: false, code, body: `HTTP ${code}: ${text.trim()}` },
        );
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

function osRelease(): { os: string; like: string[] } {
  if (existsSync('/etc/NIXOS')) return { os: 'nixos', like: [] };
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(text)?.[1]?.replace(/["']/g, '') ?? '';
    return { os: get('ID') || 'unknown', like: get('ID_LIKE').split(/\s+/).filter(Boolean) };
  } catch {
    return { os: process.platform, like: [] };
  }
}

function listProjects(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter(
        (d) =>
          !d.name.startsWith('.') &&
          (d.isDirectory() ||
            (d.isSymbolicLink() && statSync(path.join(dir, d.name), { throwIfNoEntry: false })?.isDirectory())),
      )
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** The local config.xml's API, or the Probe problem that stops us. */
export function localApi(host: Host, env: NodeJS.ProcessEnv, probe: Probe): LocalApi | null {
  const looked = configCandidates(probe.home, env, host.syncthingHome);
  const file = looked.find((f) => {
    try {
      readFileSync(f);
      return true;
    } catch {
      return false;
    }
  });
  if (!file) {
    probe.problem = { kind: 'noconfig', looked };
    return null;
  }
  probe.configPath = file;
  const gui = parseConfigXml(readFileSync(file, 'utf8'));
  if (!gui?.enabled) {
    probe.problem = { kind: 'nogui', detail: `the GUI/REST API is disabled in ${file}` };
    return null;
  }
  const base = guiBaseUrl(gui.address, gui.tls);
  if (!base) {
    probe.problem = { kind: 'nogui', detail: `the GUI listens on a unix socket (${gui.address})` };
    return null;
  }
  probe.api = base;
  return { base, apiKey: gui.apiKey };
}

/** What probeScript gathers on a remote host, gathered here. */
export async function probeLocal(host: Host, env: NodeJS.ProcessEnv): Promise<Probe> {
  const probe = emptyProbe();
  probe.home = os.homedir();
  probe.user = os.userInfo().username;
  const rel = osRelease();
  probe.os = rel.os;
  probe.osLike = rel.like;
  probe.projectsDir = expandHome(host.projectsDir, probe.home).replace(/(.)\/+$/, '$1');
  probe.projects = listProjects(probe.projectsDir);
  const api = localApi(host, env, probe);
  if (!api) return probe;
  probe.rest.status = await call(api, 'GET', '/rest/system/status');
  if (!probe.rest.status.ok) {
    probe.problem = { kind: 'api', url: api.base, code: probe.rest.status.code, detail: probe.rest.status.body };
    return probe;
  }
  [probe.rest.connections, probe.rest.devices, probe.rest.folders] = await Promise.all(
    ['/rest/system/connections', '/rest/config/devices', '/rest/config/folders'].map((p) => call(api, 'GET', p)),
  );
  let folders: ReturnType<typeof parseFolders> = [];
  try {
    folders = probe.rest.folders?.ok ? parseFolders(JSON.parse(probe.rest.folders.body)) : [];
  } catch {
    folders = [];
  }
  let me = '';
  try {
    me = String(JSON.parse(probe.rest.status.body).myID ?? '');
  } catch {
    me = '';
  }
  await Promise.all(
    foldersToQuery(folders, probe.projectsDir, probe.home, probe.projects).map(async (id) => {
      const q = `?folder=${encodeURIComponent(id)}`;
      const peers = folders.find((f) => f.id === id)?.deviceIds.filter((d) => d !== me) ?? [];
      const [dbstatus, ...completions] = await Promise.all([
        call(api, 'GET', `/rest/db/status${q}`),
        // Per device: without one, v1.19 answers for this device only.
        ...peers.map((d) => call(api, 'GET', `/rest/db/completion${q}&device=${encodeURIComponent(d)}`)),
      ]);
      probe.perFolder[id] = { dbstatus, completion: Object.fromEntries(peers.map((d, i) => [d, completions[i]!])) };
    }),
  );
  return probe;
}

/** Send --apply's requests to the local Syncthing; one Reply each. */
export async function applyLocal(api: LocalApi, requests: ApiRequest[]): Promise<Reply[]> {
  const out: Reply[] = [];
  for (const r of requests) out.push(await call(api, r.method, r.path, r.body));
  return out;
}
