/**
 * `trimtab sync setup HOST [PROJECT...] [--apply] [--os OS] [--with PEER]...`: print the
 * NixOS snippet or the distro steps for HOST; with --apply (not on NixOS) add the devices and folders
 * through HOST's own REST API.
 */
import kleur from 'kleur';
import { TrimtabError, usageError } from '../core/errors.js';
import { expandHome, findHost, type Host, isValidName } from '../core/hosts/config.js';
import { problemError } from '../core/remote-errors.js';
import {
  applyRequests,
  deviceAddresses,
  distroSteps,
  nixosSnippet,
  type OsFamily,
  osFamily,
  planLines,
  planSetup,
  type SetupSide,
} from '../core/sync/sync-setup.js';
import { type Probe, viewOf } from '../core/sync/syncthing.js';
import type { Ctx } from '../remote/context.js';
import { applySyncRequests, networkName, probeSyncthing } from '../remote/sync.js';

const FAMILIES: OsFamily[] = ['nixos', 'fedora', 'debian', 'arch', 'other'];

interface Probed {
  host: Host;
  probe: Probe | null;
  error: TrimtabError | null;
}

async function probeSafe(ctx: Ctx, host: Host): Promise<Probed> {
  try {
    const probe = await probeSyncthing(ctx, host);
    return { host, probe, error: probe.problem ? problemError(host, probe.problem) : null };
  } catch (error) {
    return { host, probe: null, error: error as TrimtabError };
  }
}

async function sideOf(ctx: Ctx, p: Probed): Promise<SetupSide> {
  const view = p.probe && !p.probe.problem ? viewOf(p.probe) : undefined;
  const user = p.probe?.user || (p.host.ssh.includes('@') ? p.host.ssh.replace(/@.*$/, '') : '');
  const home = p.probe?.home || (user ? `/home/${user}` : '');
  const dir = p.probe?.projectsDir || expandHome(p.host.projectsDir, home || '~');
  return {
    name: p.host.name,
    user,
    home,
    projectsDir: dir,
    view,
    addresses: deviceAddresses(await networkName(ctx, p.host), view?.listenPorts ?? []),
  };
}

export async function syncSetupCommand(
  ctx: Ctx,
  hostName: string,
  opts: { apply?: boolean; os?: string; with?: string[]; projects: string[] },
): Promise<void> {
  const target = findHost(ctx.config, hostName);
  for (const p of opts.projects) if (!isValidName(p)) throw usageError(`invalid project name ${JSON.stringify(p)}`);
  if (opts.os !== undefined && !FAMILIES.includes(opts.os as OsFamily))
    throw usageError(`unknown --os "${opts.os}"`, `one of: ${FAMILIES.join(', ')}`);
  const peers = opts.with?.length
    ? opts.with.map((n) => findHost(ctx.config, n))
    : ctx.config.hosts.filter((h) => h !== target);
  if (peers.includes(target)) throw usageError(`${target.name} cannot share with itself`);
  const local = ctx.config.hosts.find((h) => h.local)!;
  const probed = await Promise.all([target, ...peers].map((h) => probeSafe(ctx, h)));
  const [mine, ...theirs] = probed as [Probed, ...Probed[]];
  for (const p of theirs) if (p.error) ctx.err(`${kleur.yellow('⚠')} ${p.error.message}: its device ID is unknown`);

  const family =
    (opts.os as OsFamily | undefined) ?? (mine.probe ? osFamily(mine.probe.os, mine.probe.osLike) : undefined);
  if (!family)
    throw new TrimtabError(`cannot tell which OS ${target.name} runs: ${mine.error?.message}`, {
      exitCode: mine.error?.exitCode,
      hint: 'say it with --os nixos|fedora|debian|arch',
    });
  const fromLocal = probed.find((p) => p.host === local)?.probe?.projects ?? [];
  const projects = opts.projects.length
    ? opts.projects
    : [...new Set([...(mine.probe?.projects ?? []), ...(target.local ? [] : fromLocal)])].filter(isValidName).sort();
  if (projects.length === 0)
    ctx.err(
      `${kleur.yellow('⚠')} no projects found on ${target.name}${target.local ? '' : ' or here'}; name them: trimtab sync setup ${target.name} PROJECT...`,
    );
  const plan = planSetup(await sideOf(ctx, mine), await Promise.all(theirs.map((p) => sideOf(ctx, p))), projects);

  if (!opts.apply) {
    for (const line of family === 'nixos' ? nixosSnippet(plan) : distroSteps(plan, family)) ctx.out(line);
    if (family !== 'nixos') {
      ctx.out(`# --apply on ${target.name} will:`);
      for (const line of planLines(plan)) ctx.out(`#   ${line}`);
    }
    return;
  }
  if (family === 'nixos') {
    throw usageError(
      `${target.name} runs NixOS: --apply would be undone by overrideFolders at the next rebuild`,
      `put the snippet from "trimtab sync setup ${target.name}" into configuration.nix instead`,
    );
  }
  if (mine.error || !plan.target.view)
    throw mine.error ?? new TrimtabError(`Syncthing on ${target.name} did not answer`);
  const requests = applyRequests(plan);
  for (const line of planLines(plan)) ctx.err(line);
  if (requests.length === 0) {
    ctx.err(`${kleur.green('✔')} ${target.name} already has every device and folder`);
    return;
  }
  const replies = await applySyncRequests(ctx, target, mine.probe!, requests);
  const failed = replies.map((r, i) => [r, requests[i]!] as const).filter(([r]) => !r.ok);
  for (const [r, req] of failed)
    ctx.err(`${kleur.red('✖')} ${req.method} ${req.path}: ${r.body.trim().split('\n').at(-1)}`);
  if (failed.length) throw new TrimtabError(`${failed.length} of ${requests.length} changes failed on ${target.name}`);
  ctx.err(`${kleur.green('✔')} ${target.name}: ${requests.length} change${requests.length === 1 ? '' : 's'} applied`);
  ctx.err(
    `next: the same on the other side (trimtab sync setup PEER --apply, or its NixOS snippet), then trimtab sync ignore --on ${target.name}`,
  );
}
