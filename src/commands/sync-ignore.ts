/**
 * `trimtab sync ignore [--on HOST]... [PROJECT...]`: set the managed block of each project's
 * `.stignore`. Syncthing never syncs .stignore itself, so each host needs its own: here by default,
 * elsewhere with --on (two round trips: read every file, then write the ones that change).
 */
import kleur from 'kleur';
import { TrimtabError, usageError } from '../core/errors.js';
import { findHost, type Host, isValidName, localHost } from '../core/hosts/config.js';
import { fit } from '../core/render/render.js';
import { type IgnoreChange, ignoreChange, ignorePatterns, mergeIgnoreBlock } from '../core/sync/stignore.js';
import type { Ctx } from '../remote/context.js';
import { readIgnores, writeIgnores } from '../remote/sync.js';

interface Outcome {
  project: string;
  change: IgnoreChange | 'missing';
}

async function ignoreOn(ctx: Ctx, host: Host, projects: string[] | 'all', patterns: string[]): Promise<Outcome[]> {
  const cur = await readIgnores(ctx, host, projects);
  const planned = cur.files.map((f) => {
    const merged = mergeIgnoreBlock(f.text ?? '', patterns);
    return { project: f.project, text: merged, change: ignoreChange(f.text, merged) };
  });
  const changed = planned.filter((p) => p.change !== 'unchanged');
  if (changed.length) await writeIgnores(ctx, host, changed);
  return [
    ...planned.map((p) => ({ project: p.project, change: p.change })),
    ...cur.missing.map((project) => ({ project, change: 'missing' as const })),
  ];
}

export async function syncIgnoreCommand(ctx: Ctx, projects: string[], opts: { on?: string[] }): Promise<void> {
  for (const p of projects) if (!isValidName(p)) throw usageError(`invalid project name ${JSON.stringify(p)}`);
  const patterns = ignorePatterns(ctx.config.sync?.ignore);
  const hosts = opts.on?.length ? [...new Set(opts.on.map((n) => findHost(ctx.config, n)))] : [localHost(ctx.config)];
  const results = await Promise.allSettled(
    hosts.map((h) => ignoreOn(ctx, h, projects.length ? projects : 'all', patterns)),
  );
  let failures = 0;
  results.forEach((r, i) => {
    const host = hosts[i]!;
    if (r.status === 'rejected') {
      failures++;
      ctx.err(`${kleur.red('✖')} ${(r.reason as Error).message}`);
      return;
    }
    if (r.value.length === 0) ctx.err(`${host.name}: no projects`);
    for (const o of r.value) {
      if (o.change === 'missing') {
        failures++;
        ctx.err(`${kleur.red('✖')} ${host.name}:${o.project}: no such project directory`);
      } else {
        // `✔ updated   thor:app`: the verdict first, so a cut on a phone only shortens the name.
        const mark = o.change === 'unchanged' ? kleur.dim('·') : kleur.green('✔');
        ctx.err(`${mark} ${fit(`${o.change.padEnd(9)} ${host.name}:${o.project}`, ctx.term.columns - 2)}`);
      }
    }
  });
  if (failures) throw new TrimtabError(`.stignore not written everywhere (${failures} failed)`);
  if (
    results.some(
      (r) => r.status === 'fulfilled' && r.value.some((o) => o.change !== 'unchanged' && o.change !== 'missing'),
    )
  ) {
    ctx.err(kleur.dim('Syncthing applies it at its next scan'));
  }
}
