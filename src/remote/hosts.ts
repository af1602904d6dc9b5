/** Host operations: survey a host (doctor, prepare) and apply a prepare plan, one round trip each. */

import { TrimtabError } from '../core/errors.js';
import type { Host } from '../core/hosts/config.js';
import { type Survey, surveyFromSections } from '../core/hosts/host-survey.js';
import { AGENT_VERSION_TIMEOUT, type ApplyResult, type Plan, parseApply } from '../core/hosts/prepare.js';
import { callError } from '../core/remote-errors.js';
import type { Ctx } from './context.js';
import { prepareScript, surveyScript } from './scripts.js';
import { call, onHost } from './transport.js';

export type SurveyOutcome =
  | { kind: 'surveyed'; survey: Survey }
  /** `reachable`: it answered, so the failure is a problem to fix there (or here), not a host that is away. */
  | { kind: 'failed'; error: TrimtabError; reachable: boolean };

const cutOff = (host: Host) =>
  new TrimtabError(`${host.name} stopped answering half way`, {
    hint: 'run it again; TRIMTAB_DEBUG=1 shows the exchange',
  });

/** What a host has; `projects`: names whose place in the projects dir to look at. Never throws for the host's sake. */
export async function surveyHost(ctx: Ctx, host: Host, projects: string[] = []): Promise<SurveyOutcome> {
  const r = await call(ctx, host, (m) => surveyScript(m, host, ctx.config.session, projects));
  const error = callError(host, r, ctx.config.connectTimeoutSeconds);
  if (error || r.kind !== 'answered')
    return {
      kind: 'failed',
      error: error ?? cutOff(host),
      reachable: r.kind !== 'unreachable' && r.kind !== 'lost' && r.kind !== 'hung',
    };
  const survey = surveyFromSections(r.sections);
  return survey ? { kind: 'surveyed', survey } : { kind: 'failed', error: cutOff(host), reachable: true };
}

/**
 * Carry out a plan. Clones can take minutes: the kill timer only guards against a connection that
 * stays silent, and the script said hello long before the first clone started.
 */
export async function applyPlan(ctx: Ctx, host: Host, plan: Plan): Promise<ApplyResult> {
  const clones = plan.projects.filter((p) => p.kind === 'clone').length;
  const sections = await onHost(ctx, host, (m) => prepareScript(m, host, plan), {
    extraSeconds: 60 + 600 * clones + AGENT_VERSION_TIMEOUT,
  });
  return parseApply(sections);
}
