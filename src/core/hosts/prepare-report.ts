/** What `trimtab prepare` prints: the plan (dry run) or what happened, one short line per step, 40 columns. */
import { fit, width } from '../render/render.js';
import { agentProgram } from './config.js';
import { tildify, wrap } from './doctor.js';
import { agentFix } from './host-survey.js';
import type { ApplyResult, Plan, StepResult } from './prepare.js';

/** todo: will change (dry run). done: changed or checked. same: nothing to do. skip: nothing to copy. warn: left alone. fail. */
export type Mark = 'todo' | 'done' | 'same' | 'skip' | 'warn' | 'fail';
const SYMBOL: Record<Mark, string> = { todo: '+', done: '✔', same: '·', skip: '-', warn: '⚠', fail: '✖' };

export interface ReportLine {
  mark: Mark;
  text: string;
  /** Shown under the line, wrapped (a URL, a backup's name, git's error). */
  detail?: string;
  /** What to do, wrapped, never cut. */
  fix?: string;
  /** A check, not a change (the agent's `--version`). */
  check?: boolean;
}

/** Result of a step, or a failure when the answer never got that far. */
const got = (r: StepResult | null | undefined): StepResult =>
  r ?? { ok: false, detail: 'no answer (connection lost?)' };

function agentLines(plan: Plan, result: ApplyResult | null): ReportLine[] {
  const lookup = result?.agent ?? plan.agent;
  const program = agentProgram(plan.agentCommand) || plan.agentCommand;
  const fix = agentFix(plan.host, plan.agentCommand, lookup);
  if (!result) {
    if (lookup.kind === 'found') return [{ mark: 'same', text: `agent found: ${tildify(lookup.path, plan.home)}` }];
    return [
      {
        mark: 'fail',
        text: lookup.kind === 'elsewhere' ? `${program} not in the ssh PATH` : `${program} not found`,
        fix,
      },
    ];
  }
  const v = result.version;
  if (v && v.status === 0) return [{ mark: 'done', text: `agent starts: ${v.line || 'ok'}`, check: true }];
  const why = !v ? 'no answer' : v.status === 127 || lookup.kind !== 'found' ? 'not found' : `exit ${v.status}`;
  const line: ReportLine = { mark: 'fail', text: `agent does not start (${why})`, detail: v?.line || undefined };
  if (lookup.kind !== 'found') line.fix = fix;
  else line.fix = `run "${plan.agentCommand} --version" on ${plan.host} to see why`;
  return [line];
}

/** The report lines of a plan; with `result`, of what happened when it ran. */
export function prepareLines(plan: Plan, result: ApplyResult | null): ReportLine[] {
  const lines: ReportLine[] = [];
  const dir = plan.projectsDir;
  if (!plan.mkdir) lines.push({ mark: 'same', text: `exists: ${dir}` });
  else if (!result) lines.push({ mark: 'todo', text: `create ${dir}` });
  else {
    const r = got(result.mkdir);
    lines.push(
      r.ok
        ? { mark: 'done', text: `created ${dir}` }
        : { mark: 'fail', text: `cannot create ${dir}`, detail: r.detail },
    );
  }

  for (const p of plan.projects) {
    if (p.kind === 'clone') {
      if (!result) lines.push({ mark: 'todo', text: `clone ${p.name}`, detail: p.url });
      else {
        const r = got(result.clones[p.name]);
        lines.push(
          r.ok
            ? { mark: 'done', text: `cloned ${p.name}` }
            : { mark: 'fail', text: `clone ${p.name} failed`, detail: r.detail },
        );
      }
    } else if (p.kind === 'present') lines.push({ mark: 'same', text: `${p.name} already cloned` });
    else if (p.kind === 'conflict')
      lines.push({ mark: 'warn', text: `${p.name}: ${p.why}, left alone`, detail: p.detail });
    else if (p.kind === 'skip') lines.push({ mark: 'skip', text: `${p.name} skipped: ${p.why}` });
    else lines.push({ mark: 'fail', text: `cannot clone ${p.name}: ${p.why}`, fix: 'install git there' });
  }

  for (const f of plan.files) {
    if (f.kind === 'same') lines.push({ mark: 'same', text: `${f.name} same as here` });
    else if (f.kind === 'nolocal') lines.push({ mark: 'skip', text: `${f.name}: none on this machine` });
    else if (!result) {
      lines.push(
        f.kind === 'copy'
          ? { mark: 'todo', text: `copy ~/.claude/${f.file.name}` }
          : { mark: 'todo', text: `replace ~/.claude/${f.file.name}`, detail: `old one kept as ${f.backup}` },
      );
    } else {
      const r = result.files[f.file.name] ?? { ...got(null), backup: null };
      const verb = f.kind === 'copy' ? 'copied' : 'replaced';
      lines.push(
        r.ok
          ? {
              mark: 'done',
              text: `${verb} ~/.claude/${f.file.name}`,
              detail: r.backup ? `old one kept as ${r.backup}` : undefined,
            }
          : { mark: r.detail.includes('meanwhile') ? 'warn' : 'fail', text: `${f.file.name}: ${r.detail}` },
      );
    }
  }

  if (plan.session === 'notmux')
    lines.push({ mark: 'fail', text: 'tmux not found', fix: 'install tmux (apt/dnf install tmux; NixOS: pkgs.tmux)' });
  else if (plan.session === 'exists') lines.push({ mark: 'same', text: `session ${plan.sessionName} exists` });
  else if (!result) lines.push({ mark: 'todo', text: `create session ${plan.sessionName}` });
  else {
    const r = got(result.session);
    lines.push(
      r.ok
        ? { mark: 'done', text: `created session ${plan.sessionName}` }
        : { mark: 'fail', text: `cannot create session ${plan.sessionName}`, detail: r.detail },
    );
  }
  lines.push(...agentLines(plan, result));
  return lines;
}

export type PaintMark = (mark: Mark, text: string) => string;

/** Every line at most `columns` wide: texts are cut; details (3 lines at most) and fixes wrapped. */
export function renderReport(lines: ReportLine[], columns: number, paint: PaintMark = (_m, t) => t): string[] {
  const out: string[] = [];
  for (const l of lines) {
    out.push(`${paint(l.mark, SYMBOL[l.mark])} ${fit(l.text, columns - 1 - width(SYMBOL[l.mark]))}`);
    if (l.detail) out.push(...wrap(l.detail, columns, '  ', '  ').slice(0, 3));
    if (l.fix) out.push(...wrap(`→ ${l.fix}`, columns, '  ', '    '));
  }
  return out;
}

export const countMarks = (lines: ReportLine[], mark: Mark) => lines.filter((l) => l.mark === mark).length;

/** Steps that changed something on the host. */
export const countChanges = (lines: ReportLine[]) => lines.filter((l) => l.mark === 'done' && !l.check).length;
