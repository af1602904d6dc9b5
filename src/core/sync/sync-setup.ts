/**
 * `trimtab sync setup HOST` (issue #7), pure: which devices and folders HOST needs, as a NixOS
 * `services.syncthing` snippet, as distro steps, or as the REST calls `--apply` makes.
 */
import type { ApiRequest } from './sync-script.js';
import { folderFor, type SyncView } from './syncthing.js';

export type OsFamily = 'nixos' | 'fedora' | 'debian' | 'arch' | 'other';

export function osFamily(os: string, like: string[] = []): OsFamily {
  const ids = [os, ...like].map((s) => s.toLowerCase());
  if (ids.includes('nixos')) return 'nixos';
  if (ids.some((i) => ['fedora', 'rhel', 'centos'].includes(i))) return 'fedora';
  if (ids.some((i) => ['debian', 'ubuntu'].includes(i))) return 'debian';
  if (ids.some((i) => ['arch', 'archlinux'].includes(i))) return 'arch';
  return 'other';
}

/** One side of the setup as trimtab knows it; `view` is missing when its Syncthing did not answer. */
export interface SetupSide {
  name: string;
  user: string;
  home: string;
  /** Absolute. */
  projectsDir: string;
  view?: SyncView | undefined;
  /** How the others reach it: `tcp://HOST:PORT`, then `dynamic`. */
  addresses: string[];
}

export interface PlannedDevice {
  name: string;
  /** Null: not known yet (its Syncthing did not answer). */
  id: string | null;
  addresses: string[];
  /** Already in HOST's Syncthing config. */
  present: boolean;
}

export interface PlannedFolder {
  project: string;
  id: string;
  path: string;
  /** Peer names to share with. */
  peers: string[];
  /** 'new': POST it; 'share': it exists, add missing peers; 'ok': nothing to do. */
  action: 'new' | 'share' | 'ok';
}

export interface SetupPlan {
  target: SetupSide;
  devices: PlannedDevice[];
  folders: PlannedFolder[];
}

/** `tcp://HOST:PORT` on the first tcp port the device listens on (22000 by default), then `dynamic`. */
export const deviceAddresses = (hostname: string, ports: number[]): string[] => [
  `tcp://${hostname}:${ports[0] ?? 22000}`,
  'dynamic',
];

/**
 * Devices: every peer (another configured host) except the target itself. Folders: one per project,
 * reusing the ID a folder already has on the target or on a peer, else the project's name, so both
 * sides name it the same (Syncthing pairs folders by ID, not by path).
 */
export function planSetup(target: SetupSide, others: SetupSide[], projects: string[]): SetupPlan {
  const myId = target.view?.myId ?? null;
  const seen = new Set<string>(myId ? [myId] : []);
  const peers = others.filter((o) => {
    const id = o.view?.myId;
    if (!id) return true;
    if (seen.has(id)) return false; // two trimtab hosts on one Syncthing (or the target itself)
    seen.add(id);
    return true;
  });
  const known = new Set(target.view?.devices.map((d) => d.id) ?? []);
  const devices = peers.map((p) => ({
    name: p.name,
    id: p.view?.myId ?? null,
    addresses: p.addresses,
    present: p.view?.myId ? known.has(p.view.myId) : false,
  }));
  const folders = projects.map((project): PlannedFolder => {
    const path = `${target.projectsDir}/${project}`;
    const mine = target.view
      ? folderFor(target.view.folders, target.projectsDir, project, target.view.tilde)
      : undefined;
    const theirs = peers
      .map((p) => (p.view ? folderFor(p.view.folders, p.projectsDir, project, p.view.tilde) : undefined))
      .find(Boolean);
    const id = mine?.id ?? theirs?.id ?? project;
    const peerIds = devices.map((d) => d.id).filter((x): x is string => x !== null);
    const action = !mine ? 'new' : peerIds.every((d) => mine.deviceIds.includes(d)) ? 'ok' : 'share';
    return { project, id, path: mine?.path ?? path, peers: devices.map((d) => d.name), action };
  });
  return { target, devices, folders };
}

/** The REST calls `--apply` makes; empty when HOST already has everything. */
export function applyRequests(plan: SetupPlan): ApiRequest[] {
  const view = plan.target.view;
  if (!view) return [];
  const reqs: ApiRequest[] = [];
  for (const d of plan.devices) {
    if (d.id && !d.present)
      reqs.push({
        method: 'POST',
        path: '/rest/config/devices',
        body: { deviceID: d.id, name: d.name, addresses: d.addresses },
      });
  }
  const peerIds = plan.devices.map((d) => d.id).filter((x): x is string => x !== null);
  for (const f of plan.folders) {
    if (f.action === 'new') {
      const devices = [view.myId, ...peerIds].filter(Boolean).map((deviceID) => ({ deviceID }));
      reqs.push({
        method: 'POST',
        path: '/rest/config/folders',
        body: { id: f.id, label: f.project, path: f.path, type: 'sendreceive', fsWatcherEnabled: true, devices },
      });
    } else if (f.action === 'share') {
      const current = view.folders.find((x) => x.id === f.id)?.deviceIds ?? [];
      const devices = [...new Set([...current, ...peerIds])].map((deviceID) => ({ deviceID }));
      reqs.push({ method: 'PATCH', path: `/rest/config/folders/${encodeURIComponent(f.id)}`, body: { devices } });
    }
  }
  return reqs;
}

