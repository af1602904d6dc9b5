/**
 * `trimtab sync ignore [--on HOST]... [PROJECT...]` (issue #7): set the managed block of each project's
 * `.stignore`. Syncthing never syncs .stignore itself, so each host needs its own: here by default,
 * elsewhere with --on (two round trips: read every file, then write the ones that change).
 */
import kleur from 'kleur';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findHost, isValidName, localHost, type Host } from '../core/hosts/config.js';
import { TrimtabError, usageError } from '../core/errors.js';
import { fromHex, readIgnoresScript, writeIgnoresScript } from '../core/sync/sync-script.js';
import { ignoreChange, ignorePatterns, mergeIgnoreBlock, type IgnoreChange } from '../core/sync/stignore.js';
import { fit } from '../core/render/render.js';
import { onHost, type Ctx } from './context.js';

interface Outcome {
  project: string;
  change: IgnoreChange | 'missing';
}

/** Current `.stignore` per project (null: none); `missing` lists named projects without a dir. */
interface Current {
  files: Array<{ project: string; text: string | null }>;
  missing: string[];
}

function readLocal(host: Host, projects: string[] | 'all'): Current {
  const dir = host.projectsDir.replace(/^~(?=\/|$)/, os.homedir());
  const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (!isDir(dir)) throw new TrimtabError(`no projects directory ${dir} on ${host.name}`);
  const names = projects === 'all' ? readdirSync(dir).filter((n) => !n.startsWith('.') && isDir(path.join(dir, n))).sort() : projects;
  const cur: Current = { files: [], missing: [] };
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

function writeLocal(host: Host, files: Array<{ project: string; text: string }>): void {
  const dir = host.projectsDir.replace(/^~(?=\/|$)/, os.homedir());
  for (const f of files) {
    const target = path.join(dir, f.project, '.stignore');
    mkdirSync(path.dirname(target), { recursive: true });
    // temp + rename: Syncthing rereads .stignore at each scan and must never see half a file.
    writeFileSync(`${target}.trimtab-${process.pid}`, f.text);
    renameSync(`${target}.trimtab-${process.pid}`, target);
  }
}

async function readRemote(ctx: Ctx, host: Host, projects: string[] | 'all'): Promise<Current> {
  const sections = await onHost(ctx, host, (m) => readIgnoresScript(m, host, projects));
  if (sections.some((s) => s.tag === 'nodir')) {
    throw new TrimtabError(`no projects directory ${sections.find((s) => s.tag === 'dir')?.lines[0] ?? host.projectsDir} on ${host.name}`);
  }
  const cur: Current = { files: [], missing: [] };
  for (const s of sections) {
    const name = s.args.join(' ');
    if (s.tag === 'file') cur.files.push({ project: name, text: fromHex(s.lines) });
    else if (s.tag === 'none') cur.files.push({ project: name, text: null });
    else if (s.tag === 'missing') cur.missing.push(name);
  }
  return cur;
}

async function ignoreOn(ctx: Ctx, host: Host, projects: string[] | 'all', patterns: string[]): Promise<Outcome[]> {
  const cur = host.local ? readLocal(host, projects) : await readRemote(ctx, host, projects);
  const planned = cur.files.map((f) => {
    const merged = mergeIgnoreBlock(f.text ?? '', patterns);
    return { project: f.project, text: merged, change: ignoreChange(f.text, merged) };
  });
  const changed = planned.filter((p) => p.change !== 'unchanged');
  if (changed.length) {
    if (host.local) writeLocal(host, changed);
    else {
      const sections = await onHost(ctx, host, (m) => writeIgnoresScript(m, host, changed));
      const failed = sections.filter((s) => s.tag === 'failed').map((s) => s.args.join(' '));
      if (failed.length) throw new TrimtabError(`cannot write .stignore on ${host.name} in ${failed.join(', ')}`);
    }
  }
  return [...planned.map((p) => ({ project: p.project, change: p.change })), ...cur.missing.map((project) => ({ project, change: 'missing' as const }))];
}

export async function syncIgnoreCommand(ctx: Ctx, projects: string[], opts: { on?: string[] }): Promise<void> {
  for (const p of projects) if (!isValidName(p)) throw usageError(`invalid project name ${JSON.stringify(p)}`);
  const patterns = ignorePatterns(ctx.config.sync?.ignore);
  const hosts = opts.on?.length ? [...new Set(opts.on.map((n) => findHost(ctx.config, n)))] : [localHost(ctx.config)];
  const results = await Promise.allSettled(hosts.map((h) => ignoreOn(ctx, h, projects.length ? projects : 'all', patterns)));
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
  if (results.some((r) => r.status === 'fulfilled' && r.value.some((o) => o.change !== 'unchanged' && o.change !== 'missing'))) {
    ctx.err(kleur.dim('Syncthing applies it at its next scan'));
  }
}
