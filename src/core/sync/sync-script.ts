/**
 * Reading what the sync scripts (remote/sh/sync.sh) print: the probe's sections as a Probe, and
 * `.stignore` bytes from od's hex. The REST change type for `sync setup --apply`.
 */
import type { Section } from '../protocol.js';
import { emptyProbe, type Probe, type Reply } from './syncthing.js';

/** The sections of a probeScript run as a Probe. */
export function probeFromSections(sections: Section[]): Probe {
  const probe = emptyProbe();
  let folder: string | undefined;
  const body = (s: Section) => s.lines.join('\n').replace(/\n+$/, '');
  for (const s of sections) {
    if (s.tag === 'facts') {
      const kv = Object.fromEntries(
        s.lines.filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      probe.home = kv.home ?? '';
      probe.user = kv.user ?? '';
      probe.os = kv.os || 'unknown';
      probe.osLike = (kv.like ?? '').split(/\s+/).filter(Boolean);
      probe.projectsDir = kv.dir ?? '';
    } else if (s.tag === 'projects') {
      probe.projects = s.lines.filter((l) => l !== '');
    } else if (s.tag === 'noconfig') {
      probe.problem = { kind: 'noconfig', looked: s.lines.filter((l) => l !== '') };
    } else if (s.tag === 'nogui') {
      probe.problem = { kind: 'nogui', detail: body(s) };
    } else if (s.tag === 'nohttp') {
      probe.problem = { kind: 'nohttp' };
    } else if (s.tag === 'config') {
      probe.configPath = s.lines[0];
    } else if (s.tag === 'api') {
      probe.api = s.args[0];
    } else if (s.tag === 'folder') {
      folder = s.lines[0] ?? '';
    } else if (s.tag === 'rest' || s.tag === 'fail') {
      const name = s.args[0] ?? '';
      const reply: Reply =
        s.tag === 'rest' ? { ok: true, body: body(s) } : { ok: false, code: Number(s.args[1]), body: body(s) };
      const perFolder = (f: string) => {
        probe.perFolder[f] ??= { completion: {} };
        return probe.perFolder[f];
      };
      if (folder !== undefined && name === 'dbstatus') {
        perFolder(folder).dbstatus = reply;
      } else if (folder !== undefined && name.startsWith('completion:')) {
        perFolder(folder).completion[name.slice('completion:'.length)] = reply;
      } else if (name === 'status' || name === 'connections' || name === 'folders' || name === 'devices') {
        probe.rest[name] = reply;
        if (name === 'status' && !reply.ok)
          probe.problem = { kind: 'api', url: probe.api ?? '', code: reply.code, detail: reply.body };
      }
    }
  }
  return probe;
}

/** One REST change for --apply: POST /rest/config/devices, PATCH /rest/config/folders/ID... */
export interface ApiRequest {
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  body: unknown;
}

/** Bytes from `od -An -tx1` lines. */
export const fromHex = (lines: string[]): string =>
  Buffer.from(
    lines
      .join(' ')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((h) => parseInt(h, 16)),
  ).toString('utf8');
