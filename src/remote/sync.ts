/**
 * Syncthing operations: probe a host (here through its REST API, elsewhere with sh/sync.sh), apply
 * REST changes, read and write projects' `.stignore`. Syncthing never syncs .stignore itself, so each
 * host needs its own.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../adapters/run.js';
import { applyLocal, localApi, probeLocal } from '../adapters/syncthing-local.js';
import { EXIT, TrimtabError } from '../core/errors.js';
import { expandHome, type Host } from '../core/hosts/config.js';
import { section } from '../core/protocol.js';
import { problemError } from '../core/remote-errors.js';
import { type ApiRequest, fromHex, probeFromSections } from '../core/sync/sync-script.js';
import { folderRows, type SyncReport } from '../core/sync/sync-status.js';
import { type Probe, type Reply, viewOf } from '../core/sync/syncthing.js';
import type { Ctx } from './context.js';
import { selectHosts } from './list.js';
import { readIgnoresScript, syncApplyScript, syncProbeScript, writeIgnoresScript } from './scripts.js';
import { onHost } from './transport.js';

/** One host's Syncthing, in one process (fetch here, one ssh elsewhere). Throws unreachable (exit 3). */
export async function probeSyncthing(ctx: Ctx, host: Host): Promise<Probe> {
  if (host.local) return probeLocal(host, ctx.env);
  return probeFromSections(await onHost(ctx, host, (m) => syncProbeScript(m, host), { extraSeconds: 30 }));
}

/** One host's folder rows, or its one-line error. Never throws. */
async function syncReport(ctx: Ctx, host: Host): Promise<SyncReport> {
  const base = { host: host.name, local: host.local, reachable: true, error: null, deviceId: null, rows: [] };
  try {
    const probe = await probeSyncthing(ctx, host);
    if (probe.problem) return { ...base, error: problemError(host, probe.problem).message };
    const view = viewOf(probe);
    return { ...base, deviceId: view.myId || null, rows: folderRows(host.name, probe, view) };
  } catch (error) {
    const e = error as TrimtabError;
    return { ...base, reachable: e.exitCode !== EXIT.unreachable, error: e.message ?? String(error) };
  }
}

/** Every host (or the one named) at once; for the menu: `syncSummary(await querySync(ctx))`. */
export const querySync = (ctx: Ctx, hostName?: string) =>
  Promise.all(selectHosts(ctx, hostName).map((h) => syncReport(ctx, h)));

/** Apply REST changes with the host's own key; one reply per request, in order. */
export async function applySyncRequests(ctx: Ctx, host: Host, probe: Probe, requests: ApiRequest[]): Promise<Reply[]> {
  if (host.local) {
    const api = localApi(host, ctx.env, probe);
    if (!api) throw problemError(host, probe.problem!);
    return applyLocal(api, requests);
  }
  const sections = await onHost(ctx, host, (m) => syncApplyScript(m, host, requests), { extraSeconds: 30 });
  const problem = ['noconfig', 'nogui', 'nohttp'].find((t) => section(sections, t));
  if (problem) throw new TrimtabError(`cannot reach Syncthing's API on ${host.name} (${problem})`);
  return requests.map((_r, i) => {
    const s = sections.find((x) => (x.tag === 'sent' || x.tag === 'fail') && x.args[0] === String(i));
    if (!s) return { ok: false, code: -1, body: 'no answer' };
    const body = s.lines.join('\n');
    return s.tag === 'sent' ? { ok: true, body } : { ok: false, code: Number(s.args[1]), body };
  });
}

/** Current `.stignore` per project (null: none); `missing` lists named projects without a dir. */
export interface Ignores {
  files: Array<{ project: string; text: string | null }>;
  missing: string[];
}

function readLocal(host: Host, projects: string[] | 'all'): Ignores {
  const dir = expandHome(host.projectsDir, os.homedir());
  const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (!isDir(dir)) throw new TrimtabError(`no projects directory ${dir} on ${host.name}`);
  const names =
    projects === 'all'
      ? readdirSync(dir)
          .filter((n) => !n.startsWith('.') && isDir(path.join(dir, n)))
          .sort()
      : projects;
  const cur: Ignores = { files: [], missing: [] };
  for (const name of names) {
    if (!isDir(path.join(dir, name))) {
      cur.missing.push(name);
      continue;
    }
    let text: string | null = null;
    try {
      text = readFileSync(path.join(dir, name, '.stignore'), 'utf8');
    } catch {
      text = null;
    }
    cur.files.push({ project: name, text });
  }
  return cur;
}

/** Every (or the named) project's `.stignore` on a host; one round trip elsewhere. */
export async function readIgnores(ctx: Ctx, host: Host, projects: string[] | 'all'): Promise<Ignores> {
  if (host.local) return readLocal(host, projects);
  const sections = await onHost(ctx, host, (m) => readIgnoresScript(m, host, projects));
  if (sections.some((s) => s.tag === 'nodir')) {
    throw new TrimtabError(
      `no projects directory ${sections.find((s) => s.tag === 'dir')?.lines[0] ?? host.projectsDir} on ${host.name}`,
    );
  }
  const cur: Ignores = { files: [], missing: [] };
  for (const s of sections) {
    const name = s.args.join(' ');
    if (s.tag === 'file') cur.files.push({ project: name, text: fromHex(s.lines) });
    else if (s.tag === 'none') cur.files.push({ project: name, text: null });
    else if (s.tag === 'missing') cur.missing.push(name);
  }
  return cur;
}

/** Replace projects' `.stignore` (temp file + rename: Syncthing rereads it at each scan and must never see half a file). */
export async function writeIgnores(
  ctx: Ctx,
  host: Host,
  files: Array<{ project: string; text: string }>,
): Promise<void> {
  if (host.local) {
    const dir = expandHome(host.projectsDir, os.homedir());
    for (const f of files) {
      const target = path.join(dir, f.project, '.stignore');
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(`${target}.trimtab-${process.pid}`, f.text);
      renameSync(`${target}.trimtab-${process.pid}`, target);
    }
    return;
  }
  const sections = await onHost(ctx, host, (m) => writeIgnoresScript(m, host, files));
  const failed = sections.filter((s) => s.tag === 'failed').map((s) => s.args.join(' '));
  if (failed.length) throw new TrimtabError(`cannot write .stignore on ${host.name} in ${failed.join(', ')}`);
}

/** The name peers use to reach a host: ssh_config's HostName for it (`ssh -G`, no network), else the destination's host part. */
export async function networkName(ctx: Ctx, host: Host): Promise<string> {
  const dest = host.ssh.replace(/^.*@/, '');
  const r = await run(
    { file: ctx.config.sshCommand, args: [...ctx.config.sshOptions, '-G', '--', host.ssh] },
    { timeoutMs: 5000 },
  );
  const name = /^hostname (\S+)$/m.exec(r.stdout)?.[1];
  return r.exitCode === 0 && name ? name : dest;
}
