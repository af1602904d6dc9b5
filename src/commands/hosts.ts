import { isValidName, type HostEntry } from '../core/config.js';
import { TrimtabError, usageError } from '../core/errors.js';
import { fit, pad } from '../core/render.js';
import { configPath, loadConfigFile, saveConfigKey } from '../adapters/config-store.js';
import type { Ctx } from './context.js';

export function hostsList(ctx: Ctx, opts: { json?: boolean }): void {
  const hosts = ctx.config.hosts;
  if (opts.json) {
    ctx.out(JSON.stringify(hosts));
    return;
  }
  const w = Math.max(4, ...hosts.map((h) => h.name.length));
  for (const h of hosts) {
    const where = h.local ? 'this machine' : h.ssh;
    ctx.out(fit(`${pad(h.name, w)}  ${where}  ${h.projectsDir}`, ctx.term.columns));
  }
}

export async function hostsAdd(ctx: Ctx, name: string, opts: { ssh?: string; projects?: string; agent?: string; socket?: string }): Promise<void> {
  if (!isValidName(name)) throw usageError(`invalid host name ${JSON.stringify(name)}`, 'use letters, digits, "." "_" "-"');
  if (!opts.ssh) throw usageError('hosts add needs --ssh DEST', 'for example: trimtab hosts add thor --ssh mac@thor');
  if (/^-|\s/.test(opts.ssh)) throw usageError(`invalid ssh destination ${JSON.stringify(opts.ssh)}`, 'use USER@HOST or an ssh_config alias');
  const file = await loadConfigFile(ctx.env);
  const hosts = file.hosts ?? [];
  if (hosts.some((h) => h.name === name)) {
    throw usageError(`host "${name}" is already configured`, `remove it first: trimtab hosts remove ${name}`);
  }
  const entry: HostEntry = { name, ssh: opts.ssh };
  if (opts.projects) entry.projectsDir = opts.projects;
  if (opts.agent) entry.agentCommand = opts.agent;
  if (opts.socket) entry.tmuxSocket = opts.socket;
  await saveConfigKey(ctx.env, 'hosts', [...hosts, entry]);
  ctx.err(`added ${name} to ${configPath(ctx.env)}`);
}

export async function hostsRemove(ctx: Ctx, name: string): Promise<void> {
  const file = await loadConfigFile(ctx.env);
  const hosts = file.hosts ?? [];
  if (!hosts.some((h) => h.name === name)) {
    throw new TrimtabError(`no host "${name}" in ${configPath(ctx.env)}`, {
      exitCode: 2,
      hint: `configured: ${hosts.map((h) => h.name).join(', ') || 'none'}`,
    });
  }
  await saveConfigKey(ctx.env, 'hosts', hosts.filter((h) => h.name !== name));
  ctx.err(`removed ${name}`);
}
