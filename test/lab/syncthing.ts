/**
 * Real Syncthing instances for the lab (issue #7): each in its own home, GUI and sync port on
 * 127.0.0.1, with every way of reaching past loopback turned off (global and local discovery,
 * relays, NAT/STUN, usage and crash reporting, upgrades). Nothing is stubbed.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa, execaSync, type ResultPromise } from 'execa';
import { freePort, which } from './lab.js';

export interface Syncthing {
  name: string;
  home: string;
  id: string;
  apiKey: string;
  guiPort: number;
  listenPort: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A REST call; throws on a non-2xx answer. */
  api<T = unknown>(method: string, urlPath: string, body?: unknown): Promise<T>;
  log(): string;
}

export function requireSyncthing(): string {
  const bin = which('syncthing');
  if (!bin)
    throw new Error(
      'the sync tests need Syncthing: apt-get install -y syncthing (Fedora: dnf install syncthing); .ci/run installs it',
    );
  return bin;
}

/** Set one XML element's text (first match), failing loudly when Syncthing's format moved. */
function setElement(xml: string, element: string, value: string, within?: string): string {
  const scope = within ? new RegExp(`(<${within}\\b[\\s\\S]*?</${within}>)`).exec(xml)?.[1] : xml;
  if (!scope) throw new Error(`config.xml has no <${within}>`);
  const re = new RegExp(`(<${element}\\b[^>]*>)[^<]*(</${element}>)`);
  if (!re.test(scope)) throw new Error(`config.xml has no <${element}>`);
  const updated = scope.replace(re, `$1${value}$2`);
  return within ? xml.replace(scope, updated) : updated;
}

export async function createSyncthing(dir: string, name: string): Promise<Syncthing> {
  const bin = requireSyncthing();
  const home = path.join(dir, `syncthing-${name}`);
  const env = { ...process.env, STNOUPGRADE: '1', STNODEFAULTFOLDER: '1', STNORESTART: '1' };
  const gen = execaSync(bin, ['generate', '--home', home, '--no-default-folder'], { env, reject: false, all: true });
  if (gen.exitCode !== 0) throw new Error(`syncthing generate failed: ${gen.all}`);
  const id = /Device ID: ([A-Z0-9-]+)/.exec(gen.all ?? '')?.[1];
  if (!id) throw new Error(`no device ID in: ${gen.all}`);
  const [guiPort, listenPort] = [await freePort(), await freePort()];
  const file = path.join(home, 'config.xml');
  let xml = readFileSync(file, 'utf8');
  xml = setElement(xml, 'address', `127.0.0.1:${guiPort}`, 'gui');
  xml = xml.replace(new RegExp(`(<device id="${id}" name=")[^"]*`), `$1${name}`);
  for (const [el, v] of [
    ['listenAddress', `tcp://127.0.0.1:${listenPort}`],
    ['globalAnnounceEnabled', 'false'],
    ['localAnnounceEnabled', 'false'],
    ['relaysEnabled', 'false'],
    ['natEnabled', 'false'],
    ['urAccepted', '-1'],
    ['crashReportingEnabled', 'false'],
    ['startBrowser', 'false'],
    ['autoUpgradeIntervalH', '0'],
    ['reconnectionIntervalS', '1'],
  ] as const)
    xml = setElement(xml, el, v, 'options');
  // Folders added later (trimtab sync setup --apply) take these: watch changes, announce them in 1 s.
  xml = xml.replace(/(<defaults>\s*<folder [^>]*?)fsWatcherDelayS="\d+"/, '$1fsWatcherDelayS="1"');
  xml = xml.replace(/(<defaults>\s*<folder [^>]*?)rescanIntervalS="\d+"/, '$1rescanIntervalS="60"');
  writeFileSync(file, xml);
  const apiKey = /<apikey>([^<]+)<\/apikey>/.exec(xml)![1]!;
  const url = `http://127.0.0.1:${guiPort}`;

  let child: ResultPromise | undefined;
  let log = '';
  const api = async <T>(method: string, urlPath: string, body?: unknown): Promise<T> => {
    const r = await fetch(url + urlPath, {
      method,
      headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${urlPath}: HTTP ${r.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const st: Syncthing = {
    name,
    home,
    id,
    apiKey,
    guiPort,
    listenPort,
    api,
    log: () => log,
    async start() {
      child = execa(bin, ['serve', '--home', home, '--no-browser', '--no-restart', '--logflags=0'], {
        env,
        reject: false,
        all: true,
        buffer: false,
      });
      child.all?.on('data', (d) => (log += String(d)));
      const until = Date.now() + 30_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`syncthing ${name} exited:\n${log}`);
        const up = await api('GET', '/rest/system/ping').then(
          () => true,
          () => false,
        );
        if (up) return;
        if (Date.now() > until) throw new Error(`syncthing ${name} did not answer on ${url}:\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (!child) return;
      const c = child;
      child = undefined;
      await api('POST', '/rest/system/shutdown').catch(() => c.kill('SIGTERM'));
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await c;
      clearTimeout(timer);
    },
  };
  return st;
}
