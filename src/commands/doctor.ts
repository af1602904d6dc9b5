/** `trimtab doctor [HOST...] [--json]`: is each host ready for agents? One round trip per host, all in parallel. */

import { performance } from 'node:perf_hooks';
import kleur from 'kleur';
import { localHome, readClaudeFiles } from '../adapters/local-files.js';
import { EXIT, TrimtabError } from '../core/errors.js';
import { findHost, type Host } from '../core/hosts/config.js';
import {
  doctorExitCode,
  doctorJson,
  type HostCheck,
  hostFindings,
  type LocalHashes,
  type Paint,
  renderDoctor,
  unreachableCheck,
} from '../core/hosts/doctor.js';
import { CLAUDE_FILES } from '../core/hosts/host-survey.js';
import { printableJson } from '../core/render/printable.js';
import type { Ctx } from '../remote/context.js';
import { surveyHost } from '../remote/hosts.js';

async function checkHost(ctx: Ctx, host: Host, local: LocalHashes): Promise<HostCheck> {
  const start = performance.now();
  const outcome = await surveyHost(ctx, host);
  const ms = Math.round(performance.now() - start);
  if (outcome.kind === 'surveyed')
    return { host, reachable: true, ms, findings: hostFindings(host, outcome.survey, ctx.config.session, local) };
  if (outcome.reachable && /stopped answering half way/.test(outcome.error.message)) {
    const fix = 'run trimtab doctor again; TRIMTAB_DEBUG=1 shows the exchange';
    return {
      host,
      reachable: true,
      ms,
      findings: [{ check: 'ssh', level: 'fail', text: 'the answer stopped half way', fix }],
    };
  }
  const check = unreachableCheck(host, outcome.error.message, outcome.error.hint);
  // Reached, but no usable answer (no sh there...): a problem to fix, not an unreachable host.
  return outcome.reachable ? { ...check, reachable: true, ms } : check;
}

const PAINT: Record<string, (s: string) => string> = {
  ok: kleur.green,
  warn: kleur.yellow,
  fail: kleur.red,
  host: kleur.bold,
};

export async function doctorCommand(ctx: Ctx, names: string[], opts: { json?: boolean }): Promise<void> {
  const hosts = names.length ? [...new Set(names.map((n) => findHost(ctx.config, n)))] : ctx.config.hosts;
  const files = readClaudeFiles(localHome(ctx.env));
  const local = Object.fromEntries(CLAUDE_FILES.map((f) => [f, files[f]?.sha256 ?? null])) as LocalHashes;
  const checks = await Promise.all(hosts.map((h) => checkHost(ctx, h, local)));

  if (opts.json) ctx.out(printableJson(doctorJson(checks)));
  else {
    const paint: Paint = ctx.term.color ? (level, text) => (PAINT[level] ?? ((x: string) => x))(text) : (_l, t) => t;
    for (const line of renderDoctor(checks, ctx.term.columns, paint)) ctx.out(line);
  }

  const code = doctorExitCode(checks);
  const down = checks.filter((c) => !c.reachable).map((c) => c.host.name);
  const broken = checks
    .filter((c) => c.reachable && c.findings.some((f) => f.level === 'fail'))
    .map((c) => c.host.name);
  if (code === EXIT.unreachable) {
    throw new TrimtabError(`cannot reach ${down.join(', ')}`, {
      exitCode: EXIT.unreachable,
      hint: broken.length ? `also to fix: ${broken.join(', ')}` : 'the other hosts are checked above',
    });
  }
  if (code === EXIT.failed) {
    throw new TrimtabError(`to fix: ${broken.join(', ')}`, { hint: 'run the → fixes, then doctor again' });
  }
  const warned = checks.filter((c) => c.findings.some((f) => f.level === 'warn')).length;
  ctx.err(
    `${kleur.green('✔')} ${hosts.length === 1 ? `${hosts[0]!.name} is` : `all ${hosts.length} hosts are`} ready${warned ? ' (see ⚠ above)' : ''}`,
  );
}
