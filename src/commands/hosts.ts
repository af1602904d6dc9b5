import { configPath, loadConfigFile, saveConfigKey } from '../adapters/config-store.js';
import { TrimtabError, usageError } from '../core/errors.js';
import { type HostEntry, isValidName } from '../core/hosts/config.js';
import { forgetOffline } from '../core/hosts/host-cache.js';
import { fit, pad } from '../core/render/render.js';
import { type Ctx, updateHostCache } from '../remote/context.js';

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

interface HostOptions {
  ssh?: string;
  projects?: string;
  agent?: string;
  socket?: string;
}

/** The config keys the options set (only those given); the schema check happens when conf saves them. */
function entryKeys(opts: HostOptions): Partial<HostEntry> {
  if (opts.ssh !== undefined && /^-|\s|^$/.test(opts.ssh)) {
    throw usageError(`invalid ssh destination ${JSON.stringify(opts.ssh)}`, 'use USER@HOST or an ssh_config alias');
  }
  const keys: Partial<HostEntry> = {
    ssh: opts.ssh,
    projectsDir: opts.projects,
    agentCommand: opts.agent,
    tmuxSocket: opts.socket,
  };
  return Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined));
}

export async function hostsAdd(ctx: Ctx, name: string, opts: HostOptions): Promise<void> {
  if (!isValidName(name))
    throw usageError(`invalid host name ${JSON.stringify(name)}`, 'use letters, digits, "." "_" "-"');
  if (!opts.ssh) throw usageError('hosts add needs --ssh DEST', 'for example: trimtab hosts add thor --ssh mac@thor');
  const keys = entryKeys(opts);
  const file = await loadConfigFile(ctx.env);
  const hosts = file.hosts ?? [];
  if (hosts.some((h) => h.name === name)) {
    throw usageError(`host "${name}" is already configured`, `change it with: trimtab hosts set ${name} ...`);
  }
  await saveConfigKey(ctx.env, 'hosts', [...hosts, { name, ...keys }]);
  ctx.err(`added ${name} to ${configPath(ctx.env)}`);
}

/** Change some keys of one host; this machine's implicit entry becomes a real one. */
export async function hostsSet(ctx: Ctx, name: string, opts: HostOptions): Promise<void> {
  const keys = entryKeys(opts);
  if (Object.keys(keys).length === 0) {
    throw usageError('nothing to set', `for example: trimtab hosts set ${name} --agent /path/to/claude`);
  }
  const file = await loadConfigFile(ctx.env);
  const hosts = file.hosts ?? [];
  const local = ctx.config.hosts.find((h) => h.local)!;
  if (!hosts.some((h) => h.name === name) && name !== local.name) {
    throw new TrimtabError(`no host "${name}" in ${configPath(ctx.env)}`, {
      exitCode: 2,
      hint: `configured: ${hosts.map((h) => h.name).join(', ') || 'none'}; add one with trimtab hosts add`,
    });
  }
  const updated = hosts.some((h) => h.name === name)
    ? hosts.map((h) => (h.name === name ? { ...h, ...keys } : h))
    : [{ name, ...keys }, ...hosts];
  await saveConfigKey(ctx.env, 'hosts', updated);
  // The host was remembered offline under its old settings: the next call tries the new ones at once.
  updateHostCache(ctx, (c) => forgetOffline(c, name));
  ctx.err(`${name}: set ${Object.keys(keys).join(', ')}`);
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
  await saveConfigKey(
    ctx.env,
    'hosts',
    hosts.filter((h) => h.name !== name),
  );
  ctx.err(`removed ${name}`);
}
