/**
 * The shell scripts we ship pass shellcheck: the install and setup scripts, the remote shell libraries
 * (src/remote/sh), whole scripts as trimtab sends them, and the login script it generates. No
 * shellcheck is a failure, never a skip (the test setup installs it).
 */

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/hosts/config.js';
import type { Survey } from '../../src/core/hosts/host-survey.js';
import { planPrepare } from '../../src/core/hosts/prepare.js';
import {
  answerScript,
  LIBRARIES,
  listScript,
  prepareScript,
  sendScript,
  spawnScript,
  surveyScript,
  syncApplyScript,
  syncProbeScript,
  writeIgnoresScript,
} from '../../src/remote/scripts.js';
import { CLI, which } from '../lab/lab.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SH = path.join(ROOT, 'src/remote/sh');

async function shellcheck(args: string[], input?: string) {
  const r = await execa('shellcheck', args, { reject: false, input });
  return { exitCode: r.exitCode, output: r.stdout + r.stderr };
}

describe('shellcheck', () => {
  it('is installed', () =>
    expect(which('shellcheck'), 'install shellcheck (scripts/test-setup.sh does, as root)').toBeTruthy());

  it.each(['install.sh', 'scripts/test-setup.sh', '.ci/run'])('%s', async (file) => {
    expect(await shellcheck([path.join(ROOT, file)])).toEqual({ exitCode: 0, output: '' });
  });

  const libraries = readdirSync(SH).filter((f) => f.endsWith('.sh'));
  // Every .sh file is bundled (scripts.ts LIBRARIES), and every bundled library is checked here.
  it('finds the remote shell libraries', () => {
    expect(libraries.length).toBeGreaterThanOrEqual(5);
    expect(libraries.sort()).toEqual(Object.keys(LIBRARIES).sort());
  });

  it.each(libraries)('src/remote/sh/%s', async (file) => {
    expect(await shellcheck(['-s', 'sh', path.join(SH, file)])).toEqual({ exitCode: 0, output: '' });
  });

  const host = { ...resolveConfig({}, {}, 'thor').hosts[0]!, tmuxSocket: "it's", syncthingHome: '~/st' };
  const survey = {
    projectsDirExists: false,
    session: false,
    git: 'git',
    projects: {},
    files: { 'CLAUDE.md': { present: false }, 'settings.json': { present: false } },
  } as unknown as Survey;
  const file = { name: 'CLAUDE.md' as const, sha256: 'a'.repeat(64), base64: 'aGkK', mode: 0o600 };
  const plan = planPrepare({
    host,
    session: 'agents',
    survey,
    projects: [{ name: 'p', kind: 'remote', remote: 'origin', url: 'git://x/p' }],
    files: { 'CLAUDE.md': file },
    stamp: 's',
  });
  const M = '@@trimtab-0123456789ab@@';
  it.each([
    ['list', listScript(M, host, 'agents')],
    ['send', sendScript(M, host, { kind: 'window', session: 'agents', window: 'p' }, "it's\nfine", true)], // data with $(...) draws shellcheck's SC2016 note: the quoting tests cover it
    ['spawn', spawnScript(M, host, 'agents', 'p')],
    ['answer', answerScript(M, host, { kind: 'pane', paneId: '%3' }, ['Do you want to proceed?', '❯ 1. Yes'], ['1'])],
    ['survey', surveyScript(M, host, 'agents', ['p'])],
    ['prepare', prepareScript(M, host, plan)],
    ['sync probe', syncProbeScript(M, host)],
    ['sync apply', syncApplyScript(M, host, [{ method: 'POST', path: '/rest/config/folders', body: { id: 'x' } }])],
    ['write ignores', writeIgnoresScript(M, host, [{ project: 'p', text: '(?d)x\n' }])],
  ])('the whole %s script, as sent', async (_name, script) => {
    expect(await shellcheck(['-s', 'sh', '-'], script)).toEqual({ exitCode: 0, output: '' });
  });

  it('the generated login script', async () => {
    const script = (await execa(process.execPath, [CLI, 'login', '--script', '/home/u/.local/bin/trimtab'])).stdout;
    expect(await shellcheck(['-s', 'sh', '-'], script)).toEqual({ exitCode: 0, output: '' });
  });
});
