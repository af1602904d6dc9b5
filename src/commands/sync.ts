/** `trimtab sync status`: each project folder on each host, as Syncthing sees it. */
import kleur from 'kleur';
import { printable, printableJson } from '../core/render/printable.js';
import { renderSyncTable, type SyncPaint, type SyncState, syncJson } from '../core/sync/sync-status.js';
import type { Ctx } from '../remote/context.js';
import { querySync } from '../remote/sync.js';

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
    for (const r of reports) if (r.error) ctx.err(`${kleur.yellow('⚠')} ${printable(r.error)}`);
  };
  if (opts.json) {
    ctx.out(printableJson(syncJson(reports)));
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
