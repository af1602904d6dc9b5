import kleur from 'kleur';
import { toJson } from '../core/agents/agents.js';
import { EXIT, TrimtabError } from '../core/errors.js';
import { printable, printableJson } from '../core/render/printable.js';
import { type Paint, renderAgentTable } from '../core/render/render.js';
import type { Ctx } from '../remote/context.js';
import { type HostReport, listAllAgents, selectHosts } from '../remote/list.js';

/** One warning line per host that failed; lists go on without it. */
export function warnFailures(ctx: Ctx, reports: HostReport[]): void {
  for (const r of reports) {
    if (!r.error) continue;
    // Still one line per host; a host key problem says how to fix it (trimtab never skips the check).
    const fix = /host key/.test(r.error) ? `; check it with "ssh ${r.host.ssh}"` : '';
    ctx.err(`${kleur.yellow('⚠')} ${printable(r.error)}${fix}; skipped`);
  }
}

const PAINT: Record<string, (s: string) => string> = {
  waiting: kleur.yellow().bold,
  working: kleur.green,
  idle: kleur.cyan,
  exited: kleur.gray,
  unknown: kleur.gray,
};

export async function listCommand(ctx: Ctx, opts: { json?: boolean; host?: string }): Promise<void> {
  const reports = await listAllAgents(ctx, selectHosts(ctx, opts.host));
  const agents = reports.flatMap((r) => r.agents);
  // One host asked for by name and not reached: that is the answer (exit 3), not "no agents running".
  const down = opts.host ? reports.find((r) => !r.reachable) : undefined;
  const unreachable = (r: HostReport) =>
    new TrimtabError(r.error ?? `cannot reach ${r.host.name}`, {
      exitCode: EXIT.unreachable,
      hint: /host key/.test(r.error ?? '')
        ? `check it with "ssh ${r.host.ssh}"`
        : r.stale.length
          ? 'the agents above are as last seen there'
          : `check the connection with trimtab doctor ${r.host.name}`,
    });
  if (opts.json) {
    const hosts = reports.map((r) => ({
      name: r.host.name,
      local: r.host.local,
      reachable: r.reachable,
      error: r.error,
    }));
    ctx.out(printableJson({ hosts, agents: agents.map(toJson) }));
    if (down) throw unreachable(down);
    warnFailures(ctx, reports);
    return;
  }
  if (!down) warnFailures(ctx, reports);
  // Agents of offline hosts as last seen, so the table still says what was running there.
  const shown = [...agents, ...reports.flatMap((r) => r.stale)];
  const paint: Paint = ctx.term.color ? (s, t) => (PAINT[s] ?? ((x: string) => x))(t) : (_s, t) => t;
  if (shown.length) for (const line of renderAgentTable(shown, ctx.now(), ctx.term.columns, paint)) ctx.out(line);
  if (down) throw unreachable(down);
  if (shown.length === 0) ctx.err('no agents running; start one with: trimtab spawn PROJECT');
}
