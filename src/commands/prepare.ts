/** `trimtab prepare HOST [--projects a,b] [--dry-run]`: make a host ready for agents. */

import path from 'node:path';
import kleur from 'kleur';
import { projectRemote } from '../adapters/git.js';
import { listDirs, localHome, readClaudeFiles } from '../adapters/local-files.js';
import { TrimtabError, usageError } from '../core/errors.js';
import { expandHome, findHost, localHost } from '../core/hosts/config.js';
import { backupStamp, changeCount, type LocalProject, planPrepare } from '../core/hosts/prepare.js';
import {
  countChanges,
  countMarks,
  type Mark,
  type PaintMark,
  prepareLines,
  type ReportLine,
  renderReport,
} from '../core/hosts/prepare-report.js';
import type { Ctx } from '../remote/context.js';
import { applyPlan, surveyHost } from '../remote/hosts.js';

export interface PrepareOptions {
  projects?: string[];
  dryRun?: boolean;
}

const PAINT: Record<Mark, (s: string) => string> = {
  todo: kleur.cyan,
  done: kleur.green,
  same: kleur.dim,
  skip: kleur.dim,
  warn: kleur.yellow,
  fail: kleur.red,
};

/** This machine's projects (all, or the named ones) and the remote each would be cloned from. */
async function localProjects(dir: string, wanted: string[] | undefined): Promise<LocalProject[]> {
  const names = listDirs(dir);
  if (wanted) {
    const missing = wanted.filter((n) => !(names ?? []).includes(n));
    if (missing.length) {
      throw usageError(
        `no project ${missing.map((n) => JSON.stringify(n)).join(', ')} in ${dir} here`,
        `projects here: ${(names ?? []).join(', ') || 'none'}`,
      );
    }
  }
  return Promise.all((wanted ?? names ?? []).map((n) => projectRemote(n, path.join(dir, n))));
}

export async function prepareCommand(ctx: Ctx, hostName: string, opts: PrepareOptions): Promise<void> {
  const host = findHost(ctx.config, hostName);
  const here = localHost(ctx.config);
  const home = localHome(ctx.env);
  const localDir = expandHome(here.projectsDir, home);
  const wanted = opts.projects ? [...new Set(opts.projects)] : undefined;
  const projects = await localProjects(localDir, wanted);
  const files = readClaudeFiles(home);
  const session = ctx.config.session;

  const look = projects.filter((p) => p.kind === 'remote').map((p) => p.name);
  const surveyed = await surveyHost(ctx, host, look);
  if (surveyed.kind === 'failed') throw surveyed.error;
  const survey = surveyed.survey;
  const plan = planPrepare({ host, session, survey, projects, files, stamp: backupStamp(new Date(ctx.now() * 1000)) });
  const changes = changeCount(plan);

  const intro: ReportLine[] =
    listDirs(localDir) === null ? [{ mark: 'skip', text: `no projects here: no ${localDir}` }] : [];
  let lines: ReportLine[];
  if (opts.dryRun) {
    ctx.out(`plan for ${host.name} (from ${here.name}), dry run:`);
    lines = [...intro, ...prepareLines(plan, null)];
  } else {
    ctx.out(`prepare ${host.name} (from ${here.name}):`);
    const result = await applyPlan(ctx, host, plan);
    lines = [...intro, ...prepareLines(plan, result)];
  }
  const paint: PaintMark = ctx.term.color ? (m, t) => PAINT[m](t) : (_m, t) => t;
  for (const l of renderReport(lines, ctx.term.columns, paint)) ctx.out(l);

  const failed = countMarks(lines, 'fail');
  const left = countMarks(lines, 'warn');
  const also = left ? `, ${left} left alone` : '';
  if (failed) {
    throw new TrimtabError(`${failed} problem${failed > 1 ? 's' : ''} on ${host.name}${also}`, {
      hint: 'see the → fix under each ✖',
    });
  }
  const n = (k: number) => `${k} change${k === 1 ? '' : 's'}`;
  if (opts.dryRun) {
    ctx.err(changes ? `dry run: ${n(changes)} to make${also}` : `nothing to change: ${host.name} is ready${also}`);
    return;
  }
  const made = countChanges(lines);
  ctx.err(
    made
      ? `${kleur.green('✔')} ${host.name} prepared: ${n(made)}${also}`
      : `nothing to change: ${host.name} is ready${also}`,
  );
}
