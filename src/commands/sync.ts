/** `trimtab sync status`: each project folder on each host, as Syncthing sees it (issue #7). */
import kleur from 'kleur';
import type { Host } from '../core/hosts/config.js';
import { TrimtabError } from '../core/errors.js';
import { probeFromSections, probeScript } from '../core/sync/sync-script.js';
import { folderRows, renderSyncTable, syncJson, syncSummary, type SyncPaint, type SyncReport, type SyncState } from '../core/sync/sync-status.js';
import { viewOf, type Probe, type ProbeProblem } from '../core/sync/syncthing.js';
import { probeLocal } from '../adapters/syncthing-local.js';
import { selectHosts } from './list.js';
import { onHost, type Ctx } from './context.js';

export { syncSummary };

/** What a probe problem means, and what to do about it. */
export function problemError(host: Host, p: ProbeProblem): TrimtabError {
  switch (p.kind) {
    case 'noconfig':
      return new TrimtabError(`no Syncthing on ${host.name} (no config.xml)`, {
        hint: `looked in ${p.looked.join(', ')}; see: trimtab sync setup ${host.name} (or set syncthingHome for ${host.name} in config.json)`,
      });
    case 'nogui':
      return new TrimtabError(`cannot ask Syncthing on ${host.name}: ${p.detail}`, { hint: 'trimtab needs the REST API on a TCP address (the default 127.0.0.1:8384)' });
    case 'nohttp':
      return new TrimtabError(`no curl or wget on ${host.name} to ask Syncthing`, { hint: 'install curl there' });
    case 'api': {
      // curl 7 / wget 4 / fetch ECONNREFUSED: nothing listens. curl 22 / wget 8 / HTTP 403: wrong key.
      const refused = p.code === 7 || p.code === 4 || /ECONNREFUSED|Connection refused|Failed to connect/i.test(p.detail);
      if (refused) {
        return new TrimtabError(`Syncthing is not running on ${host.name}`, {
          hint: `nothing answers at ${p.url}; start it: systemctl --user enable --now syncthing (NixOS: systemctl status syncthing)`,
        });
      }
      if (/403|CSRF/.test(p.detail) || p.code === 403) {
        return new TrimtabError(`Syncthing on ${host.name} refused the API key`, { hint: `the key is from its config.xml; is another program listening on ${p.url}?` });
      }
      const why = p.detail.trim().split('\n').at(-1) || `exit ${p.code}`;
      return new TrimtabError(`Syncthing on ${host.name} did not answer at ${p.url}: ${why}`);
    }
  }
}

/** One host's Syncthing, in one process (fetch here, one ssh elsewhere). Throws unreachable (exit 3). */
export async function probeHost(ctx: Ctx, host: Host): Promise<Probe> {
  if (host.local) return probeLocal(host, ctx.env);
  return probeFromSections(await onHost(ctx, host, (m) => probeScript(m, host), 30));
}

/** One host's folder rows, or its one-line error. Never throws. */
export async function syncReport(ctx: Ctx, host: Host): Promise<SyncReport> {
  const base = { host: host.name, local: host.local, reachable: true, error: null, deviceId: null, rows: [] };
  try {
    const probe = await probeHost(ctx, host);
    if (probe.problem) return { ...base, error: problemError(host, probe.problem).message };
    const view = viewOf(probe);
    return { ...base, deviceId: view.myId || null, rows: folderRows(host.name, probe, view) };
  } catch (error) {
    const e = error as TrimtabError;
    return { ...base, reachable: e.exitCode !== 3, error: e.message ?? String(error) };
  }
}

/** Every host (or the one named) at once; for the menu: `syncSummary(await querySync(ctx))`. */
export const querySync = (ctx: Ctx, hostName?: string) => Promise.all(selectHosts(ctx, hostName).map((h) => syncReport(ctx, h)));

const PAINT: Record<SyncState, (s: string) => string> = {
  'in-sync': kleur.green,
  behind: kleur.yellow().bold,
  offline: kleur.red,
  error: kleur.red,
  paused: kleur.gray,
  'not-shared': kleur.gray,
  unknown: kleur.gray,
};

export async function syncStatusCommand(ctx: Ctx, opts: { json?: boolean; host?: string }): Promise<void> {
  const reports = await querySync(ctx, opts.host);
  const warn = () => {
    // Short lines, no "; skipped": a phone shows 40 columns, and the table says the rest.
    for (const r of reports) if (r.error) ctx.err(`${kleur.yellow('⚠')} ${r.error}`);
  };
  if (opts.json) {
    ctx.out(JSON.stringify(syncJson(reports)));
    warn();
    return;
  }
  warn();
  const rows = reports.flatMap((r) => r.rows);
  if (rows.length === 0) {
    if (reports.some((r) => !r.error)) ctx.err('no projects found in the projects dirs');
    return;
  }
  const paint: SyncPaint = ctx.term.color ? (s, t) => PAINT[s](t) : (_s, t) => t;
  for (const line of renderSyncTable(rows, ctx.term.columns, paint)) ctx.out(line);
}