/** A Nix string literal: `"`, `\` and `${` escaped. */
export const nixString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '\\${')}"`;

const placeholder = (name: string) => `<${name}'s device ID: run "syncthing --device-id" there>`;

/** `services.syncthing` for a NixOS host: devices, one folder per project, run as the login user. */
export function nixosSnippet(plan: SetupPlan): string[] {
  const t = plan.target;
  const user = t.user || 'YOUR-USER';
  const home = t.home || `/home/${user}`;
  const lines = [
    `# ${t.name}: add to /etc/nixos/configuration.nix, then run: sudo nixos-rebuild switch`,
    'services.syncthing = {',
    '  enable = true;',
    `  # Run as ${user}, with its config.xml where trimtab looks (~/.config/syncthing).`,
    `  user = ${nixString(user)};`,
    '  group = "users";',
    `  dataDir = ${nixString(home)};`,
    `  configDir = ${nixString(`${home}/.config/syncthing`)};`,
    '  # overrideDevices/overrideFolders (true by default): this file is the whole truth;',
    '  # devices and folders added in the GUI or by `trimtab sync setup --apply` are',
    '  # deleted at the next rebuild. Set overrideFolders = false to keep folders added',
    '  # elsewhere next to these.',
    '  overrideDevices = true;',
    '  overrideFolders = true;',
    '  settings = {',
    '    devices = {',
  ];
  for (const d of plan.devices) {
    lines.push(
      `      ${nixString(d.name)} = {`,
      `        id = ${nixString(d.id ?? placeholder(d.name))};`,
      `        addresses = [ ${d.addresses.map(nixString).join(' ')} ];`,
      '      };',
    );
  }
  lines.push('    };', '    folders = {');
  for (const f of plan.folders) {
    const idLine = f.id === f.project ? [] : [`        id = ${nixString(f.id)};`];
    lines.push(
      `      ${nixString(f.project)} = {`,
      ...idLine,
      `        path = ${nixString(f.path)};`,
      `        devices = [ ${f.peers.map(nixString).join(' ')} ];`,
      '      };',
    );
  }
  lines.push(
    '    };',
    '  };',
    '};',
    '# Syncthing listens on 22000; open it on the Tailscale interface only:',
    'networking.firewall.interfaces."tailscale0".allowedTCPPorts = [ 22000 ];',
  );
  return lines;
}

const INSTALL: Record<Exclude<OsFamily, 'nixos'>, string> = {
  fedora: 'sudo dnf install -y syncthing',
  debian: 'sudo apt-get install -y syncthing',
  arch: 'sudo pacman -S --needed syncthing',
  other: '# install syncthing with the package manager',
};

/** Install and start Syncthing as the user (systemd user unit), then `--apply` and `sync ignore`. */
export function distroSteps(plan: SetupPlan, family: Exclude<OsFamily, 'nixos'>): string[] {
  const t = plan.target;
  const user = t.user || '$USER';
  // Comment lines stay within 40 columns: this may be read on a phone.
  const lines = [
    `# ${t.name}: install, run as ${user}`,
    INSTALL[family],
    'systemctl --user enable --now syncthing',
    '# keep it running when logged out:',
    `sudo loginctl enable-linger ${user}`,
  ];
  if (family === 'fedora') {
    lines.push(
      '# firewalld (Fedora Server only):',
      'sudo firewall-cmd --permanent --add-service=syncthing',
      'sudo firewall-cmd --reload',
    );
  }
  lines.push(
    '# then devices + one folder per project:',
    `trimtab sync setup ${t.name} --apply`,
    `trimtab sync ignore --on ${t.name}`,
  );
  return lines;
}

/** What --apply does (or did), one line each, short enough for a phone. */
export function planLines(plan: SetupPlan): string[] {
  const lines: string[] = [];
  for (const d of plan.devices) {
    const what =
      d.id === null
        ? 'unknown ID (its Syncthing did not answer): skipped'
        : d.present
          ? 'already known'
          : `add ${d.id.slice(0, 7)} at ${d.addresses[0]}`;
    lines.push(`device ${d.name}: ${what}`);
  }
  for (const f of plan.folders) {
    const what =
      f.action === 'new'
        ? `add ${f.path}`
        : f.action === 'share'
          ? `share with ${f.peers.join(', ')}`
          : 'already shared';
    lines.push(`folder ${f.id}: ${what}`);
  }
  return lines;
}
